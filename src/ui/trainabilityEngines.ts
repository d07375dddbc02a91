// The Trainable depth panel's engine, from its backend: the GPU engine (src/gpu/trainabilityEngine.ts,
// TrainabilityEngine) on a WebGPU device (a GPU or the software adapter), or WorkerTrainability without WebGPU:
// the CPU twin (core/trainability.ts, f64) in a Web Worker, the parameters of every group carried from piece to
// piece, the steps of a piece sized to take ~150 ms, so progress shows between pieces and an abort terminates
// the worker. Both satisfy TrainabilityViewEngine.

import type { TrainabilityResult, TrainabilityRunOptions } from '../core/trainability';
import type { TrainabilityConfig } from '../core/trainabilityConfig';
import { nextChunkSize } from '../gpu/submitBudget';
import { TrainabilityEngine } from '../gpu/trainabilityEngine';
import { abortable, CpuTwinJobs } from './cpuTwinJobs';
import type { ComputeBackend } from './explorer';

export interface TrainabilityViewEngine {
  /** Trains the whole grid; rejects with an AbortError when the signal fires. */
  run(config: TrainabilityConfig, options?: TrainabilityRunOptions): Promise<TrainabilityResult>;
  destroy(): void;
}

/** A worker piece is sized to take about this long (the first piece takes one step). */
const TARGET_JOB_MS = 150;

export class WorkerTrainability implements TrainabilityViewEngine {
  private readonly jobs = new CpuTwinJobs('trainable-depth CPU twin');

  async run(config: TrainabilityConfig, options: TrainabilityRunOptions = {}): Promise<TrainabilityResult> {
    const { signal, onProgress } = options;
    let params: Float64Array[] | undefined;
    let done = 0;
    let count = Math.min(1, config.steps);
    onProgress?.(0, config.steps);
    for (;;) {
      const finish = done + count >= config.steps;
      const started = performance.now();
      const job = { kind: 'trainabilityPiece' as const, config, params, count, finish };
      const piece = await abortable(this.jobs, () => this.jobs.run(job), signal);
      done += count;
      onProgress?.(done, config.steps);
      if (piece.result) return piece.result;
      params = piece.params;
      const perStep = Math.max(1, performance.now() - started) / Math.max(1, count);
      count = Math.min(config.steps - done, nextChunkSize(perStep, TARGET_JOB_MS, config.steps, count));
    }
  }

  destroy(): void {
    this.jobs.destroy();
  }
}

/** The engine of the Trainable depth panel on this backend. */
export async function createTrainabilityEngine(backend: ComputeBackend): Promise<TrainabilityViewEngine> {
  if (backend === 'cpu') return new WorkerTrainability();
  return TrainabilityEngine.create(backend);
}
