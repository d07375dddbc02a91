// The training engine on the GPU: K copies of a small network trained in parallel by full-batch
// gradient descent (shaders/trainInit, trainStep, trainMetrics, decisionGrid). CPU twin:
// CpuTrainingEngine in src/core/trainingEngine.ts; both implement TrainingRunner, so
// runTraining, the command line and a view drive either.
//
// Buffers of a run (trainLayout.ts documents the layouts): layout table, points (in quads,
// training quads first), weights K·P, gradients K·P, scratch K·S·TRAIN_TILE_QUADS vec4f, metrics K·vec4f.
// Steps are submitted in batches sized to take ~50 ms, so an abort or a checkpoint waits little.

import type { InputWindow } from '../core/decisionGrid';
import { DEFAULT_INPUT_WINDOW } from '../core/decisionGrid';
import type { TrainConfig } from '../core/trainConfig';
import type { TrainingData } from '../core/trainingData';
import { abortError, prepareRun, type StepOptions, type TrainingRunner } from '../core/trainingEngine';
import { packPointQuads, packTrainLayout, type TrainLayout, trainBufferFloats } from '../core/trainLayout';
import { summarizeCheckpoint, type TrainingCheckpoint } from '../core/trainStats';
import { createStorageBuffer, poisonBuffer, readBuffer } from './buffers';
import type { BoundDispatch } from './computePass';
import { DecisionGridKernel } from './decisionGrid';
import { TrainInitKernel } from './trainInit';
import { copyMetricsBytes, metricsFromRecords, TrainMetricsKernel } from './trainMetrics';
import { TrainMetricsUnrolledKernel } from './trainMetricsUnrolled';
import { TrainStepKernel } from './trainStep';
import { TrainStepUnrolledKernel } from './trainStepUnrolled';
import { UNROLLED_MAX_PARAMS } from './unrolledNetwork';

export interface TrainingEngineOptions {
  /** Fill every output buffer with NaN before it is written (tests: a skipped write shows). */
  poisonOutputs?: boolean;
  /**
   * The step and metrics kernels: 'unrolled' (trainStepUnrolled and trainMetricsUnrolled, registers
   * only; P ≤ UNROLLED_MAX_PARAMS) or 'tiled' (trainStep and trainMetrics, any size); by default
   * unrolled where it fits.
   */
  kernels?: 'unrolled' | 'tiled';
}

interface Run {
  config: TrainConfig;
  layout: TrainLayout;
  data: TrainingData;
  reached: Uint8Array;
  layoutTable: GPUBuffer;
  points: GPUBuffer;
  weights: GPUBuffer;
  gradients: GPUBuffer;
  scratch: GPUBuffer;
  metrics: GPUBuffer;
  stepPass: BoundDispatch;
  metricsPass: BoundDispatch;
}

const TARGET_BATCH_MS = 50;
const MAX_STEPS_PER_SUBMIT = 256;

export class TrainingEngine implements TrainingRunner {
  private run: Run | undefined;
  private stepsPerSubmit = 1;
  /** Bumped by every reset, so a reset that finishes after a newer one (or after destroy) frees what it made. */
  private resets = 0;
  private destroyed = false;
  private gridQueue: Promise<void> = Promise.resolve();
  stepCount = 0;

  private constructor(
    readonly device: GPUDevice,
    private readonly initKernel: TrainInitKernel,
    private readonly stepKernel: TrainStepKernel,
    private readonly unrolledStepKernel: TrainStepUnrolledKernel,
    private readonly metricsKernel: TrainMetricsKernel,
    private readonly unrolledMetricsKernel: TrainMetricsUnrolledKernel,
    private readonly gridKernel: DecisionGridKernel,
    private readonly options: TrainingEngineOptions,
  ) {}

  /** Compiles the four kernels once; pipelines per activation are built on first use. */
  static async create(device: GPUDevice, options: TrainingEngineOptions = {}): Promise<TrainingEngine> {
    const [initKernel, stepKernel, metricsKernel, gridKernel] = await Promise.all([
      TrainInitKernel.create(device),
      TrainStepKernel.create(device),
      TrainMetricsKernel.create(device),
      DecisionGridKernel.create(device),
    ]);
    return new TrainingEngine(
      device,
      initKernel,
      stepKernel,
      new TrainStepUnrolledKernel(device),
      metricsKernel,
      new TrainMetricsUnrolledKernel(device),
      gridKernel,
      options,
    );
  }

