// The Training explorer: K copies of a small network trained in parallel on a 2-D data set by the
// backend's engine (trainingEngines.ts: the GPU engine of src/gpu/trainingEngine.ts, or without WebGPU the
// CPU twin in a worker). Every T steps a checkpoint gives the bands across copies
// of the loss and accuracy, the share of copies at the target accuracy, the histogram of all weights
// (exact zeros counted: L1 proximal makes them), one copy's decision boundary and its network
// (src/ui/trainingPanels.ts). This file composes the kit: knobs from TRAIN_PARAMS, URL state, one
// LatestRunner whose run is the training loop (play/pause, step by T, reset, re-seed).

import {
  commandLine,
  type ParamSpec,
  type ParamValue,
  type ParamValues,
  parseParam,
  tableForAdapter,
} from '../core/params';
import { nextSeed } from '../core/rng';
import { fitTrainConfig, TRAIN_PARAMS, type TrainConfig } from '../core/trainConfig';
import { type TrainingData, trainingData } from '../core/trainingData';
import { COPY_CHOICES, chooseCopy, type TrainingCheckpoint } from '../core/trainStats';
import { format } from '../view/trainingCharts';
import { backendIdle, backendKind, type Explorer, type ExplorerContext } from './explorer';
import { errorMessage, formatSeconds, isAbortError } from './kit/dom';
import { explorerFrame } from './kit/frame';
import { LatestRunner, type RunContext } from './kit/latest';
import { ParamGui } from './kit/paramGui';
import { announce, halveSizes, lastValues, readUrl, writeUrl } from './kit/urlState';
import { createTrainingEngine } from './trainingEngines';
import { TrainingPanels } from './trainingPanels';

/** What the panels show, not what is trained: which copy's boundary and network. */
const VIEW_PARAMS: readonly ParamSpec[] = [
  {
    key: 'copy',
    label: 'boundary of copy',
    kind: 'choice',
    choices: [...COPY_CHOICES, 'index'],
    default: 'median',
    help: 'The copy whose decision boundary and network are drawn: by test loss, or by index.',
  },
  { key: 'index', label: 'copy index', kind: 'int', min: 0, max: 4095, default: 0, help: 'With "index": that copy.' },
];

const INTRO =
  'K networks, each from its own random initialization, learn the same data by full-batch gradient descent at once. ' +
  'The bands show the spread across copies (10–90%); diverged copies (non-finite loss) are counted, not averaged in.';

/** The table's values of a config (depth and width from the hidden list). */
function settingsOf(config: TrainConfig): ParamValues {
  const values: ParamValues = {};
  for (const spec of TRAIN_PARAMS) {
    if (spec.key === 'depth') values.depth = config.hidden.length;
    else if (spec.key === 'width') values.width = config.hidden[0];
    else values[spec.key] = config[spec.key] as ParamValue;
  }
  return values;
}

