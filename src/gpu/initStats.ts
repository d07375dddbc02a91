// GPU runner of the initialization engine; CPU twin: src/core/initStats.ts (initStatsAccumulators).
// For a chunk of inits: draw x (initWeights), then per layer draw W[l] and b[l] and run layerForward
// (z, a kept for the backward pass), layerStats on z and a; at the top draw g into δ[L] and run
// readoutDelta; then per layer going down redraw W[l] and run layerBackward, layerStats on δ and
// dWNorm. Weights are never stored for all K inits: they are a pure function of
// (seed, k, layer, row, column) and are drawn again where needed. Partials come back per chunk and
// are combined in f64 here, into the same accumulators the CPU twin fills.
import dWNormSource from '../../shaders/dWNorm.wgsl?raw';
import initWeightsSource from '../../shaders/initWeights.wgsl?raw';
import layerBackwardSource from '../../shaders/layerBackward.wgsl?raw';
import layerForwardSource from '../../shaders/layerForward.wgsl?raw';
import layerStatsSource from '../../shaders/layerStats.wgsl?raw';
import readoutDeltaSource from '../../shaders/readoutDelta.wgsl?raw';
import type { Activation } from '../core/activations';
import { type InitConfig, validateInitConfig } from '../core/initConfig';
import { meanFieldTheory, momentScale, type TheoryLayer } from '../core/meanField';
import { Stream, type StreamTag, streamKey } from '../core/rng';
import { isUniformScheme, weightFactor } from '../core/schemes';
import {
  createLayerAccumulators,
  histogramRange,
  type InitStatsResult,
  type LayerAccumulators,
  type Quantity,
  summarize,
} from '../core/stats';
import {
  createStorageBuffer,
  dispatchSize2D,
  readBuffer,
  type UniformField,
  uniformFromFields,
  workgroupGrid,
} from './buffers';
import { isSoftwareDevice } from './device';
import { type InitPlan, planInitRun, RECORD_HEADER, WEIGHT_ROW_TILE } from './initPlan';
import { KernelTimer } from './kernelTimer';
import { type BatchTile, backwardTileSource, batchTileFor, forwardTileSource } from './layerTiles';
import { ACTIVATION_CODE, compileShader, composeShader, kernelPipeline } from './shaderSource';

const WORKGROUP_SIZE = 64;
/** Element pairs one initWeights invocation draws (PAIRS in shaders/initWeights.wgsl). */
const DRAW_PAIRS = 32;

export interface InitStatsProgress {
  done: number;
  total: number;
  /**
   * The summary over the inits done so far, computed when called (during the callback): it sorts
   * every layer's per-init values, so at large K a page should ask a few times a second, not per chunk.
   */
  partial: () => InitStatsResult;
}

export interface InitStatsRun {
  result: InitStatsResult;
  /** The raw f64 accumulators behind `result` (the CPU twin fills the same; tests compare them). */
  accumulators: LayerAccumulators[];
  timeMs: number;
  flops: number;
  initsPerChunk: number;
  /** GPU milliseconds per kernel, when the run was asked to time them (timeKernels). */
  kernelMs?: Record<string, number>;
}

export interface InitRunOptions {
  signal?: AbortSignal;
  onProgress?: (progress: InitStatsProgress) => void;
  /** Force a chunk size (tests check that results do not depend on it; the page uses small chunks for early partials). */
  initsPerChunk?: number;
  /** Force redrawing W in the backward pass instead of keeping it (tests: both paths give the same numbers). */
  redrawWeights?: boolean;
  /** Measure GPU time per kernel into `kernelMs` (timestamp queries: the device needs 'timestamp-query'). */
  timeKernels?: boolean;
  /**
   * meanFieldTheory(config), when the caller has it already: the page computes the slow one (constant
   * init, up to ~1 s at depth 200) in a worker. It sets the histogram ranges and the sum scales.
   */
  theory?: TheoryLayer[];
}

/** Forward + backward multiply-adds ×2: 2·B·n[l−1]·n[l] per layer each way (no backward below layer 1), times K. */
export function initStatsFlops(config: InitConfig): number {
  const widths = [config.inputWidth, ...Array<number>(config.depth).fill(config.width)];
  let perInit = 0;
  for (let l = 1; l <= config.depth; l++) {
    perInit += 2 * config.batch * widths[l - 1] * widths[l] * (l >= 2 ? 2 : 1);
  }
  return perInit * config.inits;
}