  get config(): TrainConfig | undefined {
    return this.run?.config;
  }

  private current(): Run {
    if (!this.run) throw new Error('TrainingEngine: reset(config) first');
    return this.run;
  }

  private output(label: string, floats: number): GPUBuffer {
    const buffer = createStorageBuffer(this.device, label, 4 * floats);
    if (this.options.poisonOutputs) poisonBuffer(this.device, buffer);
    return buffer;
  }

  async reset(config: TrainConfig): Promise<void> {
    const { device } = this;
    const mine = ++this.resets;
    this.releaseRun();
    this.stepsPerSubmit = 1; // a new network: the batch size is learned again
    const { data, layout, reached } = prepareRun(config);
    const floats = trainBufferFloats(layout, config.copies);
    const table = packTrainLayout(layout);
    const layoutTable = createStorageBuffer(device, 'train layout table', table.byteLength);
    device.queue.writeBuffer(layoutTable, 0, table);
    const pointData = packPointQuads(data.inputs, data.labels, data.trainCount, data.testCount);
    const points = createStorageBuffer(device, 'train points', pointData.byteLength);
    device.queue.writeBuffer(points, 0, pointData);
    const unrolled =
      this.options.kernels === 'unrolled' ||
      (this.options.kernels !== 'tiled' && layout.paramCount <= UNROLLED_MAX_PARAMS);
    const weights = this.output('train weights', floats.weights);
    // The unrolled step keeps its gradients and unit values in registers: no gradient or scratch buffer.
    const gradients = this.output('train gradients', unrolled ? 4 : floats.weights);
    const scratch = this.output('train scratch', unrolled ? 4 : floats.scratch);
    const metrics = this.output('train metrics', copyMetricsBytes(config.copies) / 4);
    const counts = { trainCount: data.trainCount, testCount: data.testCount, copies: config.copies };
    const stepSettings = { layout, activation: config.activation, rule: config, ...counts };
    const metricsSettings = { layout, activation: config.activation, ...counts };
    const buffers = [layoutTable, points, weights, gradients, scratch, metrics];
    const [stepBound, metricsBound] = await Promise.allSettled([
      unrolled
        ? this.unrolledStepKernel.bind({ points, weights }, stepSettings)
        : this.stepKernel.bind({ layoutTable, points, weights, gradients, scratch }, stepSettings),
      unrolled
        ? this.unrolledMetricsKernel.bind({ points, weights, metrics }, metricsSettings)
        : this.metricsKernel.bind({ layoutTable, points, weights, metrics }, metricsSettings),
    ]);
    if (
      stepBound.status === 'rejected' ||
      metricsBound.status === 'rejected' ||
      this.destroyed ||
      mine !== this.resets
    ) {
      // A kernel failed to build, the engine was destroyed (the tab was left) or reset again while
      // the pipelines compiled: free what this run made.
      for (const bound of [stepBound, metricsBound]) if (bound.status === 'fulfilled') bound.value.destroy();
      for (const buffer of buffers) buffer.destroy();
      if (stepBound.status === 'rejected') throw stepBound.reason;
      if (metricsBound.status === 'rejected') throw metricsBound.reason;
      throw abortError();
    }
    const stepPass = stepBound.value;
    const metricsPass = metricsBound.value;
    const encoder = device.createCommandEncoder({ label: 'train reset' });
    this.initKernel.encode(encoder, layoutTable, weights, { layout, ...config });
    device.queue.submit([encoder.finish()]);
    this.run = {
      config,
      layout,
      data,
      reached,
      layoutTable,
      points,
      weights,
      gradients,
      scratch,
      metrics,
      stepPass,
      metricsPass,
    };
    this.stepCount = 0;
  }

