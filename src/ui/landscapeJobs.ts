// The CPU work of the Regularization explorer that can take long (refining minimizers, the
// regularization path, long descent paths: seconds for the tanh net with many points) runs in a Web
// Worker so the page never freezes (src/ui/workerJobs.ts: one worker per LandscapeJobs, `cancel`
// terminates it, inline without Worker support).

import { type DescentPath, type DescentRule, descentPath } from '../core/descent';
import { type Penalty, type RefinedMinimum, refineMinimizer } from '../core/gridLoss';
import type { LandscapeData, LandscapeModel } from '../core/landscapeModels';
import { type RegularizationPathPoint, regularizationPath } from '../core/regPath';
import { WorkerJobs } from './workerJobs';

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

/** Runs a job on this thread: the worker's body, and the fallback. */
export function runLandscapeJob(job: LandscapeJob): RefinedMinimum[] | RegularizationPathPoint[] | DescentPath {
  switch (job.kind) {
    case 'refine':
      return job.jobs.map((refine) =>
        refineMinimizer(job.model, job.data, refine.penalty, refine.lambda, refine.mix, refine.start),
      );
    case 'regPath':
      return regularizationPath(job.model, job.data, job.lambdas, job.start);
    case 'descent':
      return descentPath(job.model, job.data, job.rule, job.lambda, job.alpha, job.steps, job.start);
  }
}

/** One worker; `run` resolves with the job's result, or rejects with Error('cancelled') when cancelled. */
export class LandscapeJobs {
  private readonly jobs = new WorkerJobs<LandscapeJob, unknown>(
    'landscape',
    () => new Worker(new URL('./landscapeWorker.ts', import.meta.url), { type: 'module', name: 'landscape jobs' }),
    runLandscapeJob,
  );

  run<K extends LandscapeJob['kind']>(job: Extract<LandscapeJob, { kind: K }>): Promise<LandscapeJobResult[K]> {
    return this.jobs.run(job) as Promise<LandscapeJobResult[K]>;
  }

  /** Abandons every job in flight (their promises reject); the next run starts a fresh worker. */
  cancel(): void {
    this.jobs.cancel();
  }

  get busy(): boolean {
    return this.jobs.busy;
  }

  destroy(): void {
    this.jobs.destroy();
  }
}