interface Pipelines {
  /** By draw kind (drawKind) and row layout: both are override constants of shaders/initWeights.wgsl. */
  initWeights: (kind: number, contiguousRows: boolean) => GPUComputePipeline;
  layerForward: GPUComputePipeline;
  layerBackward: GPUComputePipeline;
  readoutDelta: GPUComputePipeline;
  layerStats: GPUComputePipeline;
  dWNorm: GPUComputePipeline;
}

/** The draw kind of initWeights: 0 zeros, 1 constant, 2 normal, 3 uniform. */
const NORMAL_DRAW = 2;
function drawKind(config: InitConfig): number {
  if (config.scheme === 'zeros') return 0;
  if (config.scheme === 'constant') return 1;
  return isUniformScheme(config.scheme) ? 3 : 2;
}

/** Buffers of one chunk, reused while the shapes stay the same. */
interface ChunkBuffers {
  key: string;
  activations: GPUBuffer[]; // a[0..L]
  preActivations: GPUBuffer[]; // z[1..L] (index 0 unused)
  deltas: [GPUBuffer, GPUBuffer];
  /** W[l] of the chunk, index 1..L: one buffer per layer when cached, else all the same block buffer. */
  weights: GPUBuffer[];
  bias: GPUBuffer;
  /** (rows, cols) last drawn into each weight buffer: padding must be cleared when the shape changes. */
  drawnShape: Map<GPUBuffer, string>;
}

export class InitStatsEngine {
  /** Pipelines by activation and batch tile. */
  private readonly pipelines = new Map<string, Promise<Omit<Pipelines, 'initWeights'>>>();
  private readonly drawPipelines = new Map<string, Promise<GPUComputePipeline>>();
  private drawModule: Promise<GPUShaderModule> | undefined;
  private buffers: ChunkBuffers | undefined;
  /** Set during a run asked to time its kernels. */
  private timer: KernelTimer | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  /** Dispatch counts of the last run, by kernel (tests and the benchmark read them). */
  readonly dispatches: Record<keyof Pipelines, number> = {
    initWeights: 0,
    layerForward: 0,
    layerBackward: 0,
    readoutDelta: 0,
    layerStats: 0,
    dWNorm: 0,
  };

  private constructor(
    private readonly device: GPUDevice,
    private readonly memoryBudgetBytes: number,
    private readonly reductionLanes: number,
  ) {}

  /**
   * reductionLanes: the workgroup size of layerStats and dWNorm, 8 on a software adapter and 64 on
   * a GPU unless given (the tests run the GPU's value on the software adapter too).
   */
  static async create(
    device: GPUDevice,
    options: { memoryBudgetBytes?: number; reductionLanes?: number; compileDefaults?: boolean } = {},
  ): Promise<InitStatsEngine> {
    const budget =
      options.memoryBudgetBytes ?? Math.min(512 * 1024 * 1024, 4 * device.limits.maxStorageBufferBindingSize);
    const engine = new InitStatsEngine(device, budget, options.reductionLanes ?? (isSoftwareDevice(device) ? 8 : 64));
    // Compile the default configuration's kernels up front (an error shows at once, the first run is
    // quick), unless asked not to (tests of other configurations).
    if (options.compileDefaults ?? true) {
      const defaults = validateInitConfig({});
      await Promise.all([
        engine.pipelinesFor(defaults.activation, batchTileFor(defaults.batch)),
        engine.drawPipelinesFor(defaults),
      ]);
    }
    return engine;
  }

  /** Runs one configuration; runs queue behind each other (an aborted run stops at the next layer). */
  run(config: InitConfig, options: InitRunOptions = {}): Promise<InitStatsRun> {
    const current = this.queue.catch(() => undefined).then(() => this.execute(config, options));
    this.queue = current.catch(() => undefined);
    return current;
  }

  plan(config: InitConfig, initsPerChunk?: number, redrawWeights = false): InitPlan {
    const { limits } = this.device;
    return planInitRun(
      config,
      {
        maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
        maxBufferSize: limits.maxBufferSize,
        memoryBudgetBytes: this.memoryBudgetBytes,
        reductionLanes: this.reductionLanes,
      },
      initsPerChunk,
      redrawWeights,
    );
  }

  destroy(): void {
    this.releaseBuffers();
  }

  private pipelinesFor(activation: Activation, batchTile: BatchTile): Promise<Omit<Pipelines, 'initWeights'>> {
    const key = `${activation} ${batchTile}`;
    let pipelines = this.pipelines.get(key);
    if (!pipelines) {
      pipelines = this.buildPipelines(activation, batchTile);
      this.pipelines.set(key, pipelines);
    }
    return pipelines;
  }

