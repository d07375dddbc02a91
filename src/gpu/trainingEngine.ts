// The training engine on the GPU: K copies of a small network trained in parallel by full-batch
// gradient descent (shaders/trainInit, trainStep, trainMetrics, decisionGrid). CPU twin:
// CpuTrainingEngine in src/core/trainingEngine.ts; both implement TrainingRunner, so
// runTraining, the command line and a view drive either.
//
// Buffers of a run (trainLayout.ts documents the layouts): layout table, points (in quads,
// training quads first), weights K·P, gradients K·P, scratch K·S·TRAIN_TILE_QUADS vec4f, metrics K·vec4f.
// Steps are submitted in batches sized by their measured time to take ~50 ms (under the submission
// budget of src/gpu/submitBudget.ts), so an abort or a checkpoint waits little and no submission nears a
// GPU watchdog. A run's allocations and first submissions run in error scopes: a failed allocation
// frees the run and says how many copies fit.

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
import { isSoftwareDevice } from './device';
import {
  type CaughtGpuError,
  describeGpuError,
  ErrorWatch,
  failureVerb,
  formatBytes,
  GpuRunError,
  guarded,
  largestFitting,
} from './gpuErrors';
import { nextChunkSize, submitBudgetMs } from './submitBudget';
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
  /** GPU milliseconds one submission may take (default: submitBudgetMs of the adapter's kind). */
  submitBudgetMs?: number;
}

/** The bytes of a run's buffers, by name (what reset allocates). */
export function trainingBufferBytes(
  layout: TrainLayout,
  copies: number,
  points: number,
  unrolled: boolean,
): Record<string, number> {
  const floats = trainBufferFloats(layout, copies);
  return {
    weights: 4 * floats.weights,
    gradients: unrolled ? 16 : 4 * floats.weights,
    scratch: unrolled ? 16 : 4 * floats.scratch,
    metrics: copyMetricsBytes(copies),
    points: 16 * 4 * Math.ceil(points / 4) + 64,
  };
}

/**
 * Why a run's buffers could not be allocated, and the copies that fit in half of them: "K = 4096 copies
 * of 2-64-64-1 (P = 4353) need 600 MiB of GPU buffers, the largest 68 MiB; the GPU could not allocate
 * them (out of memory: …): K ≤ 2048 fits in half of that."
 */
export function trainFailureMessage(
  layout: TrainLayout,
  copies: number,
  points: number,
  unrolled: boolean,
  gpuError: string,
): string {
  const total = (K: number) => Object.values(trainingBufferBytes(layout, K, points, unrolled)).reduce((a, b) => a + b);
  const bytes = total(copies);
  const largest = Math.max(...Object.values(trainingBufferBytes(layout, copies, points, unrolled)));
  const fit = largestFitting(1, copies - 1, (K) => total(K) <= bytes / 2);
  const fits = fit >= 1 ? `K ≤ ${fit} fits in half of that` : 'not even one copy fits in half of that: fewer points';
  const verb = failureVerb(gpuError);
  return (
    `K = ${copies} cop${copies === 1 ? 'y' : 'ies'} of ${layout.widths.join('-')} (P = ${layout.paramCount}) ` +
    `on ${points} points ${copies === 1 ? 'needs' : 'need'} ${formatBytes(bytes)} of GPU buffers, ` +
    `the largest ${formatBytes(largest)}; the GPU ${verb} them (${gpuError}): ${fits}.`
  );
}

interface Run {
  config: TrainConfig;
  unrolled: boolean;
  /** Whether a step has been submitted since the reset (the first one runs in error scopes). */
  stepped: boolean;
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

/** Milliseconds a batch of steps aims at (or the submission budget, when smaller). */
const TARGET_BATCH_MS = 50;
/** Steps recorded in one command buffer at most. */
const MAX_STEPS_PER_SUBMIT = 256;

export class TrainingEngine implements TrainingRunner {
  private run: Run | undefined;
  private stepsPerSubmit = 1;
  /** Bumped by every reset, so a reset that finishes after a newer one (or after destroy) frees what it made. */
  private resets = 0;
  private destroyed = false;
  private gridQueue: Promise<void> = Promise.resolve();
  /** Milliseconds a batch of steps may take: TARGET_BATCH_MS, or the submission budget when smaller. */
  private readonly batchMs: number;
  stepCount = 0;
  /** Submissions of steps since the reset. */
  stepSubmissions = 0;

