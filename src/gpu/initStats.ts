// GPU runner of the initialization engine; CPU twin: src/core/initStats.ts (initStatsAccumulators).
// K inits run in chunks (src/gpu/initPlan.ts cuts them to fit the device); each chunk goes through
// the six kernels layer by layer (src/gpu/initChunk.ts). Weights are never stored for all K inits:
// they are a pure function of (seed, k, layer, row, column) and are drawn again where needed.
// Partials come back per chunk and are combined in f64 into the same accumulators the CPU twin fills.
import type { Activation } from '../core/activations';
import { type InitConfig, validateInitConfig } from '../core/initConfig';
import { meanFieldTheory, type TheoryLayer } from '../core/meanField';
import { type WeightDraw, weightDraw } from '../core/schemes';
import { createLayerAccumulators, type InitStatsResult, type LayerAccumulators, summarize } from '../core/stats';
import { isSoftwareDevice } from './device';
import { type ChunkBuffers, chunkBuffersKey, createChunkBuffers, destroyChunkBuffers } from './initBuffers';
import { ChunkRun } from './initChunk';
import { INIT_KERNELS, InitDispatcher, type InitKernel, type InitPipelines, initPipelines } from './initKernels';
import { type InitPlan, planInitRun } from './initPlan';
import { momentScales } from './initRecords';
import { KernelTimer } from './kernelTimer';
import { type BatchTile, batchTileFor } from './layerTiles';

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
  /**
   * Force a chunk size (tests check that results do not depend on it; the page uses small chunks for
   * early partials).
   */
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

/** The draws initWeights does for a configuration: normal ones for x, b and g, and its scheme's. */
export function initDraws(config: InitConfig): WeightDraw[] {
  return [...new Set<WeightDraw>(['normal', weightDraw(config.scheme)])];
}

export class InitStatsEngine {
  private buffers: ChunkBuffers | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  /** Dispatch counts of the last run, by kernel (tests and the benchmark read them). */
  readonly dispatches = Object.fromEntries(INIT_KERNELS.map((kernel) => [kernel, 0])) as Record<InitKernel, number>;

  private constructor(
    private readonly device: GPUDevice,
    private readonly memoryBudgetBytes: number,
    /** The workgroup size of layerStats and dWNorm. */
    readonly reductionLanes: number,
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
      await engine.pipelinesFor(defaults, batchTileFor(defaults.batch));
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

  /** The pipelines of a configuration's kernels (built once per device and kept). */
  pipelinesFor(config: InitConfig & { activation: Activation }, batchTile: BatchTile): Promise<InitPipelines> {
    return initPipelines(this.device, {
      activation: config.activation,
      batchTile,
      reductionLanes: this.reductionLanes,
      draws: initDraws(config),
    });
  }

  destroy(): void {
    this.releaseBuffers();
  }

  private chunkBuffers(plan: InitPlan): ChunkBuffers {
    if (this.buffers?.key === chunkBuffersKey(plan)) return this.buffers;
    this.releaseBuffers();
    this.buffers = createChunkBuffers(this.device, plan);
    return this.buffers;
  }

  private releaseBuffers(): void {
    if (this.buffers) destroyChunkBuffers(this.buffers);
    this.buffers = undefined;
  }

  private async execute(rawConfig: InitConfig, options: InitRunOptions): Promise<InitStatsRun> {
    const start = performance.now();
    const config = validateInitConfig({ ...rawConfig });
    options.signal?.throwIfAborted();
    for (const kernel of INIT_KERNELS) this.dispatches[kernel] = 0;
    const plan = this.plan(config, options.initsPerChunk, options.redrawWeights);
    const pipelines = await this.pipelinesFor(config, plan.batchTile);
    const buffers = this.chunkBuffers(plan);
    if (options.theory && options.theory.length !== config.depth) {
      throw new Error(`the theory given has ${options.theory.length} layers, the configuration ${config.depth}`);
    }
    const theory = options.theory ?? meanFieldTheory(config);
    const scales = momentScales(theory);
    const layers = Array.from({ length: config.depth }, () => createLayerAccumulators(config.bins, config.inits));
    const timer = options.timeKernels ? new KernelTimer(this.device) : undefined;
    const dispatcher = new InitDispatcher(this.device, pipelines, this.dispatches, timer);
    for (let firstInit = 0; firstInit < config.inits; firstInit += plan.initsPerChunk) {
      const inits = Math.min(plan.initsPerChunk, config.inits - firstInit);
      const setup = { config, plan, theory, scales, buffers, dispatcher, firstInit, inits };
      await new ChunkRun(this.device, setup).run(layers, options.signal);
      await timer?.collect();
      const done = firstInit + inits;
      options.onProgress?.({ done, total: config.inits, partial: () => summarizeDone(config, theory, layers, done) });
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
