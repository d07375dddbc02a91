// The Regularization explorer: loss landscapes J(w1, w2) of two-weight models on a G×G grid, the penalized
// surfaces J + λ·L1 and J + λ·L2, their minimizers, a descent path, and the regularization path w*(λ). The grid
// passes run on the backend's engine (regularizationEngines.ts: the GPU engine of src/gpu/regularization.ts, or
// without WebGPU the CPU twins in a worker). This file composes the kit: knobs from REGULARIZATION_PARAMS and the
// view table, URL state, one LatestRunner whose run is an evaluation and the refinement of its minima
// (src/ui/regularizationRuns.ts), and the panels (src/ui/regularizationPanels.ts, regularizationPathPanels.ts).
// While an evaluation runs only the latest settings wait; a stale result is still drawn (feedback while a
// slider moves), only the latest is refined.

import type { Controller } from 'lil-gui';
import type { ParamValue } from '../core/params';
import { REGULARIZATION_PARAMS, type RegularizationConfig } from '../core/regularizationConfig';
import type { RegularizationResult } from '../gpu/regularization';
import { backendDevice, backendKind, type Explorer, type ExplorerContext } from './explorer';
import { errorMessage, formatSeconds } from './kit/dom';
import { type ExplorerFrame, explorerFrame } from './kit/frame';
import { LatestRunner, type RunState } from './kit/latest';
import { type GuiFolderSpec, ParamGui } from './kit/paramGui';
import { announce, halveSizes } from './kit/urlState';
import { createRegularizationEngine, type RegularizationEvaluator } from './regularizationEngines';
import { RegularizationPanels } from './regularizationPanels';
import { DescentPaths, descentJob, MinimizerRefiner, RegPathSweep } from './regularizationRuns';
import { descentNotes, mapInputs, mapOfRule, statusText } from './regularizationShown';
import {
  applyChange,
  changeKind,
  type HeightMode,
  knobMatters,
  type RegularizationView,
  readRegularizationUrl,
  regularizationCommand,
  VIEW_PARAMS,
  writeRegularizationUrl,
} from './regularizationState';

const FOLDERS: readonly GuiFolderSpec[] = [
  {
    title: 'Model and data',
    keys: [
      'model',
      'points',
      'correlation',
      'eccentricity',
      'noise',
      'trueW1',
      'trueW2',
      'h1',
      'h2',
      'a1',
      'a2',
      'seed',
    ],
  },
  { title: 'Penalty', keys: ['penalty', 'lambda', 'mix'] },
  { title: 'Descent path (click the surface to start there)', keys: ['rule', 'alpha', 'steps', 'startW1', 'startW2'] },
  { title: 'Grid and window', keys: ['grid', 'w1Min', 'w1Max', 'w2Min', 'w2Max'], closed: true },
  { title: 'View', keys: ['height'] },
];

const INTRO =
  'A model with two weights has a loss landscape J(w1, w2) you can see. A penalty reshapes it: λ·L1 = λ(|w1| + |w2|) ' +
  'adds a pyramid whose corners sit on the axes, so its minimizer snaps onto an axis (an exact zero: sparsity); ' +
  'λ·L2 = λ(w1² + w2²) adds a round bowl that only shrinks the minimizer towards the origin.';

/** The running view: settings, the runner and the CPU work that follows it, the knobs. */
class RegularizationSession {
  private lastNonzeroLambda: number;
  private latest: RegularizationResult | undefined;
  private updates = 0;
  private shownNotices = '';
  private readonly refiner = new MinimizerRefiner();
  private readonly sweep: RegPathSweep;
  private readonly descent = new DescentPaths();
  private readonly runner: LatestRunner<RegularizationConfig, RegularizationResult>;
  private readonly gui: ParamGui;
  private readonly lambdaOff = { lambdaOff: false };
  private lambdaOffController: Controller | undefined;