  /** initWeights pipelines, by draw kind and row layout, built on first use (one module). */
  private drawPipeline(kind: number, contiguousRows: boolean): Promise<GPUComputePipeline> {
    const key = `${kind} ${contiguousRows}`;
    let pipeline = this.drawPipelines.get(key);
    if (!pipeline) {
      this.drawModule ??= compileShader(this.device, 'initWeights', composeShader(initWeightsSource, ['rng']));
      const constants = { WORKGROUP_SIZE, DRAW_KIND: kind, CONTIGUOUS_ROWS: contiguousRows ? 1 : 0 };
      const label = `initWeights pipeline (kind ${kind}${contiguousRows ? ', contiguous rows' : ''})`;
      pipeline = this.drawModule.then((module) => kernelPipeline(this.device, module, 'initWeights', constants, label));
      this.drawPipelines.set(key, pipeline);
    }
    return pipeline;
  }

  /** The draw pipelines a configuration uses: its weights' kind and the normal draws (x, b, g). */
  private async drawPipelinesFor(config: InitConfig): Promise<Pipelines['initWeights']> {
    const table = new Map<string, GPUComputePipeline>();
    const kinds = [...new Set([NORMAL_DRAW, drawKind(config)])];
    await Promise.all(
      kinds.flatMap((kind) =>
        [false, true].map(async (rows) => table.set(`${kind} ${rows}`, await this.drawPipeline(kind, rows))),
      ),
    );
    return (kind, contiguousRows) => {
      const pipeline = table.get(`${kind} ${contiguousRows}`);
      if (!pipeline) throw new Error(`no initWeights pipeline for draw kind ${kind}`);
      return pipeline;
    };
  }

  private async buildPipelines(activation: Activation, batchTile: BatchTile): Promise<Omit<Pipelines, 'initWeights'>> {
    const { device } = this;
    const constants = { ACTIVATION: ACTIVATION_CODE[activation] };
    const build = async (
      name: keyof Pipelines,
      source: string,
      snippets: ('rng' | 'activations')[],
      overrides: Record<string, number>,
    ) => {
      const module = await compileShader(device, name, composeShader(source, snippets));
      return kernelPipeline(device, module, name, overrides, `${name} pipeline (${activation})`);
    };
    const sized = { WORKGROUP_SIZE };
    const [layerForward, layerBackward, readoutDelta, layerStats, dWNorm] = await Promise.all([
      build('layerForward', `${layerForwardSource}\n${forwardTileSource(batchTile)}`, ['activations'], {
        ...sized,
        ...constants,
      }),
      build('layerBackward', `${layerBackwardSource}\n${backwardTileSource(batchTile)}`, ['activations'], {
        ...sized,
        ...constants,
      }),
      build('readoutDelta', readoutDeltaSource, ['activations'], { ...sized, ...constants }),
      build('layerStats', layerStatsSource, [], { WORKGROUP: this.reductionLanes }),
      build('dWNorm', dWNormSource, [], { WORKGROUP: this.reductionLanes }),
    ]);
    return { layerForward, layerBackward, readoutDelta, layerStats, dWNorm };
  }

  private chunkBuffers(plan: InitPlan): ChunkBuffers {
    const { device } = this;
    const Kc = plan.initsPerChunk;
    const Bp = plan.batchPadded;
    const key = JSON.stringify([Kc, Bp, plan.strides, plan.rowsPerBlock, plan.cacheWeights]);
    if (this.buffers?.key === key) return this.buffers;
    this.releaseBuffers();
    const maxStride = Math.max(...plan.strides);
    const weightFloats = Math.max(...plan.rowsPerBlock.map((rows, l) => (l === 0 ? 0 : rows * plan.strides[l - 1])));
    const layerBuffer = (name: string, l: number) =>
      createStorageBuffer(device, `${name}[${l}]`, Kc * Bp * plan.strides[l] * 4);
    this.buffers = {
      key,
      activations: plan.strides.map((_, l) => layerBuffer('a', l)),
      preActivations: plan.strides.map((_, l) =>
        l === 0 ? createStorageBuffer(device, 'z[0] (unused)', 16) : layerBuffer('z', l),
      ),
      deltas: [
        createStorageBuffer(device, 'delta A', Kc * Bp * maxStride * 4),
        createStorageBuffer(device, 'delta B', Kc * Bp * maxStride * 4),
      ],
      weights: plan.cacheWeights
        ? plan.rowsPerBlock.map((rows, l) =>
            createStorageBuffer(device, `W[${l}]`, l === 0 ? 16 : Kc * rows * plan.strides[l - 1] * 4),
          )
        : Array<GPUBuffer>(plan.strides.length).fill(
            createStorageBuffer(device, 'weight block', Kc * weightFloats * 4),
          ),
      drawnShape: new Map(),
      bias: createStorageBuffer(device, 'bias', Kc * maxStride * 4),
    };
    return this.buffers;
  }

