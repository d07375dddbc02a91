// The Training explorer's engine, from its backend: the GPU engine (src/gpu/trainingEngine.ts) on a WebGPU
// device, or WorkerTrainingEngine without WebGPU: the CPU twin's pieces (core/trainInit, trainStep,
// trainMetrics, decisionGrid, in f64) in a Web Worker. The parameters stay on the page between jobs; steps go
// in jobs sized to take ~100 ms, so an abort waits little (the worker is terminated) and the page never blocks.
// Both satisfy TrainingViewEngine: core/trainingEngine.ts's TrainingRunner with the f32 read-backs the panels draw.

import { DEFAULT_INPUT_WINDOW, type InputWindow } from '../core/decisionGrid';
import type { TrainConfig } from '../core/trainConfig';
import { abortError, prepareRun, type StepOptions, type TrainingRunner } from '../core/trainingEngine';
import type { TrainLayout } from '../core/trainLayout';
import { summarizeCheckpoint, type TrainingCheckpoint } from '../core/trainStats';
import { nextChunkSize } from '../gpu/submitBudget';
import { TrainingEngine } from '../gpu/trainingEngine';
import { abortable, CpuTwinJobs } from './cpuTwinJobs';
import type { ComputeBackend } from './explorer';

export interface TrainingViewEngine extends TrainingRunner {
  checkpoint(): Promise<TrainingCheckpoint>;
  decisionGrid(copy: number, G: number, window?: InputWindow): Promise<Float32Array>;
  /** All parameters, K·P copy-major, as f32 (what the panels draw and export). */
  readParams(): Promise<Float32Array>;
  destroy(): void;
}

/** Steps of one worker job are sized to take about this long (the first job takes one step). */
const TARGET_JOB_MS = 100;
const MAX_STEPS_PER_JOB = 1000;

/** The steps of the next job, from the last one's: scaled to take TARGET_JOB_MS, within 1 … MAX_STEPS_PER_JOB. */
export function nextStepsPerJob(steps: number, elapsedMs: number): number {
  return nextChunkSize(Math.max(1, elapsedMs) / steps, TARGET_JOB_MS, MAX_STEPS_PER_JOB);
}

interface WorkerRun {
  config: TrainConfig;
  layout: TrainLayout;
  reached: Uint8Array;
  /** K·P, f64, after `stepCount` steps. */
  params: Float64Array;
}

export class WorkerTrainingEngine implements TrainingViewEngine {
  private readonly jobs = new CpuTwinJobs('training CPU twin');
  /** Boundaries in a worker of their own: a redraw never waits behind steps, nor dies with an aborted one. */
  private readonly boundaryJobs = new CpuTwinJobs('decision boundary CPU twin');
  private run: WorkerRun | undefined;
  /** Bumped by every reset, so a reset that finishes after a newer one does not replace it. */
  private resets = 0;
  private stepsPerJob = 1;
  stepCount = 0;

  private current(): WorkerRun {
    if (!this.run) throw new Error('WorkerTrainingEngine: reset(config) first');
    return this.run;
  }

  async reset(config: TrainConfig): Promise<void> {
    const mine = ++this.resets;
    const { layout, reached } = prepareRun(config);
    const params = await this.jobs.run({ kind: 'trainInit', config });
    if (mine !== this.resets) throw abortError(); // a newer reset took over, as on the GPU engine
    this.run = { config, layout, reached, params };
    this.stepCount = 0;
  }

  async step(count: number, options: StepOptions = {}): Promise<void> {
    const run = this.current();
    let left = count;
    while (left > 0) {
      if (options.signal?.aborted) throw abortError();
      const steps = Math.min(left, this.stepsPerJob);
      const started = performance.now();
      const job = { kind: 'trainSteps' as const, config: run.config, params: run.params, count: steps };
      const params = await abortable(this.jobs, () => this.jobs.run(job), options.signal);
      if (this.run !== run) throw abortError(); // reset meanwhile: these steps belong to no run
      run.params = params;
      this.stepCount += steps;
      left -= steps;
      options.onProgress?.(this.stepCount);
      this.stepsPerJob = nextStepsPerJob(steps, performance.now() - started);
    }
  }

  async checkpoint(): Promise<TrainingCheckpoint> {
    const run = this.current();
    const step = this.stepCount;
    const { config, layout, params, reached } = run;
    const metrics = await this.jobs.run({ kind: 'trainMetrics', config, params });
    return summarizeCheckpoint(step, layout, metrics, params, reached, config.target, config.bins);
  }

  async decisionGrid(copy: number, G: number, window: InputWindow = DEFAULT_INPUT_WINDOW): Promise<Float32Array> {
    const { config, params } = this.current();
    return Float32Array.from(await this.boundaryJobs.run({ kind: 'decisionGrid', config, params, copy, G, window }));
  }

  async readParams(): Promise<Float32Array> {
    return Float32Array.from(this.current().params);
  }

  destroy(): void {
    this.jobs.destroy();
    this.boundaryJobs.destroy();
    this.run = undefined;
  }
}

/** The engine of the Training explorer on this backend. */
export async function createTrainingEngine(backend: ComputeBackend): Promise<TrainingViewEngine> {
  if (backend === 'cpu') return new WorkerTrainingEngine();
  return TrainingEngine.create(backend.device);
}