  constructor(
    private readonly context: ExplorerContext,
    private readonly frame: ExplorerFrame,
    private readonly panels: RegularizationPanels,
    private readonly engine: RegularizationEvaluator,
    private config: RegularizationConfig,
    private view: RegularizationView,
  ) {
    this.lastNonzeroLambda = config.lambda > 0 ? config.lambda : 0.5;
    this.sweep = new RegPathSweep(panels.regPath, () => this.config.lambda);
    this.runner = new LatestRunner({
      presentStale: true,
      run: async (settings, run) => {
        const started = performance.now();
        /** A big J goes in bands of rows: the status line says how far it is and about how long is left. */
        const onProgress = ({ rowsDone, rows }: { rowsDone: number; rows: number }) => {
          if (!run.isCurrent() || rowsDone <= 0 || rowsDone >= rows) return;
          const elapsed = (performance.now() - started) / 1000;
          const left = (elapsed * (rows - rowsDone)) / rowsDone;
          frame.status.show(
            `computing J: ${rowsDone}/${rows} rows of the grid · ${formatSeconds(elapsed)} elapsed, ` +
              `~${formatSeconds(left)} left…`,
          );
        };
        const options = { extraPenalties: ['l1', 'l2'] as const, refine: false as const, signal: run.signal };
        const result = await engine.evaluate(settings, { ...options, onProgress });
        if (run.isCurrent()) await this.refiner.refine(result, run.signal); // only the latest is refined
        return result;
      },
      present: (result, _settings, stale) => this.present(result, stale),
      onState: (state, error) => this.showState(state, error),
    });
    this.gui = new ParamGui({
      container: frame.controls.body,
      title: 'Landscape',
      table: [...REGULARIZATION_PARAMS, ...VIEW_PARAMS],
      values: { ...config, ...view },
      folders: FOLDERS,
      onChange: (key, value) => this.onChange(key, value),
      after: {
        lambda: (folder) => {
          const off = folder.add(this.lambdaOff, 'lambdaOff').name('λ = 0 (no penalty strength)');
          off.domElement.dataset.key = 'lambdaOff';
          off.onChange((zero: boolean) => this.change('lambda', zero ? 0 : this.lastNonzeroLambda));
          this.lambdaOffController = off;
        },
      },
    });
    this.syncGui();
    this.writeState();
    panels.formula.showFormulas(config);
    this.runner.request(config, 0);
  }

  /** The settings the knobs show (the command line reproduces them). */
  get settings(): RegularizationConfig {
    return this.config;
  }

  /** A click on the surface: the descent starts there. */
  pickStart(w: [number, number]): void {
    const round = (x: number) => Number(x.toPrecision(4));
    this.config = { ...this.config, startW1: round(w[0]), startW2: round(w[1]) };
    this.syncGui();
    this.writeState();
    this.updatePath();
  }

  private onChange(key: string, value: ParamValue): void {
    if (key === 'height') {
      this.view = { height: value as HeightMode };
      this.writeState();
      if (this.latest) this.draw(this.latest);
      return;
    }
    this.change(key as keyof RegularizationConfig, value);
  }

  /** One knob through the table (clamped or refused with a notice), then the work it needs. */
  private change(key: keyof RegularizationConfig, value: ParamValue): void {
    const fitted = applyChange(this.config, key, value, backendKind(this.context.backend));
    for (const notice of fitted.notices) this.context.notify(notice, 'warning');
    if (fitted.applied) this.config = fitted.config;
    if (this.config.lambda > 0) this.lastNonzeroLambda = this.config.lambda;
    this.syncGui(); // the knobs show what runs
    if (!fitted.applied) return;
    this.writeState();
    if (changeKind(key) === 'path') this.updatePath();
    else this.runner.request(this.config);
  }

  private syncGui(): void {
    const { config } = this;
    this.gui.show({ ...config, ...this.view });
    this.lambdaOff.lambdaOff = config.lambda === 0;
    this.lambdaOffController?.updateDisplay();
    for (const { key } of REGULARIZATION_PARAMS) {
      this.gui.enable(key, knobMatters(key, config) && !(key === 'lambda' && config.lambda === 0));
    }
  }

  private writeState(): void {
    this.context.setParams(writeRegularizationUrl(this.config, this.view, backendKind(this.context.backend)));
    this.frame.refreshCommand();
  }