  private releaseBuffers(): void {
    if (!this.buffers) return;
    const { activations, preActivations, deltas, weights, bias } = this.buffers;
    for (const buffer of new Set([...activations, ...preActivations, ...deltas, ...weights, bias])) buffer.destroy();
    this.buffers = undefined;
  }

  private async execute(rawConfig: InitConfig, options: InitRunOptions): Promise<InitStatsRun> {
    const start = performance.now();
    const config = validateInitConfig({ ...rawConfig });
    options.signal?.throwIfAborted();
    for (const name of Object.keys(this.dispatches) as (keyof Pipelines)[]) this.dispatches[name] = 0;
    const plan = this.plan(config, options.initsPerChunk, options.redrawWeights);
    const [kernels, initWeights] = await Promise.all([
      this.pipelinesFor(config.activation, plan.batchTile),
      this.drawPipelinesFor(config),
    ]);
    const pipelines: Pipelines = { ...kernels, initWeights };
    const buffers = this.chunkBuffers(plan);
    if (options.theory && options.theory.length !== config.depth) {
      throw new Error(`the theory given has ${options.theory.length} layers, the configuration ${config.depth}`);
    }
    const theory = options.theory ?? meanFieldTheory(config);
    const layers = Array.from({ length: config.depth }, () => createLayerAccumulators(config.bins, config.inits));
    const timer = options.timeKernels ? new KernelTimer(this.device) : undefined;
    this.timer = timer;
    try {
      for (let first = 0; first < config.inits; first += plan.initsPerChunk) {
        const count = Math.min(plan.initsPerChunk, config.inits - first);
        await this.runChunk(config, plan, theory, pipelines, buffers, first, count, layers, options.signal);
        await timer?.collect();
        const done = first + count;
        options.onProgress?.({ done, total: config.inits, partial: () => summarizeDone(config, theory, layers, done) });
      }
    } finally {
      this.timer = undefined;
    }
    return {
      kernelMs: timer?.totals,
      result: summarize(config, theory, layers),
      accumulators: layers,
      timeMs: performance.now() - start,
      flops: initStatsFlops(config),
      initsPerChunk: plan.initsPerChunk,
    };
  }

