// The Training explorer: K copies of a small network trained in parallel on a 2-D data set by the
// GPU engine (src/gpu/trainingEngine.ts). Every T steps a checkpoint gives the median and 10–90%
// band across copies of the training and test loss and accuracy, the share of copies at the target
// accuracy, the histogram of all weights (exact zeros counted: L1 proximal makes them) and the
// decision boundary of one copy (median, best, worst or by index) evaluated on a grid on the GPU,
// and that copy's network with its weights. Thin over view/ (trainingCharts, networkDiagram): this
// file owns the state, the run loop and the GUI (play/pause, step by T, reset same seed, re-seed).
// lil-gui knobs are built from TRAIN_PARAMS (one change handler restarts the run); the URL
// round-trips through writeParams / fitTrainConfig (clamped values become notices).

import GUI from 'lil-gui';
import { type ParamValues, writeParams } from '../core/params';
import { fitTrainConfig, TRAIN_PARAMS, type TrainConfig } from '../core/trainConfig';
import { trainingData } from '../core/trainingData';
import { trainLayout } from '../core/trainLayout';
import { COPY_CHOICES, chooseCopy, identicalHiddenUnits, type TrainingCheckpoint } from '../core/trainStats';
import { TrainingEngine } from '../gpu/trainingEngine';
import { drawNetworkDiagram, networkLegend } from '../view/networkDiagram';
import {
  BandChart,
  drawBoundary,
  drawHistogram,
  format,
  TARGET_COLOR,
  TEST_COLOR,
  TRAIN_COLOR,
} from '../view/trainingCharts';
import type { Explorer, ExplorerContext } from './explorer';
import { nextSeed } from './initUrl';

/** On a software adapter (~100x slower) the run starts small unless the URL asks otherwise. */
const SOFTWARE_DEFAULTS: Partial<Record<string, number>> = { copies: 64, points: 200, steps: 300, every: 10 };

function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string> = {},
  text?: string,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

function panel(title: string, id: string): { root: HTMLElement; body: HTMLElement } {
  const root = element('section', { class: 'panel', id });
  const body = element('div');
  root.append(element('h3', {}, title), body);
  return { root, body };
}

function bandColumns(
  history: TrainingCheckpoint[],
  pick: Array<(c: TrainingCheckpoint) => { p10: number | null; p50: number | null; p90: number | null }>,
) {
  const columns: Array<Array<number | null>> = [history.map((c) => c.step)];
  for (const get of pick) {
    columns.push(
      history.map((c) => get(c).p50),
      history.map((c) => get(c).p10),
      history.map((c) => get(c).p90),
    );
  }
  return columns;
}

