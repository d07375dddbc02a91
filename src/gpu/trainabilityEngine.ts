// The trainability grid on the GPU (issue 14, "trainable depth"): every (σ_w², depth) cell's K copies
// trained at once by the training engine's kernels (shaders/trainInit, trainStep, trainMetrics; the tiled
// ones, which take any depth). CPU twin: trainabilityCpu in src/core/trainability.ts, which documents the
// measurement and the groups (a depth's copies, cut into runs of whole σ_w² columns that fit a buffer).
//
// Per group: a layout table, weights, gradients, scratch and metrics (src/gpu/trainingEngine.ts's buffers
// of a run); the points are shared. A step of the grid is one dispatch per group, all in one pass, and a
// submission holds as many steps as its measured time per step lets fit in the batch time (nextChunkSize).
// The allocations, the inits and the first submission run in error scopes: a failure frees everything and
// rejects with a GpuRunError saying what did not fit.

import {
  summarizeTrainability,
  type TrainabilityCopies,
  type TrainabilityGroup,
  type TrainabilityResult,
  type TrainabilityRunOptions,
  trainabilityData,
  trainabilityGroups,
  trainabilityRule,
} from '../core/trainability';
import type { TrainabilityConfig } from '../core/trainabilityConfig';
import { abortError } from '../core/trainingEngine';
import { packPointQuads, packTrainLayout, trainBufferFloats } from '../core/trainLayout';
import { createStorageBuffer, poisonBuffer, readBuffer } from './buffers';
import { type BoundDispatch, encodeComputePass, type KernelDispatch } from './computePass';
import { type GpuContext, isSoftwareDevice } from './device';
import { type CaughtGpuError, describeGpuError, ErrorWatch, formatBytes, GpuRunError } from './gpuErrors';
import { nextChunkSize, submitBudgetMs } from './submitBudget';
import { TrainInitKernel } from './trainInit';
import { trainingBufferBytes } from './trainingEngine';
import { copyMetricsBytes, metricsFromRecords, TrainMetricsKernel } from './trainMetrics';
import { TrainStepKernel } from './trainStep';

export interface TrainabilityEngineOptions {
  /** Fill every output buffer with NaN before it is written (tests: a skipped write shows). */
  poisonOutputs?: boolean;
  /** GPU milliseconds one submission may take (default: submitBudgetMs of the adapter's kind). */
  submitBudgetMs?: number;
}

interface GroupBuffers {
  layoutTable: GPUBuffer;
  weights: GPUBuffer;
  gradients: GPUBuffer;
  scratch: GPUBuffer;
  metrics: GPUBuffer;
}

/** Milliseconds a submission of steps aims at (or the submission budget, when smaller). */
const TARGET_BATCH_MS = 100;
/** Steps recorded in one submission at most. */
const MAX_STEPS_PER_SUBMIT = 256;

/** The bytes the grid's buffers take: every group's training buffers (points counted once). */
export function trainabilityBufferBytes(config: TrainabilityConfig, groups: readonly TrainabilityGroup[]): number {
  const points = 4 * config.points;
  const perGroup = groups.map((group) => {
    const { points: _points, ...bytes } = trainingBufferBytes(group.layout, group.copies, points, false);
    return Object.values(bytes).reduce((a, b) => a + b);
  });
  return perGroup.reduce((a, b) => a + b, 16 * points + 64);
}

export class TrainabilityEngine {
  /** Runs one after another: the init kernel's uniforms are one buffer. */
  private queue: Promise<unknown> = Promise.resolve();
  private destroyed = false;
  private readonly batchMs: number;
  /** Submissions of steps of the last run (tests: the batching). */
  stepSubmissions = 0;

  private constructor(
    readonly device: GPUDevice,
    private readonly initKernel: TrainInitKernel,
    private readonly stepKernel: TrainStepKernel,
    private readonly metricsKernel: TrainMetricsKernel,
    private readonly options: TrainabilityEngineOptions,
  ) {
    this.batchMs = Math.min(TARGET_BATCH_MS, options.submitBudgetMs ?? submitBudgetMs(isSoftwareDevice(device)));
  }