  private async runChunk(
    config: InitConfig,
    plan: InitPlan,
    theory: TheoryLayer[],
    pipelines: Pipelines,
    buffers: ChunkBuffers,
    firstInit: number,
    inits: number,
    layers: LayerAccumulators[],
    signal: AbortSignal | undefined,
  ): Promise<void> {
    const { device } = this;
    const L = config.depth;
    const B = config.batch;
    const { widths: n, strides: ld, batchPadded: Bp, rowsPerBlock, rowsPerSlice, slices, normGroupsPerInit } = plan;
    // Record layout: for each layer l (1..L) and quantity (z, a, δ), inits × slices[l] records.
    const recordStride = RECORD_HEADER + config.bins;
    const recordOffsets: Record<Quantity, number>[] = [];
    let records = 0;
    for (let l = 1; l <= L; l++) {
      const perQuantity = inits * slices[l];
      recordOffsets[l] = { z: records, a: records + perQuantity, delta: records + 2 * perQuantity };
      records += 3 * perQuantity;
    }
    const recordBuffer = createStorageBuffer(device, 'layerStats records', records * recordStride * 4);
    const normBuffer = createStorageBuffer(device, 'dWNorm partials', L * inits * normGroupsPerInit * 4);
    const transient: GPUBuffer[] = [];
    const uniform = (label: string, fields: readonly UniformField[]) => {
      const buffer = uniformFromFields(device, label, fields);
      transient.push(buffer);
      return buffer;
    };

    const scales = theory.map((layer) => ({
      z: momentScale(layer.zMeanSquare),
      a: momentScale(layer.aMeanSquare),
      delta: momentScale(layer.deltaMeanSquare),
    }));
    const aScale = (l: number) => (l === 0 ? 1 : scales[l - 1].a);

    const draw = (
      encoder: GPUCommandEncoder,
      target: GPUBuffer,
      tag: StreamTag,
      layer: number,
      rows: number,
      cols: number,
      rowOffset: number,
      stride: number,
      rowsPadded: number,
      kind: number,
      factor: number,
    ) => {
      const first = rowOffset * cols;
      const last = first + rows * cols;
      const pairs = ((last - 1) >> 1) - (first >> 1) + 1;
      const dispatch = dispatchSize2D(device, Math.ceil(pairs / DRAW_PAIRS) * inits, WORKGROUP_SIZE);
      const params = uniform('initWeights params', [
        ['u32', config.seed],
        ['u32', streamKey(tag, layer)],
        ['u32', firstInit],
        ['u32', inits],
        ['u32', rows],
        ['u32', cols],
        ['u32', rowOffset],
        ['u32', stride],
        ['u32', rowsPadded],
        ['f32', factor],
        ['u32', dispatch.rowStride],
      ]);
      const contiguousRows = stride === cols && cols % 16 === 0; // the kernel relies on both (see CONTIGUOUS_ROWS)
      this.dispatch(encoder, pipelines.initWeights(kind, contiguousRows), 'initWeights', [params, target], dispatch);
    };

    const stats = (encoder: GPUCommandEncoder, values: GPUBuffer, l: number, quantity: Quantity, symmetry: boolean) => {
      const range = histogramRange(config, theory, l, quantity);
      const binScale = config.bins / (range.hi - range.lo);
      const binOffset = -range.lo * binScale;
      // The range goes in scaled units (see shaders/layerStats.wgsl): a vanishing layer's range, and
      // bins / (hi − lo), can leave f32 otherwise. s is a power of two, so the bins are unchanged.
      const s = 1 / scales[l - 1][quantity];
      const groups = inits * slices[l];
      const grid = workgroupGrid(device, groups);
      const params = uniform('layerStats params', [
        ['u32', inits],
        ['u32', B],
        ['u32', Bp],
        ['u32', n[l]],
        ['u32', ld[l]],
        ['u32', slices[l]],
        ['u32', rowsPerSlice[l]],
        ['u32', config.bins],
        ['f32', s],
        ['f32', range.lo * s],
        ['f32', range.hi * s],
        ['f32', binScale / s],
        ['f32', Math.floor(binOffset)],
        ['f32', binOffset - Math.floor(binOffset)],
        ['u32', symmetry ? 1 : 0],
        ['u32', grid.x],
        ['u32', recordOffsets[l][quantity]],
      ]);
      this.dispatch(encoder, pipelines.layerStats, 'layerStats', [params, values, recordBuffer], grid);
    };

    const weightNorm = (encoder: GPUCommandEncoder, delta: GPUBuffer, l: number) => {
      const grid = workgroupGrid(device, inits * normGroupsPerInit);
      const params = uniform('dWNorm params', [
        ['u32', inits],
        ['u32', B],
        ['u32', Bp],
        ['u32', ld[l] / 4],
        ['u32', ld[l - 1] / 4],
        ['u32', normGroupsPerInit],
        ['f32', 1 / scales[l - 1].delta],
        ['f32', 1 / aScale(l - 1)],
        ['u32', grid.x],
        ['u32', (l - 1) * inits * normGroupsPerInit],
      ]);
      this.dispatch(encoder, pipelines.dWNorm, 'dWNorm', [params, delta, buffers.activations[l - 1], normBuffer], grid);
    };

    const kind = drawKind(config);
    const drawWeightBlock = (encoder: GPUCommandEncoder, l: number, rowOffset: number, rows: number) => {
      const target = buffers.weights[l];
      const shape = `${rows}×${n[l - 1]}`;
      if (buffers.drawnShape.get(target) !== shape) {
        encoder.clearBuffer(target); // padding rows and columns must be 0
        buffers.drawnShape.set(target, shape);
      }
      const factor = weightFactor(config.scheme, config.scale, n[l - 1], n[l]);
      draw(encoder, target, Stream.weights, l, rows, n[l - 1], rowOffset, ld[l - 1], rowsPerBlock[l], kind, factor);
    };
    const blocks = (l: number) => {
      const list: { rowOffset: number; rows: number }[] = [];
      for (let rowOffset = 0; rowOffset < n[l]; rowOffset += rowsPerBlock[l]) {
        list.push({ rowOffset, rows: Math.min(rowsPerBlock[l], n[l] - rowOffset) });
      }
      return list;
    };

    // At most two layers in flight: the GPU never waits for the CPU to encode, and an abort takes
    // effect after the layer now running (a superseded run stops promptly).
    let inFlight: Promise<void> = Promise.resolve();
    const submit = async (encoder: GPUCommandEncoder) => {
      device.queue.submit([encoder.finish()]);
      const previous = inFlight;
      inFlight = device.queue.onSubmittedWorkDone();
      await previous;
      signal?.throwIfAborted();
    };

    try {
      // Inputs x = a[0].
      let encoder = device.createCommandEncoder({ label: 'inputs' });
      encoder.clearBuffer(buffers.activations[0]);
      draw(encoder, buffers.activations[0], Stream.inputs, 0, B, n[0], 0, ld[0], Bp, NORMAL_DRAW, 1);
      await submit(encoder);

      for (let l = 1; l <= L; l++) {
        encoder = device.createCommandEncoder({ label: `forward ${l}` });
        encoder.clearBuffer(buffers.bias);
        if (config.biasStd > 0) {
          draw(encoder, buffers.bias, Stream.biases, l, 1, n[l], 0, ld[l], 1, NORMAL_DRAW, config.biasStd);
        }
        for (const block of blocks(l)) {
          drawWeightBlock(encoder, l, block.rowOffset, block.rows);
          const rowsPadded = rowsPerBlock[l];
          const dispatch = dispatchSize2D(
            device,
            inits * (Bp / plan.batchTile) * (rowsPadded / WEIGHT_ROW_TILE),
            WORKGROUP_SIZE,
          );
          const params = uniform('layerForward params', [
            ['u32', inits],
            ['u32', B],
            ['u32', Bp],
            ['u32', n[l - 1]],
            ['u32', ld[l - 1]],
            ['u32', n[l]],
            ['u32', ld[l]],
            ['u32', block.rowOffset],
            ['u32', rowsPadded],
            ['u32', dispatch.rowStride],
          ]);
          this.dispatch(
            encoder,
            pipelines.layerForward,
            'layerForward',
            [
              params,
              buffers.activations[l - 1],
              buffers.weights[l],
              buffers.bias,
              buffers.preActivations[l],
              buffers.activations[l],
            ],
            dispatch,
          );
        }
        stats(encoder, buffers.preActivations[l], l, 'z', true);
        stats(encoder, buffers.activations[l], l, 'a', false);
        await submit(encoder);
      }

      // δ[L] = g ⊙ φ'(z[L]).
      let [deltaAbove, deltaBelow] = buffers.deltas;
      encoder = device.createCommandEncoder({ label: 'readout' });
      encoder.clearBuffer(deltaAbove);
      draw(encoder, deltaAbove, Stream.readout, L, B, n[L], 0, ld[L], Bp, NORMAL_DRAW, 1);
      const vec4s = (inits * Bp * ld[L]) / 4;
      const readoutDispatch = dispatchSize2D(device, vec4s, WORKGROUP_SIZE);
      const readoutParams = uniform('readoutDelta params', [
        ['u32', vec4s],
        ['u32', readoutDispatch.rowStride],
      ]);
      this.dispatch(
        encoder,
        pipelines.readoutDelta,
        'readoutDelta',
        [readoutParams, buffers.preActivations[L], deltaAbove],
        readoutDispatch,
      );
      stats(encoder, deltaAbove, L, 'delta', true);
      weightNorm(encoder, deltaAbove, L);
      await submit(encoder);

      for (let l = L; l >= 2; l--) {
        encoder = device.createCommandEncoder({ label: `backward ${l}` });
        const layerBlocks = blocks(l);
        layerBlocks.forEach((block, index) => {
          if (!plan.cacheWeights) drawWeightBlock(encoder, l, block.rowOffset, block.rows);
          const dispatch = dispatchSize2D(
            device,
            inits * (Bp / plan.batchTile) * (ld[l - 1] / WEIGHT_ROW_TILE),
            WORKGROUP_SIZE,
          );
          const params = uniform('layerBackward params', [
            ['u32', inits],
            ['u32', B],
            ['u32', Bp],
            ['u32', n[l - 1]],
            ['u32', ld[l - 1]],
            ['u32', ld[l]],
            ['u32', block.rowOffset],
            ['u32', rowsPerBlock[l]],
            ['u32', index > 0 ? 1 : 0],
            ['u32', index === layerBlocks.length - 1 ? 1 : 0],
            ['u32', dispatch.rowStride],
          ]);
          this.dispatch(
            encoder,
            pipelines.layerBackward,
            'layerBackward',
            [params, deltaAbove, buffers.weights[l], buffers.preActivations[l - 1], deltaBelow],
            dispatch,
          );
        });
        stats(encoder, deltaBelow, l - 1, 'delta', true);
        weightNorm(encoder, deltaBelow, l - 1);
        await submit(encoder);
        [deltaAbove, deltaBelow] = [deltaBelow, deltaAbove];
      }

      const [recordBytes, normBytes] = await Promise.all([
        readBuffer(device, recordBuffer),
        readBuffer(device, normBuffer),
      ]);
      combineRecords(config, layers, recordOffsets, slices, new Uint32Array(recordBytes), scales, firstInit, inits);
      combineNorms(config, normGroupsPerInit, layers, new Float32Array(normBytes), scales, aScale, firstInit, inits);
    } finally {
      recordBuffer.destroy();
      normBuffer.destroy();
      for (const buffer of transient) buffer.destroy();
    }
  }

