// The Initialization explorer's runs, on the kit's LatestRunner (latest settings win, 120 ms
// debounce, the stale run aborted): the mean-field theory first (in a worker for constant init,
// where it takes up to ~1 s at depth 200), then the engine's run in chunks, partial results at most
// every 250 ms with the time left, and the status line with its data-* for the tests.

import type { InitConfig } from '../core/initConfig';
import { meanFieldTheory, type TheoryLayer } from '../core/meanField';
import type { InitStatsResult } from '../core/stats';
import { type InitStatsRun, initStatsFlops } from '../gpu/initStats';
import type { InitEngine } from './initEngines';
import {
  doneText,
  initsPerChunk,
  PartialThrottle,
  progressText,
  RUN_DEBOUNCE_MS,
  startText,
  symmetryBelowTop,
} from './initRun';
import { errorMessage } from './kit/dom';
import { LatestRunner, type RunContext, type StatusLine } from './kit/latest';
import { WorkerJobs } from './workerJobs';

/** The status line's data-* of a result: what the browser tests read. */
function exposeResult(status: HTMLElement, result: InitStatsResult | undefined, done: number): void {
  status.dataset.initsDone = String(done);
  if (!result || result.layers.length === 0) return;
  const first = result.layers[0].delta.meanSquare;
  status.dataset.gradVarLayer1 = first === null ? 'null' : String(first);
  status.dataset.symmetryMax = String(symmetryBelowTop(result.layers));
  status.dataset.symmetryTop = String(result.layers[result.layers.length - 1].symmetry);
}

export class InitRunner {
  private readonly theoryJobs = new WorkerJobs<{ config: InitConfig }, TheoryLayer[]>(
    'theory',
    () => new Worker(new URL('./theoryWorker.ts', import.meta.url), { type: 'module', name: 'mean-field theory' }),
    ({ config }) => meanFieldTheory(config),
  );
  private readonly runner: LatestRunner<InitConfig, InitStatsRun>;
  /** FLOP/s of the last finished run, for the time estimate and the chunking rule. */
  private lastRate: number | undefined;

  /** `show` hears every result to draw: undefined when a run starts or fails, partial ones, the final one. */
  constructor(
    private readonly engine: InitEngine,
    private readonly status: StatusLine,
    private readonly show: (result: InitStatsResult | undefined) => void,
    notify: (message: string) => void,
  ) {
    this.runner = new LatestRunner({
      debounceMs: RUN_DEBOUNCE_MS,
      run: (config, context) => this.run(config, context),
      present: (run, config) => this.present(run, config),
      onState: (state, error) => {
        status.state = state;
        if (state === 'running') status.show('starting a new run…');
        if (state === 'error') {
          show(undefined); // nothing of a failed run stays drawn (its partial results included)
          status.fail('This configuration cannot run', error);
          notify(`Initialization run failed: ${errorMessage(error)}`);
        }
      },
    });
  }

  /** New settings: the run in flight stops, these run after the debounce. */
  request(config: InitConfig, debounceMs?: number): void {
    this.runner.request(config, debounceMs);
  }

  /** Stops for good; the engine's buffers go once the aborted run has stopped using them. */
  destroy(): void {
    this.runner.destroy();
    this.theoryJobs.destroy();
    void this.runner.settled.then(() => this.engine.destroy());
  }

  private async run(config: InitConfig, { signal, isCurrent }: RunContext): Promise<InitStatsRun> {
    const expectedSeconds = this.lastRate ? initStatsFlops(config) / this.lastRate : undefined;
    this.status.show(startText(config.inits, expectedSeconds));
    exposeResult(this.status.element, undefined, 0);
    this.show(undefined);
    const started = performance.now();
    const throttle = new PartialThrottle();
    // A theory still computing for stale settings is dropped (the worker restarts for the next one).
    const dropTheory = () => this.theoryJobs.busy && this.theoryJobs.cancel();
    signal.addEventListener('abort', dropTheory);
    try {
      const theory = config.scheme === 'constant' ? await this.theoryJobs.run({ config }) : undefined;
      signal.throwIfAborted();
      const planned = this.engine.plan(config).initsPerChunk;
      return await this.engine.run(config, {
        signal,
        theory,
        initsPerChunk: initsPerChunk(planned, config.inits, expectedSeconds),
        onProgress: ({ done, total, partial }) => {
          if (!isCurrent() || done === total) return; // the final result follows at once
          const now = performance.now();
          const summary = throttle.ready(now) ? partial() : undefined;
          exposeResult(this.status.element, summary, done);
          this.status.show(progressText(done, total, (now - started) / 1000));
          if (summary) this.show(summary);
        },
      });
    } finally {
      signal.removeEventListener('abort', dropTheory);
    }
  }

  private present(run: InitStatsRun, config: InitConfig): void {
    this.lastRate = run.flops / (run.timeMs / 1000);
    exposeResult(this.status.element, run.result, config.inits);
    this.status.element.dataset.runMs = String(Math.round(run.timeMs));
    this.status.show(doneText(config, run));
    this.show(run.result);
  }
}