  /** Compiles the three kernels' modules; pipelines per activation are built on first use. */
  static async create(gpu: GpuContext, options: TrainabilityEngineOptions = {}): Promise<TrainabilityEngine> {
    const { device } = gpu;
    const [initKernel, stepKernel, metricsKernel] = await Promise.all([
      TrainInitKernel.create(device),
      TrainStepKernel.create(device),
      TrainMetricsKernel.create(device),
    ]);
    return new TrainabilityEngine(device, initKernel, stepKernel, metricsKernel, options);
  }

  /** Trains the whole grid; rejects with an AbortError when the signal fires (between submissions). */
  async run(config: TrainabilityConfig, options: TrainabilityRunOptions = {}): Promise<TrainabilityResult> {
    const { groups, metrics } = await this.trainCopies(config, options);
    return summarizeTrainability(config, groups, metrics);
  }

  /** Every copy's metrics after T steps (and, with readParams, its parameters: tests against the twin). */
  trainCopies(
    config: TrainabilityConfig,
    options: TrainabilityRunOptions & { readParams?: boolean } = {},
  ): Promise<TrainabilityCopies<Float32Array>> {
    const result = this.queue.then(() => this.train(config, options));
    this.queue = result.catch(() => undefined);
    return result;
  }

  private output(label: string, bytes: number): GPUBuffer {
    const buffer = createStorageBuffer(this.device, label, bytes);
    if (this.options.poisonOutputs) poisonBuffer(this.device, buffer);
    return buffer;
  }

  private failure(config: TrainabilityConfig, groups: readonly TrainabilityGroup[], caught: CaughtGpuError) {
    const bytes = trainabilityBufferBytes(config, groups);
    const largest = Math.max(
      ...groups.flatMap((g) => Object.values(trainingBufferBytes(g.layout, g.copies, 4 * config.points, false))),
    );
    const verb = caught.kind === 'out-of-memory' ? 'could not allocate' : 'refused';
    return new GpuRunError(
      `the trainability grid (${config.sw2Cells} σ_w² × ${config.depths.length} depths × K = ${config.copies}, ` +
        `width ${config.width}, depths up to ${Math.max(...config.depths)}) needs ${formatBytes(bytes)} of GPU ` +
        `buffers in ${groups.length} groups, the largest buffer ${formatBytes(largest)}; the GPU ${verb} them ` +
        `(${describeGpuError(caught)}): fewer σ_w² values, copies or depths, or a smaller width.`,
      caught,
    );
  }