  private showState(state: RunState, error?: unknown): void {
    const { status } = this.frame;
    if (state === 'running') status.set('running', 'computing…');
    else status.state = state;
    if (state === 'error') {
      status.fail('evaluation failed', error);
      this.context.notify(`The landscape could not be computed: ${errorMessage(error)}`, 'error');
    }
  }

  /** A result: drawn, and its status; the regularization path only for the latest (refined) one. */
  private present(result: RegularizationResult, stale: boolean): void {
    this.latest = result;
    this.draw(result);
    if (stale) this.panels.regPath.setLambda(result.config.lambda);
    else this.sweep.request(result);
    const notices = result.notices.join('\n');
    if (notices !== this.shownNotices) {
      for (const notice of result.notices) this.context.notify(notice, 'warning');
      this.shownNotices = notices;
    }
    const { status } = this.frame;
    Object.assign(status.element.dataset, {
      updates: String(++this.updates),
      grid: String(result.G),
      dispatchedGridLoss: String(result.dispatchedGridLoss),
    });
    status.show(statusText(result));
  }

  private draw(result: RegularizationResult): void {
    const log = this.view.height === 'log';
    this.panels.surface.show(result, log);
    this.panels.contours.show(result, mapInputs(result, log));
    this.panels.minimizers.show(result);
    this.updatePath();
  }

  /**
   * The descent path over the latest result's data, with the current settings: on the page when short,
   * in a worker when long (DescentPaths); the maps wait for it, or show the last path meanwhile.
   */
  private updatePath(): void {
    const result = this.latest;
    if (!result) return;
    const { rule, alpha, steps } = this.config;
    const { formula, surface, contours } = this.panels;
    formula.showFormulas({ ...result.config, rule, alpha, steps });
    if (result.config.model !== this.config.model) {
      contours.draw(); // a new model's landscape is on its way
      return;
    }
    const job = descentJob(result, this.config);
    this.descent.run(job, {
      inWorker: () => {
        formula.computing(job.steps, job.data.n);
        contours.draw();
      },
      done: (path, computedOn) => {
        surface.showPath(path.path, job.rule);
        contours.showPath(path.path, mapOfRule(job.rule));
        formula.showPath(path, descentNotes(path, job, result.window, result.config.penalty), computedOn);
      },
      failed: (message) => formula.failed(message),
    });
  }

  destroy(): void {
    this.runner.destroy();
    this.refiner.destroy();
    this.sweep.destroy();
    this.descent.destroy();
    this.gui.destroy();
    this.panels.destroy();
    // The evaluation in flight reads the engine's buffers: free them once it has returned.
    void this.runner.settled.then(() => this.engine.destroy());
  }
}

async function mount(container: HTMLElement, context: ExplorerContext): Promise<() => void> {
  const url = readRegularizationUrl(context.params, backendKind(context.backend));
  announce(url.notices, context.notify);
  let session: RegularizationSession | undefined;
  const frame = explorerFrame(container, context, {
    id: 'regularization',
    intro: INTRO,
    controlsTitle: 'Settings',
    table: REGULARIZATION_PARAMS,
    command: () => regularizationCommand(session?.settings ?? url.config),
  });
  frame.status.show(context.backend === 'cpu' ? 'starting the CPU twins…' : 'starting the GPU engine…');
  frame.status.element.dataset.updates = '0';
  const panels = new RegularizationPanels(frame);
  let engine: RegularizationEvaluator | undefined;
  try {
    engine = await createRegularizationEngine(context.backend);
    await panels.surface.start(backendDevice(context.backend), (w) => session?.pickStart(w));
  } catch (error) {
    engine?.destroy();
    panels.destroy();
    throw error;
  }
  session = new RegularizationSession(context, frame, panels, engine, url.config, url.view);
  return () => session?.destroy();
}

export const regularizationExplorer: Explorer = {
  id: 'regularization',
  title: 'Regularization',
  summary:
    'Loss landscapes of two weights with λ·L1 and λ·L2 penalties, computed on the GPU: watch the L1 minimizer snap ' +
    'onto an axis while L2 only shrinks it, and follow gradient descent on the surface.',
  mount,
  reduce: (params, backend) => halveSizes(REGULARIZATION_PARAMS, params, ['grid', 'points'], backend),
};
