// The CPU work that follows a GPU evaluation of the Regularization explorer, each kind in its own worker
// (src/ui/regularizationJobs.ts) so that one kind of work never waits for or cancels another:
// - MinimizerRefiner: the grid minima refined in f64. J's refinement depends on the data only: it has
//   its own worker, is kept per data set and outlives λ moves (dropping it restarted a ~10 s FISTA on
//   separable logistic data at every move); the penalized surfaces' refinement is dropped as soon as
//   newer settings arrive (the AbortSignal of the kit's LatestRunner).
// - RegPathSweep: the regularization path w*(λ), recomputed only when the data change; going back to
//   the data of the cached sweep cancels a sweep for other data.
// - DescentPaths: the descent path; short ones (steps × N ≤ 2e5) on the page, long ones in a worker,
//   a newer request cancelling the older.

import type { DescentPath } from '../core/descent';
import type { RefinedMinimum } from '../core/gridLoss';
import { logSpace, type RegularizationPathPoint } from '../core/regPath';
import { LAMBDA_LOG_FLOOR, type RegularizationConfig, regularizationStart } from '../core/regularizationConfig';
import type { RegularizationData } from '../core/regularizationModels';
import type { RegularizationMinimum, RegularizationResult } from '../gpu/regularization';
import { type RefineJob, type RegularizationJob, RegularizationJobs, runRegularizationJob } from './regularizationJobs';
import { descentRunsOnPage, regPathKey } from './regularizationState';

/** λ values of the regularization path chart: the log slider's range (the CLI's --reg-path has the same). */
export const REG_PATH_LAMBDAS = logSpace(LAMBDA_LOG_FLOOR, 10, 41);

const cancelled = (error: unknown) => error instanceof Error && error.message === 'cancelled';

function abortError(): Error {
  return new DOMException('newer settings arrived', 'AbortError');
}

/** Resolves as `work` does, or rejects with an AbortError as soon as `signal` fires. */
function unlessAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(abortError());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortError());
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

export class MinimizerRefiner {
  private readonly jJobs = new RegularizationJobs();
  private readonly surfaceJobs = new RegularizationJobs();
  private refinedJ: { data: RegularizationData; minimum: Promise<RefinedMinimum> } | undefined;

