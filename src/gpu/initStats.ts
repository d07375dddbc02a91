// GPU runner of the initialization engine; CPU twin: src/core/initStats.ts (initStatsAccumulators).
// K inits run in chunks (src/gpu/initPlan.ts cuts them to fit the device); each chunk goes through
// the six kernels layer by layer (src/gpu/initChunk.ts). Weights are never stored for all K inits:
// they are a pure function of (seed, k, layer, row, column) and are drawn again where needed.
// Partials come back per chunk and are combined in f64 into the same accumulators the CPU twin fills.
import type { Activation } from '../core/activations';
import { type InitConfig, type KernelFamily, validateInitConfig } from '../core/initConfig';
import { meanFieldTheory, type TheoryLayer } from '../core/meanField';
import { type WeightDraw, weightDraw } from '../core/schemes';
import {
  createLayerAccumulators,
  type InitStatsResult,
  type LayerAccumulators,
  summarize,
  summarizeFirst,
} from '../core/stats';
import { isSoftwareDevice } from './device';
import { type CaughtGpuError, describeGpuError, ErrorWatch, GpuRunError } from './gpuErrors';
import { type ChunkBuffers, chunkBuffersKey, createChunkBuffers, destroyChunkBuffers } from './initBuffers';
import { ChunkRun, type ChunkSetup } from './initChunk';
import { INIT_KERNELS, InitDispatcher, type InitKernel, type InitPipelines, initPipelines } from './initKernels';
import {
  chunkFailureMessage,
  type InitChunkSize,
  type InitPlan,
  largestChunkBuffer,
  nextInitChunk,
  planInitRun,
} from './initPlan';
import { type MomentScales, momentScales } from './initRecords';
import { KernelTimer } from './kernelTimer';
import { type BatchTile, batchTileFor } from './layerTiles';
import { nextChunkSize, submitBudgetMs } from './submitBudget';

const MIB = 1024 * 1024;

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
  /** The most inits one chunk held (the time budget can make chunks smaller than the plan's). */
  initsPerChunk: number;
  /** Chunks and submissions the run took (absent where no GPU ran it). */
  chunks?: number;
  submissions?: number;
  /** GPU milliseconds per kernel, when the run was asked to time them (timeKernels). */
  kernelMs?: Record<string, number>;
}

export interface InitRunOptions {
  signal?: AbortSignal;
  onProgress?: (progress: InitStatsProgress) => void;
  /**
   * Force a chunk size, at most (tests check that results do not depend on it; the page uses small
   * chunks for early partials). After the first chunk the time budget may make chunks smaller.
   */
  initsPerChunk?: number;
  /**
   * The share of the run's work done (0–1), after each layer of each chunk: finer than onProgress's
   * whole chunks, for a time-left estimate (a chunk of a deep net is many submissions).
   */
  onWork?: (fraction: number) => void;
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

/**
 * Work of one init's heaviest layer, in multiply-add-like units: n[l−1]·n[l]·(2B + DRAW_WORK), as
 * layerForward multiplies every weight into B rows and initWeights draws it first (a Threefry pair
 * plus Box–Muller costs about 32 such units on SwiftShader: 44% of a forward layer at batch 16).
 */
const DRAW_WORK = 32;
/**
 * Milliseconds per unit of work assumed before an engine has measured its device: about the software
 * adapter's rate (2e9 units/s on two cores), so a first chunk never runs long anywhere, and on a GPU it
 * grows to the memory plan within a few chunks (CHUNK_GROWTH each).
 */
const ASSUMED_MS_PER_WORK = 1e-6;
export function heaviestLayerWork(config: InitConfig): number {
  const widths = [config.inputWidth, ...Array<number>(config.depth).fill(config.width)];
  let heaviest = 0;
  for (let l = 1; l <= config.depth; l++) heaviest = Math.max(heaviest, widths[l - 1] * widths[l]);
  return heaviest * (2 * config.batch + DRAW_WORK);
}

/** The draws initWeights does for a configuration: normal ones for x, b and g, and its scheme's. */
export function initDraws(config: InitConfig): WeightDraw[] {
  return [...new Set<WeightDraw>(['normal', weightDraw(config.scheme)])];
}

export interface InitEngineOptions {
  /**
   * Bytes one chunk may hold at most, whatever a configuration's gpuMemory cap says (default: no bound beyond
   * the cap and the adapter's limits); lowered after a failed allocation.
   */
  memoryBudgetBytes?: number;
  reductionLanes?: number;
  compileDefaults?: boolean;
  /** GPU milliseconds one submission may take (default: submitBudgetMs of the adapter's kind). */
  submitBudgetMs?: number;
}

export class InitStatsEngine {
  private buffers: ChunkBuffers | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  /** Milliseconds per unit of heaviestLayerWork, measured by the last chunk: sizes a run's first chunk. */
  private msPerWork: number | undefined;
  /** The largest buffer the planner may ask for, below the limits once an allocation has failed. */
  private bufferCapBytes = Infinity;
  /** Dispatch counts of the last run, by kernel (tests and the benchmark read them). */
  readonly dispatches = Object.fromEntries(INIT_KERNELS.map((kernel) => [kernel, 0])) as Record<InitKernel, number>;

