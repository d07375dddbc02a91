// The CPU work of the Regularization explorer that can take long (refining minimizers, the
// regularization path, long descent paths: seconds for the tanh net with many points) runs in a Web
// Worker so the page never freezes. LandscapeJobs posts one job at a time per worker; `cancel` drops a stale job by
// terminating its worker. Without Worker support the jobs run inline (same results, page blocks).

import { type DescentPath, type DescentRule, descentPath } from '../core/descent';
import { type Penalty, type RefinedMinimum, refineMinimizer } from '../core/gridLoss';
import type { LandscapeData, LandscapeModel } from '../core/landscapeModels';
import { regularizationPath, type RegularizationPathPoint } from '../core/regPath';

export interface RefineJob {
  penalty: Penalty;
  lambda: number;
  mix: number;
  start: [number, number];
}

export type LandscapeJob =
  | { kind: 'refine'; model: LandscapeModel; data: LandscapeData; jobs: RefineJob[] }
  | { kind: 'regPath'; model: LandscapeModel; data: LandscapeData; lambdas: number[]; start: [number, number] }
  | {
      kind: 'descent';
      model: LandscapeModel;
      data: LandscapeData;
      rule: DescentRule;
      lambda: number;
      alpha: number;
      steps: number;
      start: [number, number];
    };

export interface LandscapeJobResult {
  refine: RefinedMinimum[];
  regPath: RegularizationPathPoint[];
  descent: DescentPath;
}

export type LandscapeWorkerRequest = LandscapeJob & { id: number };
export type LandscapeWorkerResponse = { id: number; result: unknown } | { id: number; error: string };

/** Runs a job on this thread: the worker's body, and the fallback. */
export function runLandscapeJob(job: LandscapeJob): RefinedMinimum[] | RegularizationPathPoint[] | DescentPath {
  switch (job.kind) {
    case 'refine':
      return job.jobs.map((refine) => refineMinimizer(job.model, job.data, refine.penalty, refine.lambda, refine.mix, refine.start));
    case 'regPath':
      return regularizationPath(job.model, job.data, job.lambdas, job.start);
    case 'descent':
      return descentPath(job.model, job.data, job.rule, job.lambda, job.alpha, job.steps, job.start);
  }
}

/** One worker; `run` resolves with the job's result, or rejects when cancelled. */
export class LandscapeJobs {
  private worker: Worker | undefined;
  private nextId = 0;
  private pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();

  private ensureWorker(): Worker | undefined {
    if (this.worker || typeof Worker === 'undefined') return this.worker;
    try {
      this.worker = new Worker(new URL('./landscapeWorker.ts', import.meta.url), { type: 'module', name: 'landscape jobs' });
    } catch {
      return undefined;
    }
    this.worker.onmessage = (event: MessageEvent<LandscapeWorkerResponse>) => {
      const waiting = this.pending.get(event.data.id);
      if (!waiting) return;
      this.pending.delete(event.data.id);
      if ('error' in event.data) waiting.reject(new Error(event.data.error));
      else waiting.resolve(event.data.result);
    };
    this.worker.onerror = (event) => {
      const error = new Error(`landscape worker failed: ${event.message}`);
      for (const waiting of this.pending.values()) waiting.reject(error);
      this.pending.clear();
      this.worker?.terminate();
      this.worker = undefined;
    };
    return this.worker;
  }

  run<K extends LandscapeJob['kind']>(job: Extract<LandscapeJob, { kind: K }>): Promise<LandscapeJobResult[K]> {
    const worker = this.ensureWorker();
    if (!worker) return Promise.resolve(runLandscapeJob(job) as LandscapeJobResult[K]);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      worker.postMessage({ ...job, id } satisfies LandscapeWorkerRequest);
    });
  }

  /** Abandons every job in flight (their promises reject); the next run starts a fresh worker. */
  cancel(): void {
    this.worker?.terminate();
    this.worker = undefined;
    const error = new Error('cancelled');
    for (const waiting of this.pending.values()) waiting.reject(error);
    this.pending.clear();
  }

  get busy(): boolean {
    return this.pending.size > 0;
  }

  destroy(): void {
    this.cancel();
  }
}