/** Hidden widths that depth × width cannot express ("8,4"), else undefined. */
function unevenHidden(config: TrainConfig): string | undefined {
  return config.hidden.every((width) => width === config.hidden[0]) ? undefined : config.hidden.join(',');
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function mount(container: HTMLElement, context: ExplorerContext): Promise<() => void> {
  const backend = backendKind(context.backend);
  const table = tableForAdapter(TRAIN_PARAMS, backend);
  const url = readUrl([...table, ...VIEW_PARAMS], context.params, ['hidden']);
  const fitted = fitTrainConfig({ ...url.values, hidden: lastValues(context.params).get('hidden') ?? undefined });
  const pairNotice =
    context.params.has('hidden') && (context.params.has('depth') || context.params.has('width'))
      ? ['hidden gives every hidden width, so depth and width are ignored (the CLI refuses the pair)']
      : [];
  announce([...url.notices, ...pairNotice, ...fitted.notices], context.notify);
  let config = fitted.config;
  const view = {
    copy: url.values.copy as string,
    index: url.values.index as number,
    grid: backend === 'gpu' ? 128 : 48,
  };
  const engine = await createTrainingEngine(context.backend);

  /** The table's values, without depth and width when the hidden list is uneven (it replaces them). */
  const values = (): ParamValues => {
    const { depth, width, ...rest } = settingsOf(config);
    return unevenHidden(config) ? rest : { ...rest, depth, width };
  };
  const frame = explorerFrame(container, context, {
    id: 'training',
    intro: INTRO,
    controlsTitle: 'Settings',
    table: TRAIN_PARAMS,
    command: () => {
      const hidden = unevenHidden(config);
      return commandLine('train', TRAIN_PARAMS, values(), hidden ? [`--hidden=${hidden}`] : []);
    },
  });
  const panels = new TrainingPanels(frame);
  const { status } = frame;

  // ---- The run: the training loop, retired by the runner when the settings change ----
  let data: TrainingData = trainingData(config.dataset, config.points, config.noise, config.testShare, config.seed);
  let history: TrainingCheckpoint[] = [];
  /** All copies' parameters (K·P) at the last checkpoint, and the run they belong to. */
  let checkpointParams: Float32Array | undefined;
  let shownRun: RunContext | undefined;
  let playing = true;
  /** Checkpoint intervals the step button asked for while paused. */
  let pendingSteps = 0;

  const drawCheckpoint = async (checkpoint: TrainingCheckpoint, run: RunContext, runConfig: TrainConfig) => {
    panels.drawHistory(history);
    const choice = view.copy === 'index' ? Math.min(view.index, runConfig.copies - 1) : view.copy;
    const copy = chooseCopy(checkpoint.copyMetrics, choice as (typeof COPY_CHOICES)[number] | number);
    if (copy === null) {
      panels.drawNoCopy();
      return;
    }
    if (checkpointParams) panels.drawNetwork(copy, checkpoint.step, runConfig, checkpointParams);
    if (!run.isCurrent()) return; // the engine is being reset: its copy may be gone
    const probabilities = await engine.decisionGrid(copy, view.grid);
    if (!run.isCurrent()) return;
    panels.drawBoundary({ copy, choice: view.copy, G: view.grid, probabilities }, data, checkpoint.copyMetrics);
  };

  const record = async (run: RunContext, runConfig: TrainConfig) => {
    const checkpoint = await engine.checkpoint();
    const params = await engine.readParams();
    if (!run.isCurrent()) return;
    checkpointParams = params;
    history.push(checkpoint);
    await drawCheckpoint(checkpoint, run, runConfig);
    status.show(
      `step ${checkpoint.step}/${runConfig.steps} · ${runConfig.copies} copies · diverged ${checkpoint.diverged} · ` +
        `≥ ${format(runConfig.target)} test accuracy: ${format(100 * checkpoint.aboveTarget)}% now, ` +
        `${format(100 * checkpoint.reachedTarget)}% reached${timeLeft(checkpoint.step, runConfig.steps)}` +
        (playing ? '' : ' · paused'),
    );
    status.element.dataset.step = String(checkpoint.step);
  };

  /** Milliseconds and steps of the run's intervals so far (paused time not counted): the time-left estimate. */
  let pace = { ms: 0, steps: 0 };
  const timeLeft = (step: number, steps: number) =>
    step < steps && pace.steps > 0 ? ` · ~${formatSeconds(((steps - step) * pace.ms) / pace.steps / 1000)} left` : '';

  const train = async (runConfig: TrainConfig, run: RunContext): Promise<void> => {
    pace = { ms: 0, steps: 0 };
    data = trainingData(runConfig.dataset, runConfig.points, runConfig.noise, runConfig.testShare, runConfig.seed);
    history = [];
    checkpointParams = undefined;
    shownRun = run;
    await engine.reset(runConfig);
    if (!run.isCurrent()) return;
    await record(run, runConfig);
    /** When the time of the next interval started counting: after the last checkpoint drew, or a pause ended. */
    let mark = performance.now();
    while (run.isCurrent() && engine.stepCount < runConfig.steps) {
      if (!playing) {
        if (pendingSteps === 0) {
          await sleep(100);
          mark = performance.now();
          continue;
        }
        pendingSteps--;
      }
      const count = Math.min(runConfig.every, runConfig.steps - engine.stepCount);
      await engine.step(count, { signal: run.signal });
      if (!run.isCurrent()) return;
      // The steps and the last checkpoint's read-back and drawing: what each interval of the rest will cost.
      pace = { ms: pace.ms + performance.now() - mark, steps: pace.steps + count };
      await record(run, runConfig);
      mark = performance.now();
      await sleep(0); // let the page draw and take input between checkpoints (a timer, so hidden tabs go on)
    }
  };

  const runner = new LatestRunner<TrainConfig, void>({
    debounceMs: 150,
    run: train,
    present: () => undefined, // every checkpoint drew as it came
    onState: (state, error) => {
      status.state = state;
      if (state === 'error') {
        status.fail('Training failed', error);
        context.notify(`Training failed: ${errorMessage(error)}`, 'error');
      }
    },
  });

  /** Redraws the last checkpoint after a View knob moved (the boundary of another copy). */
  const redrawView = () => {
    const last = history.at(-1);
    const run = shownRun;
    if (!last || !run?.isCurrent()) return; // a new run is on its way: its first checkpoint draws
    drawCheckpoint(last, run, config).catch((error) => {
      if (!isAbortError(error)) context.notify(`Redraw failed: ${errorMessage(error)}`);
    });
  };

  const writeState = () => {
    const search = writeUrl([...table, ...VIEW_PARAMS], { ...values(), copy: view.copy, index: view.index });
    const hidden = unevenHidden(config);
    if (hidden) search.set('hidden', hidden);
    context.setParams(search);
    frame.refreshCommand();
  };

  // ---- Knobs ----
  const restart = () => {
    pendingSteps = 0;
    runner.request(config, 0);
  };
  const actions = {
    pause: () => setPlaying(!playing),
    /** Pauses, then advances by one checkpoint interval T. */
    step: () => {
      setPlaying(false);
      pendingSteps++;
    },
    reset: restart,
    reseed: () => onChange('seed', nextSeed(config.seed)),
  };
  const onChange = (key: string, value: ParamValue) => {
    const viewSpec = VIEW_PARAMS.find((spec) => spec.key === key);
    if (viewSpec) {
      Object.assign(view, { [key]: parseParam(viewSpec, value).value });
      writeState();
      redrawView();
      return;
    }
    const spec = table.find((candidate) => candidate.key === key);
    if (!spec) return;
    const parsed = parseParam(spec, value, settingsOf(config)[key]);
    if (parsed.message) context.notify(parsed.message, 'warning');
    const uneven = unevenHidden(config);
    const keepHidden = key !== 'depth' && key !== 'width' ? uneven : undefined;
    if (uneven && !keepHidden)
      context.notify(`hidden ${uneven} replaced by ${key} (every hidden layer as wide)`, 'info');
    const next = fitTrainConfig({ ...settingsOf(config), [key]: parsed.value, hidden: keepHidden });
    for (const notice of next.notices) context.notify(notice, 'warning');
    config = next.config;
    gui.show(settingsOf(config)); // the knobs show what runs: fitting may clamp a value or lower λ or K
    writeState();
    pendingSteps = 0;
    runner.request(config);
  };
  const gui = new ParamGui({
    container: frame.controls.body,
    title: 'Training',
    table: [...table, ...VIEW_PARAMS],
    values: { ...settingsOf(config), copy: view.copy, index: view.index },
    folders: [{ title: 'View', keys: ['copy', 'index'] }],
    onChange,
  });
  const pauseController = gui.gui.add(actions, 'pause');
  gui.gui.add(actions, 'step').name('step (T steps)');
  gui.gui.add(actions, 'reset').name('reset (same seed)');
  gui.gui.add(actions, 'reseed').name('re-seed');
  /** Paused, the run stays in progress (data-state running) and says so: data-paused and the line's text. */
  const setPlaying = (next: boolean) => {
    playing = next;
    pauseController.name(playing ? 'pause' : 'play');
    status.element.dataset.paused = String(!playing);
    const text = (status.element.textContent ?? '').replace(/ · paused$/, '');
    status.show(playing ? text : `${text} · paused`);
  };

  writeState();
  restart();
  return () => {
    runner.destroy();
    panels.destroy();
    gui.destroy();
    // Let the retired run and any in-flight submission finish before the buffers go.
    void runner.settled.then(() => backendIdle(context.backend)).then(() => engine.destroy());
  };
}

export const trainingExplorer: Explorer = {
  id: 'training',
  title: 'Training',
  summary:
    'Train K copies of a small network at once: loss and accuracy bands across copies, exact zeros under L1, ' +
    'decision boundaries.',
  mount,
  reduce: (params, backend) => halveSizes(TRAIN_PARAMS, params, ['copies', 'points'], backend),
};