  async step(count: number, options: StepOptions = {}): Promise<void> {
    const { device } = this;
    const run = this.current();
    let done = 0;
    while (done < count) {
      if (options.signal?.aborted) throw abortError();
      const batch = Math.min(this.stepsPerSubmit, count - done);
      const encoder = device.createCommandEncoder({ label: 'train steps' });
      run.stepPass.encode(encoder, batch);
      const start = performance.now();
      device.queue.submit([encoder.finish()]);
      await device.queue.onSubmittedWorkDone();
      // A reset while this batch ran started a new run: these steps were not its steps.
      if (this.run !== run) throw abortError();
      const elapsed = performance.now() - start;
      done += batch;
      this.stepCount += batch;
      if (elapsed < TARGET_BATCH_MS / 2 && batch === this.stepsPerSubmit)
        this.stepsPerSubmit = Math.min(MAX_STEPS_PER_SUBMIT, 2 * this.stepsPerSubmit);
      else if (elapsed > 2 * TARGET_BATCH_MS) this.stepsPerSubmit = Math.max(1, Math.floor(this.stepsPerSubmit / 2));
    }
  }

  /** Per-copy metrics (METRICS_PER_COPY f32 each) at the current weights, straight from the GPU. */
  async readMetrics(): Promise<Float32Array> {
    const { device } = this;
    const run = this.current();
    if (this.options.poisonOutputs) poisonBuffer(device, run.metrics);
    const encoder = device.createCommandEncoder({ label: 'train metrics' });
    run.metricsPass.encode(encoder);
    device.queue.submit([encoder.finish()]);
    const { copies } = run.config;
    return metricsFromRecords(await readBuffer(device, run.metrics, copyMetricsBytes(copies)), copies);
  }

  async checkpoint(): Promise<TrainingCheckpoint> {
    const run = this.current();
    const metrics = await this.readMetrics();
    const params = await this.readParams();
    return summarizeCheckpoint(
      this.stepCount,
      run.layout,
      Float64Array.from(metrics),
      params,
      run.reached,
      run.config.target,
      run.config.bins,
    );
  }

  /**
   * σ(z) of one copy on a G × G grid of inputs. Calls are served one at a time: the kernel's uniforms
   * are one buffer, and two grids encoded at once would both read the later one's.
   */
  decisionGrid(copy: number, G: number, window: InputWindow = DEFAULT_INPUT_WINDOW): Promise<Float32Array> {
    const result = this.gridQueue.then(() => this.drawDecisionGrid(copy, G, window));
    this.gridQueue = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  private async drawDecisionGrid(copy: number, G: number, window: InputWindow): Promise<Float32Array> {
    const { device } = this;
    const run = this.current();
    if (!Number.isInteger(copy) || copy < 0 || copy >= run.config.copies)
      throw new RangeError(`copy must be in 0–${run.config.copies - 1} (got ${copy})`);
    const probabilities = this.output('decision grid', G * G);
    try {
      const encoder = device.createCommandEncoder({ label: 'decision grid' });
      const settings = { layout: run.layout, activation: run.config.activation, copy, G, window };
      await this.gridKernel.encode(encoder, run.layoutTable, run.weights, probabilities, settings);
      // A reset while the kernel compiled freed this run's buffers: its grid is of no use.
      if (this.run !== run) throw abortError();
      device.queue.submit([encoder.finish()]);
      return new Float32Array(await readBuffer(device, probabilities, 4 * G * G));
    } finally {
      probabilities.destroy();
    }
  }

  async readParams(): Promise<Float32Array<ArrayBuffer>> {
    const run = this.current();
    return new Float32Array(await readBuffer(this.device, run.weights, 4 * run.config.copies * run.layout.paramCount));
  }

  /** Replaces all parameters (K·P, copy-major): restores a snapshot taken with readParams. */
  writeParams(params: Float32Array<ArrayBuffer>): void {
    const run = this.current();
    const expected = run.config.copies * run.layout.paramCount;
    if (params.length !== expected)
      throw new RangeError(`writeParams: ${params.length} values, expected K·P = ${expected}`);
    this.device.queue.writeBuffer(run.weights, 0, params);
  }

  private releaseRun(): void {
    const run = this.run;
    if (!run) return;
    run.stepPass.destroy();
    run.metricsPass.destroy();
    for (const buffer of [run.layoutTable, run.points, run.weights, run.gradients, run.scratch, run.metrics])
      buffer.destroy();
    this.run = undefined;
  }

  /** Frees the run's buffers and the kernels' own; the device stays the caller's. */
  destroy(): void {
    this.destroyed = true;
    this.releaseRun();
    this.initKernel.destroy();
    this.gridKernel.destroy();
  }
}