  /**
   * The benchmark's baseline: the same layerForward kernel as a plain batched matmul + φ with the
   * weights already in memory (drawn once, not per use), over `layers` layers of the config's shape
   * for one chunk of inits. Returns the fastest wall time of `repeats` runs in ms and the flops of one.
   */
  async timePlainForward(
    rawConfig: InitConfig,
    repeats: number,
  ): Promise<{ ms: number; flops: number; inits: number }> {
    const config = validateInitConfig({ ...rawConfig, inputWidth: rawConfig.width });
    const { device } = this;
    const plan = this.plan(config);
    const [kernels, initWeights] = await Promise.all([
      this.pipelinesFor(config.activation, plan.batchTile),
      this.drawPipelinesFor(config),
    ]);
    const pipelines: Pipelines = { ...kernels, initWeights };
    const buffers = this.chunkBuffers(plan);
    const inits = plan.initsPerChunk;
    const { batchPadded: Bp, strides: ld } = plan;
    const n = config.width;
    const rows = plan.rowsPerBlock[1];
    if (rows < n) throw new Error('timePlainForward needs W of one layer to fit a binding');
    const transient: GPUBuffer[] = [];
    const params = (fields: readonly UniformField[]) => {
      const buffer = uniformFromFields(device, 'plain params', fields);
      transient.push(buffer);
      return buffer;
    };
    // Draw x and one W once; then every layer multiplies by that same W from memory.
    let encoder = device.createCommandEncoder({ label: 'plain setup' });
    for (const target of [buffers.activations[0], buffers.weights[1]]) {
      encoder.clearBuffer(target);
      buffers.drawnShape.delete(target);
    }
    const drawOnce = (target: GPUBuffer, tag: StreamTag, rows: number, rowsPadded: number) => {
      const pairs = Math.ceil((rows * n) / 2);
      const dispatch = dispatchSize2D(device, Math.ceil(pairs / DRAW_PAIRS) * inits, WORKGROUP_SIZE);
      const drawParams = params([
        ['u32', config.seed],
        ['u32', streamKey(tag, 1)],
        ['u32', 0],
        ['u32', inits],
        ['u32', rows],
        ['u32', n],
        ['u32', 0],
        ['u32', ld[1]],
        ['u32', rowsPadded],
        ['f32', 1 / Math.sqrt(n)],
        ['u32', dispatch.rowStride],
      ]);
      this.dispatch(
        encoder,
        pipelines.initWeights(NORMAL_DRAW, ld[1] === n && n % 16 === 0),
        'initWeights',
        [drawParams, target],
        dispatch,
      );
    };
    drawOnce(buffers.activations[0], Stream.inputs, config.batch, Bp);
    drawOnce(buffers.weights[1], Stream.weights, n, rows);
    device.queue.submit([encoder.finish()]);
    await device.queue.onSubmittedWorkDone();
    const dispatch = dispatchSize2D(device, inits * (Bp / plan.batchTile) * (rows / WEIGHT_ROW_TILE), WORKGROUP_SIZE);
    const layerParams = params([
      ['u32', inits],
      ['u32', config.batch],
      ['u32', Bp],
      ['u32', n],
      ['u32', ld[1]],
      ['u32', n],
      ['u32', ld[1]],
      ['u32', 0],
      ['u32', rows],
      ['u32', dispatch.rowStride],
    ]);
    const runOnce = async () => {
      encoder = device.createCommandEncoder({ label: 'plain forward' });
      for (let l = 1; l <= config.depth; l++) {
        const below = buffers.activations[(l - 1) % 2 === 0 ? 0 : 1];
        const above = buffers.activations[(l - 1) % 2 === 0 ? 1 : 0];
        this.dispatch(
          encoder,
          pipelines.layerForward,
          'layerForward',
          [layerParams, below, buffers.weights[1], buffers.bias, buffers.preActivations[1], above],
          dispatch,
        );
      }
      device.queue.submit([encoder.finish()]);
      await device.queue.onSubmittedWorkDone();
    };
    try {
      await runOnce();
      const times: number[] = [];
      for (let i = 0; i < repeats; i++) {
        const start = performance.now();
        await runOnce();
        times.push(performance.now() - start);
      }
      return { ms: Math.min(...times), flops: 2 * config.batch * n * n * inits * config.depth, inits };
    } finally {
      for (const buffer of transient) buffer.destroy();
    }
  }