async function mount(container: HTMLElement, context: ExplorerContext): Promise<() => void> {
  const software = context.gpu.adapter.software;
  const raw: Record<string, unknown> = Object.fromEntries(context.params);
  if (software) {
    const shrunk = Object.keys(SOFTWARE_DEFAULTS).filter((key) => raw[key] === undefined);
    for (const key of shrunk) raw[key] = SOFTWARE_DEFAULTS[key];
    if (shrunk.length > 0)
      context.notify(
        `Software adapter: small defaults (${shrunk.map((key) => `${key} ${SOFTWARE_DEFAULTS[key]}`).join(', ')}).`,
        'info',
      );
  }
  const fitted = fitTrainConfig(raw);
  for (const notice of fitted.notices) context.notify(notice, 'warning');
  const settings: ParamValues = {};
  /** The knobs show what the run uses: fitting may clamp a value or lower λ or K. */
  const settingsFrom = (fittedConfig: TrainConfig) => {
    for (const spec of TRAIN_PARAMS) {
      if (spec.key === 'depth') settings.depth = fittedConfig.hidden.length;
      else if (spec.key === 'width') settings.width = fittedConfig.hidden[0];
      else settings[spec.key] = fittedConfig[spec.key] as ParamValues[string];
    }
  };
  settingsFrom(fitted.config);
  const view = { copy: 'median' as (typeof COPY_CHOICES)[number] | 'index', index: 0, grid: software ? 48 : 128 };

  // ---- Layout ----
  const layout = element('div', { class: 'explorer training-explorer' });
  const mainColumn = element('div', { class: 'explorer-main' });
  const side = element('aside', { class: 'explorer-side' });
  layout.append(mainColumn, side);
  container.append(layout);
  const intro = element('p', { class: 'caption' });
  intro.textContent =
    'K networks, each from its own random initialization, learn the same data by full-batch gradient descent at once. ' +
    'The bands show the spread across copies (10–90%); diverged copies (non-finite loss) are counted, not averaged in.';
  mainColumn.append(intro);
  const status = element('div', { class: 'status-line', id: 'training-status' }, 'starting…');
  mainColumn.append(status);
  const row = element('div', { class: 'row' });
  const lossPanel = panel('Loss (cross-entropy) across copies', 'training-loss');
  const accuracyPanel = panel('Accuracy across copies', 'training-accuracy');
  row.append(lossPanel.root, accuracyPanel.root);
  const row2 = element('div', { class: 'row' });
  const boundaryPanel = panel('Decision boundary of one copy', 'training-boundary');
  const boundaryCanvas = element('canvas', { width: '360', height: '360', id: 'training-boundary-canvas' });
  const boundaryCaption = element('p', { class: 'caption' });
  boundaryPanel.body.append(boundaryCanvas, boundaryCaption);
  const histogramPanel = panel('Weights of all copies', 'training-weights');
  const histogramCanvas = element('canvas', { width: '420', height: '200' });
  const histogramCaption = element('p', { class: 'caption', id: 'training-weights-caption' });
  histogramPanel.body.append(histogramCanvas, histogramCaption);
  row2.append(boundaryPanel.root, histogramPanel.root);
  const row3 = element('div', { class: 'row' });
  const networkPanel = panel('Network of the chosen copy', 'training-network');
  const networkCanvas = element('canvas', { width: '560', height: '300', id: 'training-network-canvas' });
  networkCanvas.style.maxWidth = '100%';
  networkCanvas.style.height = 'auto';
  const networkCaption = element('p', { class: 'caption', id: 'training-network-caption' });
  const networkLegendLine = element('p', { class: 'caption' });
  networkPanel.body.append(networkCanvas, networkCaption, networkLegendLine);
  row3.append(networkPanel.root);
  mainColumn.append(row, row2, row3);
  const lossChart = new BandChart(lossPanel.body, 'loss', [
    { label: 'train', color: TRAIN_COLOR, band: true },
    { label: 'test', color: TEST_COLOR, band: true },
  ]);
  const accuracyChart = new BandChart(accuracyPanel.body, 'accuracy', [
    { label: 'train', color: TRAIN_COLOR, band: true },
    { label: 'test', color: TEST_COLOR, band: true },
    { label: 'share ≥ target', color: TARGET_COLOR, band: false },
  ]);

  // ---- Engine and run loop ----
  const engine = await TrainingEngine.create(context.gpu.device);
  let controller = new AbortController();
  let running = true;
  let config = fitted.config;
  let data = trainingData(config.dataset, config.points, config.noise, config.testShare, config.seed);
  let history: TrainingCheckpoint[] = [];
  /** All copies' parameters (K·P) at the last checkpoint: the network panel draws the chosen copy's. */
  let checkpointParams: Float32Array | undefined;
  let generation = 0;
  /** The generation of the run the history belongs to. */
  let historyGeneration = -1;
  /** Checkpoint intervals the step button asked for while paused. */
  let pendingSteps = 0;

  const drawNetwork = (copy: number, checkpoint: TrainingCheckpoint): void => {
    if (!checkpointParams) return;
    const layout = trainLayout(config.hidden);
    // A knob changed and the new run has not started yet: these parameters are the old network's.
    if (checkpointParams.length !== config.copies * layout.paramCount) return;
    const copyParams = checkpointParams.subarray(copy * layout.paramCount, (copy + 1) * layout.paramCount);
    const scale = drawNetworkDiagram(networkCanvas, layout, copyParams);
    networkLegendLine.textContent = networkLegend(scale);
    const identical = identicalHiddenUnits(layout, copyParams);
    const symmetric = identical.every(Boolean) && config.hidden.some((width) => width > 1);
    networkCaption.textContent =
      `copy ${copy} at step ${checkpoint.step}: ${config.hidden.join('–')} hidden units, ${config.activation}. ` +
      (symmetric
        ? `All hidden units of each layer are identical (same incoming, outgoing weights and bias): the ${config.scheme} initialization did not break the symmetry, so the network computes like one unit per layer.` +
          (scale === 0 ? ' Every weight is still exactly 0.' : '')
        : `Hidden units differ${identical.some(Boolean) && config.hidden.length > 1 ? ` (identical within layer ${identical.flatMap((same, l) => (same ? [l + 1] : [])).join(', ')})` : ''}.`);
  };

  const drawCheckpoint = async (checkpoint: TrainingCheckpoint, mine: number): Promise<void> => {
    lossChart.update(bandColumns(history, [(c) => c.trainLoss, (c) => c.testLoss]));
    const accuracy = bandColumns(history, [(c) => c.trainAccuracy, (c) => c.testAccuracy]);
    accuracy.push(history.map((c) => c.aboveTarget));
    accuracyChart.update(accuracy);
    drawHistogram(histogramCanvas, checkpoint);
    const w = checkpoint.weights;
    histogramCaption.textContent = `exact zeros ${format(100 * w.zeroShare)}% · std ${format(w.std)} · max |w| ${format(w.maxAbs)}${w.nonFinite > 0 ? ` · non-finite ${w.nonFinite}` : ''}`;
    const choice = view.copy === 'index' ? Math.min(view.index, config.copies - 1) : view.copy;
    const copy = chooseCopy(checkpoint.copyMetrics, choice);
    if (copy === null) {
      boundaryCaption.textContent = 'every copy diverged: no boundary to draw';
      networkCaption.textContent = 'every copy diverged: no network to draw';
      return;
    }
    drawNetwork(copy, checkpoint);
    // A knob changed since this checkpoint's run: the engine is being reset (its copy may be gone).
    if (mine !== generation) return;
    const probabilities = await engine.decisionGrid(copy, view.grid);
    if (mine !== generation) return;
    drawBoundary(boundaryCanvas, probabilities, view.grid, data);
    const m = checkpoint.copyMetrics;
    boundaryCaption.textContent = `copy ${copy} (${view.copy}): test accuracy ${format(m[4 * copy + 3])}, test loss ${format(m[4 * copy + 2])}; filled: training points, rings: test points`;
  };

  // Runs never overlap: restart() retires the current one at once (generation, abort) and the next
  // one starts when it has returned, so two resets never race on the engine.
  const run = async (mine: number, signal: AbortSignal): Promise<void> => {
    if (mine !== generation) return;
    data = trainingData(config.dataset, config.points, config.noise, config.testShare, config.seed);
    history = [];
    historyGeneration = mine;
    checkpointParams = undefined;
    await engine.reset(config);
    const record = async () => {
      const checkpoint = await engine.checkpoint();
      const params = await engine.readParams();
      if (mine !== generation) return;
      checkpointParams = params;
      history.push(checkpoint);
      await drawCheckpoint(checkpoint, mine);
      status.textContent =
        `step ${checkpoint.step}/${config.steps} · ${config.copies} copies · diverged ${checkpoint.diverged} · ` +
        `≥ ${format(config.target)} test accuracy: ${format(100 * checkpoint.aboveTarget)}% now, ${format(100 * checkpoint.reachedTarget)}% reached`;
      status.dataset.step = String(checkpoint.step);
    };
    await record();
    while (mine === generation && engine.stepCount < config.steps) {
      if (!running) {
        if (pendingSteps === 0) {
          await new Promise((resolve) => setTimeout(resolve, 100));
          continue;
        }
        pendingSteps--;
      }
      try {
        await engine.step(Math.min(config.every, config.steps - engine.stepCount), { signal });
      } catch (error) {
        if ((error as Error).name === 'AbortError') return;
        throw error;
      }
      if (mine !== generation) return;
      await record();
      await new Promise((resolve) => requestAnimationFrame(resolve));
    }
  };
  let queue: Promise<void> = Promise.resolve();
  /** A failure of the current run is shown; a retired run's (aborted, or its copy gone) is not news. */
  const reportFailure = (error: unknown, mine: number) => {
    if (mine !== generation || (error instanceof Error && error.name === 'AbortError')) return;
    context.notify(`Training failed: ${error instanceof Error ? error.message : String(error)}`, 'error');
  };
  /** Redraws the last checkpoint after a View knob moved (the boundary of another copy). */
  const redrawView = () => {
    const last = history[history.length - 1];
    // A new run is on its way when the history is an older run's: its first checkpoint draws.
    if (!last || historyGeneration !== generation) return;
    const mine = generation;
    drawCheckpoint(last, mine).catch((error) => reportFailure(error, mine));
  };
  /** Reset: the same configuration (seed included) from step 0. */
  const restart = () => {
    const mine = ++generation;
    pendingSteps = 0;
    controller.abort();
    controller = new AbortController();
    const { signal } = controller;
    queue = queue.then(() => run(mine, signal)).catch((error) => reportFailure(error, mine));
  };

  // ---- Knobs ----
  const guiHost = element('div');
  side.append(guiHost);
  const gui = new GUI({ container: guiHost, title: 'Training', width: 288 });
  const onChange = () => {
    const next = fitTrainConfig({ ...settings });
    for (const notice of next.notices) context.notify(notice, 'warning');
    config = next.config;
    settingsFrom(config);
    for (const knob of gui.controllersRecursive()) knob.updateDisplay();
    context.setParams(writeParams(TRAIN_PARAMS, settings));
    restart();
  };
  for (const spec of TRAIN_PARAMS) {
    const controllerFor =
      spec.kind === 'choice'
        ? gui.add(settings, spec.key, [...(spec.choices ?? [])])
        : spec.log
          ? gui
              .add(settings, spec.key)
              .min(spec.min ?? -Infinity)
              .max(spec.max ?? Infinity)
              .step(spec.kind === 'int' ? 1 : 1e-4)
          : gui.add(settings, spec.key, spec.min, spec.max, spec.kind === 'int' ? 1 : 0.01);
    controllerFor.name(spec.label).onFinishChange(onChange);
    controllerFor.domElement.title = spec.help;
  }
  const viewFolder = gui.addFolder('View');
  viewFolder
    .add(view, 'copy', [...COPY_CHOICES, 'index'])
    .name('boundary of copy')
    .onChange(redrawView);
  viewFolder.add(view, 'index', 0, 4095, 1).name('copy index').onFinishChange(redrawView);
  const setRunning = (next: boolean) => {
    running = next;
    pauseController.name(running ? 'pause' : 'play');
  };
  const actions = {
    pause: () => setRunning(!running),
    /** Pauses, then advances by one checkpoint interval T. */
    step: () => {
      setRunning(false);
      pendingSteps++;
    },
    reset: restart,
    reseed: () => {
      settings.seed = nextSeed(Number(settings.seed));
      seedController?.updateDisplay();
      onChange();
    },
  };
  const seedController = gui.controllers.find((c) => c.property === 'seed');
  const pauseController = gui.add(actions, 'pause');
  gui.add(actions, 'step').name('step (T steps)');
  gui.add(actions, 'reset').name('reset (same seed)');
  gui.add(actions, 'reseed').name('re-seed');

  restart();
  return () => {
    generation++;
    running = false;
    controller.abort();
    lossChart.destroy();
    accuracyChart.destroy();
    gui.destroy();
    // Let an in-flight submission finish before the buffers go.
    void context.gpu.device.queue.onSubmittedWorkDone().then(() => engine.destroy());
  };
}

export const trainingExplorer: Explorer = {
  id: 'training',
  title: 'Training',
  summary:
    'Train K copies of a small network at once: loss and accuracy bands across copies, exact zeros under L1, decision boundaries.',
  mount,
};