  private constructor(
    private readonly device: GPUDevice,
    private memoryBudgetBytes: number,
    /** The workgroup size of layerStats and dWNorm. */
    readonly reductionLanes: number,
    /** GPU milliseconds one submission may take. */
    readonly submitBudgetMs: number,
    /** A software adapter: `kernels: 'auto'` picks the software family there, the hardware family elsewhere. */
    private readonly software: boolean,
  ) {}

  /**
   * reductionLanes: the workgroup size of layerStats and dWNorm, 8 on a software adapter and 64 on
   * a GPU unless given (the tests run the GPU's value on the software adapter too).
   */
  static async create(device: GPUDevice, options: InitEngineOptions = {}): Promise<InitStatsEngine> {
    const budget = options.memoryBudgetBytes ?? Infinity;
    const software = isSoftwareDevice(device);
    const engine = new InitStatsEngine(
      device,
      budget,
      options.reductionLanes ?? (software ? 8 : 64),
      options.submitBudgetMs ?? submitBudgetMs(software),
      software,
    );
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

  /** The plan of a run; fusedWeights (W drawn inside the layer kernels) by default with the hardware family. */
  plan(
    config: InitConfig,
    initsPerChunk?: number,
    redrawWeights = false,
    fusedWeights = this.kernelFamily(config) === 'hardware',
  ): InitPlan {
    const { limits } = this.device;
    return planInitRun(
      config,
      {
        maxStorageBufferBindingSize: Math.min(limits.maxStorageBufferBindingSize, this.bufferCapBytes),
        maxBufferSize: limits.maxBufferSize,
        memoryBudgetBytes: Math.min(this.memoryBudgetBytes, config.gpuMemory * MIB),
        reductionLanes: this.reductionLanes,
      },
      initsPerChunk,
      redrawWeights,
      fusedWeights,
    );
  }

  /** The kernel family a configuration runs: its `kernels`, or by the adapter for `auto`. */
  kernelFamily(config: Pick<InitConfig, 'kernels'>): KernelFamily {
    if (config.kernels !== 'auto') return config.kernels;
    return this.software ? 'software' : 'hardware';
  }

  /** The pipelines of a configuration's kernels (built once per device and kept). */
  pipelinesFor(
    config: InitConfig & { activation: Activation },
    batchTile: BatchTile,
    fusedWeights = true,
  ): Promise<InitPipelines> {
    return initPipelines(this.device, {
      activation: config.activation,
      batchTile,
      family: this.kernelFamily(config),
      fusedWeights,
      weightDraw: weightDraw(config.scheme),
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
    if (options.theory && options.theory.length !== config.depth) {
      throw new Error(`the theory given has ${options.theory.length} layers, the configuration ${config.depth}`);
    }
    const pipelines = await this.pipelinesFor(config, plan.batchTile);
    const theory = options.theory ?? meanFieldTheory(config);
    const watch = new ErrorWatch(this.device);
    // One timer per timed run: one query set for all its passes, freed when the run ends.
    const timer = options.timeKernels ? new KernelTimer(this.device) : undefined;
    try {
      const run = { config, plan, pipelines, theory, scales: momentScales(theory), timer };
      return await this.runChunks(run, options, watch, start);
    } catch (error) {
      // A GPU error caught on the way is the failure, whatever it made fail after it.
      const caught = error instanceof GpuRunError ? error.gpuError : await watch.check();
      if (caught) throw this.allocationFailure(config, plan, caught);
      throw error;
    } finally {
      timer?.destroy();
    }
  }

  /** The chunks of a run, each sized by the last one's time; every allocation and the first chunk watched. */
  private async runChunks(
    run: {
      config: InitConfig;
      plan: InitPlan;
      pipelines: InitPipelines;
      theory: TheoryLayer[];
      scales: MomentScales;
      timer?: KernelTimer;
    },
    options: InitRunOptions,
    watch: ErrorWatch,
    start: number,
  ): Promise<InitStatsRun> {
    const { config, plan, pipelines, theory, scales, timer } = run;
    const buffers = watch.guard(() => this.chunkBuffers(plan));
    const layers = Array.from({ length: config.depth }, () => createLayerAccumulators(config.bins, config.inits));
    const dispatcher = new InitDispatcher(this.device, pipelines, this.dispatches, timer);
    // The first chunk: what the budget allows at the time the last run measured (or an assumed slow rate).
    const estimate = (this.msPerWork ?? ASSUMED_MS_PER_WORK) * heaviestLayerWork(config);
    let size: InitChunkSize = {
      inits: nextChunkSize(estimate, this.submitBudgetMs, plan.initsPerChunk),
      blocksPerSubmission: Infinity,
    };
    let chunks = 0;
    let submissions = 0;
    let largest = 0;
    for (let firstInit = 0; firstInit < config.inits; ) {
      const inits = Math.min(size.inits, config.inits - firstInit);
      const setup: ChunkSetup = { config, plan, theory, scales, buffers, dispatcher, firstInit, inits };
      const chunk = watch.guard(() => new ChunkRun(this.device, setup));
      const control = {
        blocksPerSubmission: size.blocksPerSubmission,
        watch,
        watchSubmissions: chunks === 0,
        beforeRead: () => watch.throwIfCaught(),
        onStep: (stepsDone: number, steps: number) =>
          options.onWork?.((firstInit + (inits * stepsDone) / steps) / config.inits),
      };
      const timing = await chunk.run(layers, options.signal, control);
      await timer?.collect();
      await watch.throwIfCaught();
      chunks++;
      submissions += timing.submissions;
      largest = Math.max(largest, inits);
      if (timing.msPerInit > 0) this.msPerWork = timing.msPerInit / heaviestLayerWork(config);
      size = nextInitChunk(timing, this.submitBudgetMs, plan, size);
      firstInit += inits;
      const done = firstInit;
      options.onProgress?.({ done, total: config.inits, partial: () => summarizeFirst(config, theory, layers, done) });
    }
    return {
      kernelMs: timer?.totals,
      result: summarize(config, theory, layers),
      accumulators: layers,
      timeMs: performance.now() - start,
      flops: initStatsFlops(config),
      initsPerChunk: largest,
      chunks,
      submissions,
    };
  }

  /**
   * A run's buffers could not be allocated: they are freed, the memory budget drops to half of what
   * the chunk needed and the largest buffer to half of its largest (the next run plans smaller chunks),
   * and the error says what did not fit and what does.
   */
  private allocationFailure(config: InitConfig, plan: InitPlan, caught: CaughtGpuError): GpuRunError {
    this.releaseBuffers();
    this.memoryBudgetBytes = Math.min(this.memoryBudgetBytes, Math.floor(plan.bytesPerChunk / 2)); // below any cap
    this.bufferCapBytes = Math.min(this.bufferCapBytes, Math.floor(largestChunkBuffer(config, plan) / 2));
    let smaller: InitPlan | undefined;
    try {
      smaller = this.plan(config, undefined, !plan.cacheWeights);
    } catch (error) {
      if (!(error instanceof Error && error.name === 'ConfigError')) throw error;
    }
    return new GpuRunError(chunkFailureMessage(config, plan, smaller, describeGpuError(caught)), caught);
  }
}
