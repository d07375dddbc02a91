// A pool of job lanes (each a worker of src/ui/workerJobs.ts, e.g. CpuTwinJobs) that runs a list of independent
// jobs in parallel: each lane takes the next job as soon as its last one is done, the results come back in the
// jobs' order, and an abort (or a failed job) cancels every lane, which terminates their workers. Where workers
// run inline (Node, or after a worker failed) the lanes take their turns on this thread: the same results.
import { abortReason } from './workerJobs';

/** One lane: what WorkerJobs / CpuTwinJobs offer. `run` rejects when `cancel` abandons its job. */
export interface JobLane<Job, Result> {
  run(job: Job): Promise<Result>;
  cancel(): void;
  destroy(): void;
}

/** Lanes for the theory of a page: one core is left to the page (and the networks), at most 4, at least 1. */
export function workerPoolSize(hardwareConcurrency = globalThis.navigator?.hardwareConcurrency ?? 2): number {
  return Math.max(1, Math.min((hardwareConcurrency || 2) - 1, 4));
}

export interface PoolRunOptions<Result> {
  signal?: AbortSignal;
  /** After each job: its index and result, and how many are done of how many. */
  onDone?: (done: number, total: number, index: number, result: Result) => void;
}

export class WorkerPool<Job, Result> {
  private readonly lanes: JobLane<Job, Result>[];

  constructor(size: number, createLane: (index: number) => JobLane<Job, Result>) {
    this.lanes = Array.from({ length: Math.max(1, size) }, (_, index) => createLane(index));
  }

  get size(): number {
    return this.lanes.length;
  }

  /** Every job's result, in the jobs' order; rejects with an AbortError when the signal fires. */
  async map(jobs: readonly Job[], options: PoolRunOptions<Result> = {}): Promise<Result[]> {
    const { signal, onDone } = options;
    signal?.throwIfAborted();
    const results = new Array<Result>(jobs.length);
    let next = 0;
    let done = 0;
    let stopped = false;
    const stop = () => {
      stopped = true;
      this.cancel();
    };
    signal?.addEventListener('abort', stop, { once: true });
    const drain = async (lane: JobLane<Job, Result>) => {
      while (!stopped && next < jobs.length) {
        const index = next++;
        const result = await lane.run(jobs[index]);
        if (stopped) return;
        results[index] = result;
        done++;
        onDone?.(done, jobs.length, index, result);
      }
    };
    try {
      await Promise.all(
        this.lanes.slice(0, jobs.length).map((lane) =>
          drain(lane).catch((error: unknown) => {
            if (!stopped) stop(); // one failed: the others' work is for nothing
            throw error;
          }),
        ),
      );
      if (signal?.aborted) throw abortReason(signal);
      return results;
    } catch (error) {
      if (signal?.aborted) throw abortReason(signal);
      throw error;
    } finally {
      signal?.removeEventListener('abort', stop);
    }
  }

  /** Abandons every lane's job in flight; the next map starts fresh workers. */
  cancel(): void {
    for (const lane of this.lanes) lane.cancel();
  }

  destroy(): void {
    for (const lane of this.lanes) lane.destroy();
  }
}