  /** One dispatch in a compute pass of its own (stamped when the run is timed per kernel). */
  private dispatch(
    encoder: GPUCommandEncoder,
    pipeline: GPUComputePipeline,
    name: keyof Pipelines,
    resources: GPUBuffer[],
    size: { x: number; y: number },
  ): void {
    const bindGroup = this.device.createBindGroup({
      label: `${name} bind group`,
      layout: pipeline.getBindGroupLayout(0),
      entries: resources.map((buffer, binding) => ({ binding, resource: { buffer } })),
    });
    const timed = this.timer?.beginPass(encoder, name, `${name} pass`);
    const pass = timed?.pass ?? encoder.beginComputePass({ label: `${name} pass` });
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(size.x, size.y);
    if (timed) timed.end();
    else pass.end();
    this.dispatches[name]++;
  }
}

/** Adds the layerStats records of one chunk into the f64 accumulators, undoing the moment scales. */
function combineRecords(
  config: InitConfig,
  layers: LayerAccumulators[],
  recordOffsets: Record<Quantity, number>[],
  slices: number[],
  words: Uint32Array,
  scales: Record<Quantity, number>[],
  firstInit: number,
  inits: number,
): void {
  const floats = new Float32Array(words.buffer, words.byteOffset, words.length);
  const stride = RECORD_HEADER + config.bins;
  for (let l = 1; l <= config.depth; l++) {
    const layer = layers[l - 1];
    for (const quantity of ['z', 'a', 'delta'] as const) {
      const acc = layer[quantity];
      const scale = scales[l - 1][quantity];
      for (let kc = 0; kc < inits; kc++) {
        for (let slice = 0; slice < slices[l]; slice++) {
          const at = (recordOffsets[l][quantity] + kc * slices[l] + slice) * stride;
          const count = words[at];
          const sum = floats[at + 6] * scale;
          const sumSquares = floats[at + 7] * scale * scale;
          acc.count += count;
          acc.nan += words[at + 1];
          acc.posInf += words[at + 2];
          acc.negInf += words[at + 3];
          acc.underflow += words[at + 4];
          acc.overflow += words[at + 5];
          acc.sum += sum;
          acc.sumSquares += sumSquares;
          acc.initCount[firstInit + kc] += count;
          acc.initSum[firstInit + kc] += sum;
          acc.initSumSquares[firstInit + kc] += sumSquares;
          if (quantity !== 'a') layer.symmetry = Math.max(layer.symmetry, floats[at + 8]);
          for (let bin = 0; bin < config.bins; bin++) acc.histogram[bin] += words[at + RECORD_HEADER + bin];
        }
      }
    }
  }
}

