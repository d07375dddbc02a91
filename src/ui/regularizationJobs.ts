// The CPU work of the Regularization explorer that can take long (refining minimizers, the
// regularization path, long descent paths: seconds for the tanh net with many points) runs in a Web
// Worker so the page never freezes (src/ui/workerJobs.ts: one worker per RegularizationJobs, `cancel`
// terminates it, inline without Worker support).

import { type DescentPath, type DescentRule, descentPath } from '../core/descent';
import { type Penalty, type RefinedMinimum, refineMinimizer } from '../core/gridLoss';
import { type RegularizationPathPoint, regularizationPath } from '../core/regPath';
import type { RegularizationData, RegularizationModel } from '../core/regularizationModels';
import { WorkerJobs } from './workerJobs';

export interface RefineJob {
  penalty: Penalty;
  lambda: number;
  mix: number;
  start: [number, number];
}

export type RegularizationJob =
  | { kind: 'refine'; model: RegularizationModel; data: RegularizationData; jobs: RefineJob[] }
  | {
      kind: 'regPath';
      model: RegularizationModel;
      data: RegularizationData;
      lambdas: number[];
      start: [number, number];
    }
  | {
      kind: 'descent';
      model: RegularizationModel;
      data: RegularizationData;
      rule: DescentRule;
      lambda: number;
      alpha: number;
      steps: number;
      start: [number, number];
    };

export interface RegularizationJobResult {
  refine: RefinedMinimum[];
  regPath: RegularizationPathPoint[];
  descent: DescentPath;
}

/** Runs a job on this thread: the worker's body, and the fallback. */
export function runRegularizationJob(
  job: RegularizationJob,
): RefinedMinimum[] | RegularizationPathPoint[] | DescentPath {
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
export class RegularizationJobs {
  private readonly jobs = new WorkerJobs<RegularizationJob, unknown>(
    'regularization',
    () =>
      new Worker(new URL('./regularizationWorker.ts', import.meta.url), {
        type: 'module',
        name: 'regularization jobs',
      }),
    runRegularizationJob,
  );

  run<K extends RegularizationJob['kind']>(
    job: Extract<RegularizationJob, { kind: K }>,
  ): Promise<RegularizationJobResult[K]> {
    return this.jobs.run(job) as Promise<RegularizationJobResult[K]>;
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