  /** Refines every grid minimum of `result` in place; rejects with an AbortError when `signal` fires first. */
  async refine(result: RegularizationResult, signal: AbortSignal): Promise<void> {
    const { model } = result.config;
    const jobs: RefineJob[] = [];
    const targets: RegularizationMinimum[] = [];
    /** Surfaces of J itself (penalty none): J's cached refinement serves them, no job of their own. */
    const surfacesOfJ: RegularizationMinimum[] = [];
    for (const surface of result.surfaces) {
      if (!surface.minimum.grid || surface.minimum.refined) continue;
      if (surface.penalty === 'none') {
        surfacesOfJ.push(surface.minimum);
        continue;
      }
      jobs.push({ penalty: surface.penalty, lambda: surface.lambda, mix: surface.mix, start: surface.minimum.grid.w });
      targets.push(surface.minimum);
    }
    const onAbort = () => this.surfaceJobs.cancel(); // J's job stays: the next result of these data wants it
    signal.addEventListener('abort', onAbort, { once: true });
    const surfaces =
      jobs.length > 0 ? this.surfaceJobs.run({ kind: 'refine', model, data: result.data, jobs }) : Promise.resolve([]);
    const work = Promise.all([this.minimumOfJ(result), surfaces]);
    work.catch(() => undefined); // when aborted first, its later rejection is of no interest
    try {
      const [jMinimum, refined] = await unlessAborted(work, signal);
      if (jMinimum) {
        result.minima.J.refined = jMinimum;
        for (const minimum of surfacesOfJ) minimum.refined = jMinimum;
      }
      for (const [index, minimum] of refined.entries()) targets[index].refined = minimum;
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  /** J's refined minimum for the result's data: the one on its way or done, else a new job. */
  private minimumOfJ(result: RegularizationResult): Promise<RefinedMinimum> | undefined {
    const grid = result.minima.J.grid;
    if (!grid) return undefined;
    if (this.refinedJ?.data === result.data) return this.refinedJ.minimum;
    this.jJobs.cancel(); // J of other data
    const job: RefineJob = { penalty: 'none', lambda: 0, mix: 0, start: grid.w };
    const minimum = this.jJobs
      .run({ kind: 'refine', model: result.config.model, data: result.data, jobs: [job] })
      .then(([refined]) => refined);
    const entry = { data: result.data, minimum };
    this.refinedJ = entry;
    minimum.catch(() => {
      if (this.refinedJ === entry) this.refinedJ = undefined; // cancelled or failed: the next result asks again
    });
    return minimum;
  }

  destroy(): void {
    this.jJobs.destroy();
    this.surfaceJobs.destroy();
  }
}

export interface RegPathView {
  /** A sweep started for new data. */
  computing(): void;
  /** The sweep of the shown data, at the current λ. */
  show(points: RegularizationPathPoint[], lambda: number): void;
  failed(message: string): void;
}

export class RegPathSweep {
  private readonly jobs = new RegularizationJobs();
  private cached: { key: string; points: RegularizationPathPoint[] } | undefined;
  /** The data key of the sweep shown or on its way. */
  private wanted = '';
  private destroyed = false;

  constructor(
    private readonly view: RegPathView,
    private readonly lambda: () => number,
  ) {}

  /** The sweep for a refined result's data: cached, on its way, or started (from J's minimizer). */
  request(result: RegularizationResult): void {
    const key = regPathKey(result.config);
    if (this.cached?.key === key) {
      if (this.wanted !== key) this.jobs.cancel(); // a sweep still running for other data must not land on it
      this.wanted = key;
      this.view.show(this.cached.points, result.config.lambda);
      return;
    }
    if (this.wanted === key) return; // already on its way
    this.wanted = key;
    this.jobs.cancel(); // a sweep for older data is of no use any more
    this.view.computing();
    const J = result.minima.J;
    const start = J.refined?.w ?? J.grid?.w ?? regularizationStart(result.config);
    const { model } = result.config;
    this.jobs.run({ kind: 'regPath', model, data: result.data, lambdas: REG_PATH_LAMBDAS, start }).then(
      (points) => {
        if (this.destroyed || this.wanted !== key) return;
        this.cached = { key, points };
        this.view.show(points, this.lambda());
      },
      (error: Error) => {
        if (this.destroyed || this.wanted !== key || cancelled(error)) return;
        this.view.failed(error.message);
        this.wanted = ''; // not on its way any more: the next result of these data asks again
      },
    );
  }

  destroy(): void {
    this.destroyed = true;
    this.jobs.destroy();
  }
}

export type DescentJob = Extract<RegularizationJob, { kind: 'descent' }>;

/** The descent job of the current settings over the data of a result. */
export function descentJob(result: RegularizationResult, config: RegularizationConfig): DescentJob {
  const { rule, lambda, alpha, steps } = config;
  const start = regularizationStart(config);
  return { kind: 'descent', model: result.config.model, data: result.data, rule, lambda, alpha, steps, start };
}

export type ComputedOn = 'page' | 'worker';

export class DescentPaths {
  private readonly jobs = new RegularizationJobs();
  private request = 0;
  private destroyed = false;

  /**
   * Computes the path of `job`: on the page at once when short, else in the worker (the caller is told
   * with `inWorker` first). Only the latest request's path or failure is handed on.
   */
  run(
    job: DescentJob,
    handlers: { inWorker(): void; done(path: DescentPath, on: ComputedOn): void; failed(message: string): void },
  ): void {
    const mine = ++this.request;
    this.jobs.cancel();
    if (descentRunsOnPage(job.steps, job.data.n)) {
      handlers.done(runRegularizationJob(job) as DescentPath, 'page');
      return;
    }
    handlers.inWorker();
    this.jobs.run(job).then(
      (path) => {
        if (!this.destroyed && mine === this.request) handlers.done(path, 'worker');
      },
      (error: Error) => {
        if (!this.destroyed && mine === this.request && !cancelled(error)) handlers.failed(error.message);
      },
    );
  }

  destroy(): void {
    this.destroyed = true;
    this.jobs.destroy();
  }
}