function combineNorms(
  config: InitConfig,
  groupsPerInit: number,
  layers: LayerAccumulators[],
  partials: Float32Array,
  scales: Record<Quantity, number>[],
  aScale: (l: number) => number,
  firstInit: number,
  inits: number,
): void {
  const B = config.batch;
  for (let l = 1; l <= config.depth; l++) {
    const undo = (scales[l - 1].delta * aScale(l - 1)) ** 2 / (B * B);
    for (let kc = 0; kc < inits; kc++) {
      let total = 0;
      for (let group = 0; group < groupsPerInit; group++)
        total += partials[((l - 1) * inits + kc) * groupsPerInit + group];
      layers[l - 1].dWNormSquared[firstInit + kc] = total * undo;
    }
  }
}

/** The summary over the first `done` inits (what a progress callback shows). */
function summarizeDone(
  config: InitConfig,
  theory: TheoryLayer[],
  layers: LayerAccumulators[],
  done: number,
): InitStatsResult {
  if (done === config.inits) return summarize(config, theory, layers);
  const partialLayers = layers.map((layer) => ({
    ...layer,
    z: trimInits(layer.z, done),
    a: trimInits(layer.a, done),
    delta: trimInits(layer.delta, done),
    dWNormSquared: layer.dWNormSquared.subarray(0, done),
  }));
  return summarize({ ...config, inits: done }, theory, partialLayers);
}

function trimInits<T extends { initCount: Float64Array; initSum: Float64Array; initSumSquares: Float64Array }>(
  acc: T,
  done: number,
): T {
  return {
    ...acc,
    initCount: acc.initCount.subarray(0, done),
    initSum: acc.initSum.subarray(0, done),
    initSumSquares: acc.initSumSquares.subarray(0, done),
  };
}
