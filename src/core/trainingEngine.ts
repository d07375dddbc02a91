// The training run API shared by the GPU engine (src/gpu/trainingEngine.ts) and its CPU twin
// (CpuTrainingEngine below, f64, single thread): reset to a configuration, take steps, read a
// checkpoint, evaluate a copy's decision boundary. runTraining drives either through a whole run.

import { DEFAULT_INPUT_WINDOW, decisionGrid, type InputWindow } from './decisionGrid';
import type { TrainConfig } from './trainConfig';
import { trainInit } from './trainInit';
import { type TrainingData, trainingData } from './trainingData';
import { type TrainLayout, trainLayout } from './trainLayout';
import { trainMetrics } from './trainMetrics';
import { summarizeCheckpoint, type TrainingCheckpoint } from './trainStats';
import { trainStep } from './trainStep';

export interface StepOptions {
  /** Stops between steps (the steps already taken stay); the promise then rejects with an AbortError. */
  signal?: AbortSignal;
  /** The step count since the reset, as steps are taken (after each step or batch of steps). */
  onProgress?: (stepCount: number) => void;
}

export interface TrainingRunner {
  /** Steps taken since the last reset. */
  readonly stepCount: number;
  /** New data, new layout, fresh initial parameters of every copy; step 0. */
  reset(config: TrainConfig): Promise<void>;
  step(count: number, options?: StepOptions): Promise<void>;
  checkpoint(): Promise<TrainingCheckpoint>;
  /** σ(z[L]) of copy `copy` on a G×G input grid (decisionGrid.ts's order). */
  decisionGrid(copy: number, G: number, window?: InputWindow): Promise<ArrayLike<number>>;
  /** All parameters, K·P copy-major (trainLayout.ts). */
  readParams(): Promise<ArrayLike<number>>;
}

export function abortError(): Error {
  const error = new Error('training stopped');
  error.name = 'AbortError';
  return error;
}

/** The data, layout and empty target flags of a configuration (what every reset builds). */
export function prepareRun(config: TrainConfig): { data: TrainingData; layout: TrainLayout; reached: Uint8Array } {
  return {
    data: trainingData(config.dataset, config.points, config.noise, config.testShare, config.seed),
    layout: trainLayout(config.hidden),
    reached: new Uint8Array(config.copies),
  };
}

export class CpuTrainingEngine implements TrainingRunner {
  private config: TrainConfig | undefined;
  private run: { data: TrainingData; layout: TrainLayout; reached: Uint8Array; params: Float64Array } | undefined;
  stepCount = 0;

  private current() {
    if (!this.config || !this.run) throw new Error('CpuTrainingEngine: reset(config) first');
    return { config: this.config, ...this.run };
  }

  async reset(config: TrainConfig): Promise<void> {
    const prepared = prepareRun(config);
    const params = trainInit(prepared.layout, config.scheme, config.scale, config.biasStd, config.seed, config.copies);
    this.config = config;
    this.run = { ...prepared, params };
    this.stepCount = 0;
  }

  async step(count: number, options: StepOptions = {}): Promise<void> {
    const { config, layout, data, params } = this.current();
    for (let s = 0; s < count; s++) {
      if (options.signal?.aborted) throw abortError();
      trainStep(layout, config.activation, config, data, params, config.copies);
      this.stepCount++;
      options.onProgress?.(this.stepCount);
    }
  }

  async checkpoint(): Promise<TrainingCheckpoint> {
    const { config, layout, data, params, reached } = this.current();
    const metrics = trainMetrics(layout, config.activation, data, params, config.copies);
    return summarizeCheckpoint(this.stepCount, layout, metrics, params, reached, config.target, config.bins);
  }

  async decisionGrid(copy: number, G: number, window: InputWindow = DEFAULT_INPUT_WINDOW): Promise<Float64Array> {
    const { config, layout, params } = this.current();
    return decisionGrid(layout, config.activation, params, copy, G, window);
  }

  async readParams(): Promise<Float64Array> {
    return this.current().params.slice();
  }
}

/**
 * A whole run: reset, a checkpoint at step 0, every `config.every` steps and at `config.steps`.
 * onCheckpoint sees each as it comes (a view draws it); returns them all.
 */
export async function runTraining(
  runner: TrainingRunner,
  config: TrainConfig,
  options: StepOptions & { onCheckpoint?: (checkpoint: TrainingCheckpoint) => void } = {},
): Promise<TrainingCheckpoint[]> {
  await runner.reset(config);
  const checkpoints: TrainingCheckpoint[] = [];
  const record = async () => {
    const checkpoint = await runner.checkpoint();
    checkpoints.push(checkpoint);
    options.onCheckpoint?.(checkpoint);
  };
  await record();
  while (runner.stepCount < config.steps) {
    await runner.step(Math.min(config.every, config.steps - runner.stepCount), options);
    await record();
  }
  return checkpoints;
}