  private async train(
    config: TrainabilityConfig,
    options: TrainabilityRunOptions & { readParams?: boolean },
  ): Promise<TrainabilityCopies<Float32Array>> {
    const { device } = this;
    if (this.destroyed) throw new Error('TrainabilityEngine: destroyed');
    if (options.signal?.aborted) throw abortError();
    const groups = trainabilityGroups(config);
    const data = trainabilityData(config);
    const counts = { trainCount: data.trainCount, testCount: data.testCount };
    const owned: GPUBuffer[] = [];
    const passes: BoundDispatch[] = [];
    try {
      const watch = new ErrorWatch(device);
      const { points, buffers } = watch.guard(() => {
        const pointData = packPointQuads(data.inputs, data.labels, data.trainCount, data.testCount);
        const points = createStorageBuffer(device, 'trainability points', pointData.byteLength);
        device.queue.writeBuffer(points, 0, pointData);
        owned.push(points);
        const buffers = groups.map((group): GroupBuffers => {
          const table = packTrainLayout(group.layout);
          const layoutTable = createStorageBuffer(device, 'trainability layout table', table.byteLength);
          device.queue.writeBuffer(layoutTable, 0, table);
          const floats = trainBufferFloats(group.layout, group.copies);
          const made = {
            layoutTable,
            weights: this.output('trainability weights', 4 * floats.weights),
            gradients: this.output('trainability gradients', 4 * floats.weights),
            scratch: this.output('trainability scratch', 4 * floats.scratch),
            metrics: this.output('trainability metrics', copyMetricsBytes(group.copies)),
          };
          owned.push(...Object.values(made));
          return made;
        });
        return { points, buffers };
      });
      // Checked before the kernels bind them: a bind group over a refused buffer is an error of its own.
      const refused = await watch.check();
      if (refused) throw this.failure(config, groups, refused);
      const rule = trainabilityRule(config);
      const bound = await Promise.allSettled(
        groups.flatMap((group, g) => {
          const settings = { layout: group.layout, activation: config.activation, copies: group.copies, ...counts };
          return [
            this.stepKernel.bind({ ...buffers[g], points }, { ...settings, rule }),
            this.metricsKernel.bind({ ...buffers[g], points }, settings),
          ];
        }),
      );
      for (const pass of bound) if (pass.status === 'fulfilled') passes.push(pass.value);
      for (const pass of bound) if (pass.status === 'rejected') throw pass.reason;
      const stepPasses = passes.filter((_, i) => i % 2 === 0);
      const metricsPasses = passes.filter((_, i) => i % 2 === 1);
      if (this.destroyed) throw abortError();
      watch.guard(() => {
        groups.forEach((group, g) => {
          // One submission per group: the init kernel writes its uniforms when it encodes.
          const encoder = device.createCommandEncoder({ label: 'trainability init' });
          const { layout, copies, cells } = group;
          const biasStd = Math.sqrt(config.sb2);
          const init = {
            layout,
            scheme: 'xavier-normal' as const,
            scale: 1,
            biasStd,
            seed: config.seed,
            copies,
            cells,
          };
          this.initKernel.encode(encoder, buffers[g].layoutTable, buffers[g].weights, init);
          device.queue.submit([encoder.finish()]);
        });
      });
      const caught = await watch.check();
      if (caught) throw this.failure(config, groups, caught);
      if (this.destroyed) throw abortError();
      await this.steps(config, stepPasses, options);
      const encoder = device.createCommandEncoder({ label: 'trainability metrics' });
      encodeComputePass(encoder, 'trainability metrics pass', metricsPasses);
      device.queue.submit([encoder.finish()]);
      const metrics = await Promise.all(
        groups.map(async (group, g) =>
          metricsFromRecords(
            await readBuffer(device, buffers[g].metrics, copyMetricsBytes(group.copies)),
            group.copies,
          ),
        ),
      );
      const params = options.readParams
        ? await Promise.all(groups.map(async (_, g) => new Float32Array(await readBuffer(device, buffers[g].weights))))
        : [];
      return { groups, metrics, params };
    } finally {
      for (const pass of passes) pass.destroy();
      for (const buffer of owned) buffer.destroy();
    }
  }

  /** T steps of every group, in submissions sized by the measured time per step (the first in error scopes). */
  private async steps(
    config: TrainabilityConfig,
    stepPasses: readonly KernelDispatch[],
    options: TrainabilityRunOptions,
  ): Promise<void> {
    const { device } = this;
    let stepsPerSubmit = 1;
    let done = 0;
    this.stepSubmissions = 0;
    options.onProgress?.(0, config.steps);
    while (done < config.steps) {
      if (options.signal?.aborted || this.destroyed) throw abortError();
      const batch = Math.min(stepsPerSubmit, config.steps - done);
      const submit = () => {
        const encoder = device.createCommandEncoder({ label: 'trainability steps' });
        const dispatches = Array.from({ length: batch }, () => stepPasses).flat();
        encodeComputePass(encoder, 'trainability steps pass', dispatches);
        device.queue.submit([encoder.finish()]);
      };
      const watch = this.stepSubmissions === 0 ? new ErrorWatch(device) : undefined;
      const start = performance.now();
      if (watch) watch.guard(submit);
      else submit();
      this.stepSubmissions++;
      await device.queue.onSubmittedWorkDone();
      const caught = await watch?.check();
      if (caught)
        throw new GpuRunError(`the first trainability step failed on the GPU (${describeGpuError(caught)})`, caught);
      const elapsed = performance.now() - start;
      done += batch;
      options.onProgress?.(done, config.steps);
      // A short remainder measures the rate as well, but does not cap the next batch.
      stepsPerSubmit = nextChunkSize(
        elapsed / batch,
        this.batchMs,
        MAX_STEPS_PER_SUBMIT,
        Math.max(batch, stepsPerSubmit),
      );
    }
  }

  /** Frees the kernels' own buffers; a run in progress stops at its next submission. The device stays the caller's. */
  destroy(): void {
    this.destroyed = true;
    this.initKernel.destroy();
  }
}