  private constructor(
    readonly device: GPUDevice,
    private readonly initKernel: TrainInitKernel,
    private readonly stepKernel: TrainStepKernel,
    private readonly unrolledStepKernel: TrainStepUnrolledKernel,
    private readonly metricsKernel: TrainMetricsKernel,
    private readonly unrolledMetricsKernel: TrainMetricsUnrolledKernel,
    private readonly gridKernel: DecisionGridKernel,
    private readonly options: TrainingEngineOptions,
  ) {
    this.batchMs = Math.min(TARGET_BATCH_MS, options.submitBudgetMs ?? submitBudgetMs(isSoftwareDevice(device)));
  }

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
    this.stepSubmissions = 0;
    const { data, layout, reached } = prepareRun(config);
    const unrolled =
      this.options.kernels === 'unrolled' ||
      (this.options.kernels !== 'tiled' && layout.paramCount <= UNROLLED_MAX_PARAMS);
    // Every allocation and the first submission run in error scopes; a failure frees them all.
    const watch = new ErrorWatch(device);
    const buffers = watch.guard(() => this.allocate(config, layout, data, unrolled));
    // Checked before the kernels bind them: a bind group over a refused buffer is an error of its own.
    const refused = await watch.check();
    if (refused) {
      for (const buffer of buffers) buffer.destroy();
      throw this.allocationFailure(config, layout, data, unrolled, refused);
    }
    const [layoutTable, points, weights, gradients, scratch, metrics] = buffers;
    const counts = { trainCount: data.trainCount, testCount: data.testCount, copies: config.copies };
    const stepSettings = { layout, activation: config.activation, rule: config, ...counts };
    const metricsSettings = { layout, activation: config.activation, ...counts };
    const [stepBound, metricsBound] = await Promise.allSettled([
      unrolled
        ? this.unrolledStepKernel.bind({ points, weights }, stepSettings)
        : this.stepKernel.bind({ layoutTable, points, weights, gradients, scratch }, stepSettings),
      unrolled
        ? this.unrolledMetricsKernel.bind({ points, weights, metrics }, metricsSettings)
        : this.metricsKernel.bind({ layoutTable, points, weights, metrics }, metricsSettings),
    ]);
    const freeAll = () => {
      for (const bound of [stepBound, metricsBound]) if (bound.status === 'fulfilled') bound.value.destroy();
      for (const buffer of buffers) buffer.destroy();
    };
    if (
      stepBound.status === 'rejected' ||
      metricsBound.status === 'rejected' ||
      this.destroyed ||
      mine !== this.resets
    ) {
      // A kernel failed to build, the engine was destroyed (the tab was left) or reset again while
      // the pipelines compiled: free what this run made.
      freeAll();
      const caught = await watch.check();
      if (caught) throw this.allocationFailure(config, layout, data, unrolled, caught);
      if (stepBound.status === 'rejected') throw stepBound.reason;
      if (metricsBound.status === 'rejected') throw metricsBound.reason;
      throw abortError();
    }
    const stepPass = stepBound.value;
    const metricsPass = metricsBound.value;
    watch.guard(() => {
      const encoder = device.createCommandEncoder({ label: 'train reset' });
      this.initKernel.encode(encoder, layoutTable, weights, { layout, ...config });
      device.queue.submit([encoder.finish()]);
    });
    const caught = await watch.check();
    if (caught) {
      freeAll();
      throw this.allocationFailure(config, layout, data, unrolled, caught);
    }
    if (this.destroyed || mine !== this.resets) {
      freeAll();
      throw abortError();
    }
    this.run = {
      config,
      unrolled,
      stepped: false,
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

  /** The buffers of a run: layout table, points, weights, gradients, scratch, metrics (the first two written). */
  private allocate(config: TrainConfig, layout: TrainLayout, data: TrainingData, unrolled: boolean): GPUBuffer[] {
    const { device } = this;
    const floats = trainBufferFloats(layout, config.copies);
    const table = packTrainLayout(layout);
    const layoutTable = createStorageBuffer(device, 'train layout table', table.byteLength);
    device.queue.writeBuffer(layoutTable, 0, table);
    const pointData = packPointQuads(data.inputs, data.labels, data.trainCount, data.testCount);
    const points = createStorageBuffer(device, 'train points', pointData.byteLength);
    device.queue.writeBuffer(points, 0, pointData);
    const weights = this.output('train weights', floats.weights);
    // The unrolled step keeps its gradients and unit values in registers: no gradient or scratch buffer.
    const gradients = this.output('train gradients', unrolled ? 4 : floats.weights);
    const scratch = this.output('train scratch', unrolled ? 4 : floats.scratch);
    const metrics = this.output('train metrics', copyMetricsBytes(config.copies) / 4);
    return [layoutTable, points, weights, gradients, scratch, metrics];
  }

  private allocationFailure(
    config: TrainConfig,
    layout: TrainLayout,
    data: TrainingData,
    unrolled: boolean,
    caught: CaughtGpuError,
  ): GpuRunError {
    const points = data.trainCount + data.testCount;
    return new GpuRunError(
      trainFailureMessage(layout, config.copies, points, unrolled, describeGpuError(caught)),
      caught,
    );
  }

  /**
   * Takes `count` steps in submissions of as many steps as the last one's measured time per step lets
   * fit in the batch time (the first after a reset: one step, in error scopes).
   */
  async step(count: number, options: StepOptions = {}): Promise<void> {
    const { device } = this;
    const run = this.current();
    let done = 0;
    while (done < count) {
      if (options.signal?.aborted) throw abortError();
      const batch = Math.min(this.stepsPerSubmit, count - done);
      const submit = () => {
        const encoder = device.createCommandEncoder({ label: 'train steps' });
        run.stepPass.encode(encoder, batch);
        device.queue.submit([encoder.finish()]);
      };
      const watch = run.stepped ? undefined : new ErrorWatch(device);
      const start = performance.now();
      if (watch) watch.guard(submit);
      else submit();
      run.stepped = true;
      this.stepSubmissions++;
      await device.queue.onSubmittedWorkDone();
      const caught = await watch?.check();
      if (caught) {
        // The run is broken: free it, so a later step cannot go on unwatched over its buffers (reset first).
        if (this.run === run) this.releaseRun();
        throw new GpuRunError(`the first training step failed on the GPU (${describeGpuError(caught)})`, caught);
      }
      // A reset while this batch ran started a new run: these steps were not its steps.
      if (this.run !== run) throw abortError();
      const elapsed = performance.now() - start;
      done += batch;
      this.stepCount += batch;
      options.onProgress?.(this.stepCount);
      // A short remainder measures the rate as well, but does not cap the next batch.
      const last = Math.max(batch, this.stepsPerSubmit);
      this.stepsPerSubmit = nextChunkSize(elapsed / batch, this.batchMs, MAX_STEPS_PER_SUBMIT, last);
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

  /** All parameters; the read-back's staging buffer (K·P floats, up to 128 MiB) is allocated in error scopes. */
  async readParams(): Promise<Float32Array<ArrayBuffer>> {
    const run = this.current();
    const bytes = 4 * run.config.copies * run.layout.paramCount;
    const read = await guarded(
      this.device,
      () => readBuffer(this.device, run.weights, bytes),
      (caught) =>
        `reading back K·P = ${run.config.copies}·${run.layout.paramCount} parameters needs a ` +
        `${formatBytes(bytes)} staging buffer; the GPU could not allocate it (${describeGpuError(caught)})`,
    );
    return new Float32Array(read);
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
