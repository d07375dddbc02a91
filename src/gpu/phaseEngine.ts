// GPU runner of the phase-diagram measurement; CPU twin: phaseRecordsCpu in src/core/phase.ts.
// Every cell and copy of the grid runs in the same dispatches: an init kc = cellInChunk · copies +
// copyInChunk takes σ_w/√n and σ_b from its cell (a small buffer of cell scales) and the standard-normal
// W[l], b[l], x and g of its copy, drawn once per layer for all cells (common random numbers: the draws
// of copy k are the CPU twin's, bit for bit, from the same Threefry streams). Per chunk: x, g (inputs
// step), layers 1…L going up (draw W[l], b[l]; phaseForward), then δ[L] (phaseReadout) and layers L…2
// going down (W[l] drawn again; phaseBackward), each layer's record (phaseStats) once its δ is known.
// Steps are grouped into submissions under the time budget (src/gpu/submitBudget.ts), at most two in
// flight; an abort takes effect at the next submission. The records come back per chunk (f32 sums,
// scaled by a power of two: shaders/phaseStats.wgsl) into the Float64Arrays of PhaseRecords.
// f32's range: a layer whose |z| or |δ| passes 3.4e38 (an exploding cell, where f64 would still carry
// it) is flagged non-finite, by the same rule as the CPU twin applied to the GPU's own values; such a
// record is left out of the means either way.

import { tableForAdapter } from '../core/params';
import { createPhaseRecords, type PhaseRecords, recordIndex } from '../core/phase';
import {
  cellSb2,
  cellSw2,
  PHASE_PARAMS,
  type PhaseConfig,
  phaseCellCount,
  validatePhaseConfig,
} from '../core/phaseConfig';
import { Stream, streamKey } from '../core/rng';
import { createStorageBuffer, poisonBuffer, readBuffer } from './buffers';
import { type GpuContext, isSoftwareDevice } from './device';
import { type CaughtGpuError, describeGpuError, ErrorWatch, GpuRunError } from './gpuErrors';
import {
  PHASE_KERNELS,
  PhaseDispatcher,
  type PhaseKernel,
  type PhasePipelines,
  type PhaseShape,
  phasePipelines,
  phaseRecordLayout,
  statsLanes,
} from './phaseKernels';
import {
  afterPhaseChunk,
  nextPhaseChunk,
  PHASE_RECORD_WORDS,
  type PhaseChunk,
  type PhasePlan,
  phaseChunkFailureMessage,
  planPhaseRun,
} from './phasePlan';
import { nextChunkSize, SubmitWindow, submitBudgetMs } from './submitBudget';

export interface PhaseRunOptions {
  signal?: AbortSignal;
  /** Networks (cell, copy) done of the grid's cells · K, after each chunk. */
  onProgress?: (done: number, total: number) => void;
  /** At most this many networks per chunk (tests: the records do not depend on it). */
  initsPerChunk?: number;
}

export interface PhaseEngineOptions {
  /** Bytes one chunk may hold (default: 512 MiB or 4 bindings, the smaller); halved after a failed allocation. */
  memoryBudgetBytes?: number;
  /** GPU milliseconds one submission may take (default: submitBudgetMs of the adapter's kind). */
  submitBudgetMs?: number;
  /** Invocations per init of phaseStats (default: statsLanes of the adapter's kind). */
  statsLanes?: number;
  /** Fill the record buffer with NaN before every chunk (tests: an unwritten record fails). */
  poisonOutputs?: boolean;
  /** Compile the default configuration's kernels in create (default true). */
  compileDefaults?: boolean;
}

/** Multiply-adds of one network's heaviest step: 2B·n² (a layer going up or going down). */
export function phaseStepWork(config: PhaseConfig): number {
  return 2 * config.batch * config.width * config.width;
}

/** Multiply-adds ×2 of the whole grid: L layers up, L − 1 down, per network. */
export function phaseFlops(config: PhaseConfig): number {
  return 2 * phaseStepWork(config) * (2 * config.depth - 1) * phaseCellCount(config) * config.inits;
}

/**
 * Milliseconds per unit of phaseStepWork assumed before the engine has measured its device: about the
 * software adapter's rate, so a first chunk never runs long anywhere (on a GPU it grows from there).
 */
const ASSUMED_MS_PER_WORK = 1e-6;

interface PhaseBuffers {
  key: string;
  /** z[1..L] (index 0 unused). */
  z: GPUBuffer[];
  a: [GPUBuffer, GPUBuffer];
  deltas: [GPUBuffer, GPUBuffer];
  weights: GPUBuffer;
  bias: GPUBuffer;
  inputs: GPUBuffer;
  readout: GPUBuffer;
  records: GPUBuffer;
}

const bufferKey = (config: PhaseConfig, plan: PhasePlan) =>
  JSON.stringify([config.depth, plan.ld, plan.batchPadded, plan.initsPerChunk, plan.copiesPerChunk]);

export class PhaseEngine {
  private buffers: PhaseBuffers | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  /** Milliseconds per unit of phaseStepWork, measured by the last chunk: sizes a run's first chunk. */
  private msPerWork: number | undefined;
  private bufferCapBytes = Infinity;
  /** Dispatch counts of the last run, by kernel (tests and the benchmark read them). */
  readonly dispatches = Object.fromEntries(PHASE_KERNELS.map((kernel) => [kernel, 0])) as Record<PhaseKernel, number>;
  /** Chunks and submissions of the last run. */
  lastRun = { chunks: 0, submissions: 0, initsPerChunk: 0 };

  private constructor(
    private readonly device: GPUDevice,
    private memoryBudgetBytes: number,
    readonly submitBudgetMs: number,
    /** Whether the adapter is a software one (it sets phaseStats' lanes). */
    readonly software: boolean,
    private readonly poisonOutputs: boolean,
    private readonly forcedStatsLanes: number | undefined,
  ) {}

  static async create(gpu: GpuContext, options: PhaseEngineOptions = {}): Promise<PhaseEngine> {
    const { device } = gpu;
    const software = gpu.adapter.software || isSoftwareDevice(device);
    const engine = new PhaseEngine(
      device,
      options.memoryBudgetBytes ?? Math.min(512 * 1024 * 1024, 4 * device.limits.maxStorageBufferBindingSize),
      options.submitBudgetMs ?? submitBudgetMs(software),
      software,
      options.poisonOutputs ?? false,
      options.statsLanes,
    );
    // The kernels of the page's defaults for this adapter, compiled up front (the first run is quick).
    if (options.compileDefaults ?? true) {
      const table = tableForAdapter(PHASE_PARAMS, software ? 'software' : 'gpu');
      const defaults = validatePhaseConfig(Object.fromEntries(table.map((spec) => [spec.key, spec.default])));
      await engine.pipelinesFor(defaults, engine.plan(defaults));
    }
    return engine;
  }

  /** Runs one grid; runs queue behind each other (an aborted run stops at its next submission). */
  run(config: PhaseConfig, options: PhaseRunOptions = {}): Promise<PhaseRecords> {
    const current = this.queue.catch(() => undefined).then(() => this.execute(config, options));
    this.queue = current.catch(() => undefined);
    return current;
  }

  plan(config: PhaseConfig, initsPerChunk?: number): PhasePlan {
    const { limits } = this.device;
    return planPhaseRun(
      config,
      {
        maxStorageBufferBindingSize: Math.min(limits.maxStorageBufferBindingSize, this.bufferCapBytes),
        maxBufferSize: limits.maxBufferSize,
        memoryBudgetBytes: this.memoryBudgetBytes,
      },
      initsPerChunk,
    );
  }

  destroy(): void {
    this.releaseBuffers();
  }

  private pipelinesFor(config: PhaseConfig, plan: PhasePlan): Promise<PhasePipelines> {
    return phasePipelines(this.device, {
      activation: config.activation,
      batchTile: plan.batchTile,
      statsLanes: this.forcedStatsLanes ?? statsLanes(plan.rows * plan.n, this.software),
    });
  }

  private chunkBuffers(config: PhaseConfig, plan: PhasePlan): PhaseBuffers {
    const key = bufferKey(config, plan);
    if (this.buffers?.key === key) return this.buffers;
    this.releaseBuffers();
    const { device } = this;
    const layerBytes = plan.initsPerChunk * plan.batchPadded * plan.ld * 4;
    const perCopy = plan.copiesPerChunk * plan.batchPadded * plan.ld * 4;
    const layer = (name: string) => createStorageBuffer(device, name, layerBytes);
    // New buffers are zeros: padding (rows ≥ 2B, units ≥ n) is never written by a kernel, so it stays 0.
    this.buffers = {
      key,
      z: Array.from({ length: config.depth + 1 }, (_, l) =>
        l === 0 ? createStorageBuffer(device, 'z[0] (unused)', 16) : layer(`z[${l}]`),
      ),
      a: [layer('a even'), layer('a odd')],
      deltas: [layer('delta A'), layer('delta B')],
      weights: createStorageBuffer(
        device,
        'W (standard normal, per copy)',
        plan.copiesPerChunk * plan.ld * plan.ld * 4,
      ),
      bias: createStorageBuffer(device, 'b (standard normal, per copy)', plan.copiesPerChunk * plan.ld * 4),
      inputs: createStorageBuffer(device, 'x (per copy)', perCopy),
      readout: createStorageBuffer(device, 'g (per copy)', perCopy),
      records: createStorageBuffer(
        device,
        'phaseStats records',
        plan.initsPerChunk * config.depth * PHASE_RECORD_WORDS * 4,
      ),
    };
    return this.buffers;
  }

  private releaseBuffers(): void {
    const buffers = this.buffers;
    this.buffers = undefined;
    if (!buffers) return;
    const { z, a, deltas, weights, bias, inputs, readout, records } = buffers;
    for (const buffer of [...z, ...a, ...deltas, weights, bias, inputs, readout, records]) buffer.destroy();
  }

  private async execute(rawConfig: PhaseConfig, options: PhaseRunOptions): Promise<PhaseRecords> {
    const config = validatePhaseConfig({ ...rawConfig });
    options.signal?.throwIfAborted();
    for (const kernel of PHASE_KERNELS) this.dispatches[kernel] = 0;
    const plan = this.plan(config, options.initsPerChunk);
    const pipelines = await this.pipelinesFor(config, plan);
    const watch = new ErrorWatch(this.device);
    const owned: GPUBuffer[] = [];
    try {
      return await this.runChunks(config, plan, pipelines, options, watch, owned);
    } catch (error) {
      // A GPU error caught on the way is the failure, whatever it made fail after it.
      const caught = error instanceof GpuRunError ? error.gpuError : await watch.check();
      if (caught) throw this.allocationFailure(config, plan, caught);
      throw error;
    } finally {
      for (const buffer of owned) buffer.destroy();
    }
  }

  private async runChunks(
    config: PhaseConfig,
    plan: PhasePlan,
    pipelines: PhasePipelines,
    options: PhaseRunOptions,
    watch: ErrorWatch,
    owned: GPUBuffer[],
  ): Promise<PhaseRecords> {
    const { device } = this;
    const buffers = watch.guard(() => this.chunkBuffers(config, plan));
    const cellScales = watch.guard(() =>
      createStorageBuffer(device, 'cell scales (σ_w/√n, σ_b)', 8 * phaseCellCount(config)),
    );
    owned.push(cellScales);
    device.queue.writeBuffer(cellScales, 0, cellScaleValues(config));
    const dispatcher = new PhaseDispatcher(device, pipelines, this.dispatches);
    const records = createPhaseRecords(config);
    const total = phaseCellCount(config) * config.inits;
    const steps = 2 * config.depth + 1;
    const work = phaseStepWork(config);
    const estimate = (this.msPerWork ?? ASSUMED_MS_PER_WORK) * work;
    let inits = nextChunkSize(estimate, this.submitBudgetMs, plan.initsPerChunk);
    let stepsPerSubmission = nextChunkSize(estimate * inits, this.submitBudgetMs, steps);
    let at = { cell: 0, copy: 0 };
    let done = 0;
    this.lastRun = { chunks: 0, submissions: 0, initsPerChunk: 0 };
    while (at.cell < phaseCellCount(config)) {
      options.signal?.throwIfAborted();
      const chunk = nextPhaseChunk(config, plan, at, inits);
      const run = { config, plan, buffers, cellScales, dispatcher, chunk };
      const window = new SubmitWindow(device, options.signal);
      const watchSubmissions = this.lastRun.chunks === 0;
      try {
        await this.runChunk(run, window, stepsPerSubmission, watchSubmissions ? watch : undefined);
        await window.drain();
        await watch.throwIfCaught();
        await this.readRecords(run, records, watch);
      } finally {
        dispatcher.release();
      }
      const chunkInits = chunk.cells * chunk.copies;
      const timing = window.timing(chunkInits);
      // msPerInitBlock: milliseconds per step (a "block" here) and network of the slowest submission.
      const msPerInitStep = timing.msPerInitBlock;
      if (msPerInitStep > 0) this.msPerWork = msPerInitStep / work;
      inits = nextChunkSize(msPerInitStep, this.submitBudgetMs, plan.initsPerChunk, chunkInits);
      stepsPerSubmission = nextChunkSize(msPerInitStep * inits, this.submitBudgetMs, steps, stepsPerSubmission);
      this.lastRun.chunks++;
      this.lastRun.submissions += timing.submissions;
      this.lastRun.initsPerChunk = Math.max(this.lastRun.initsPerChunk, chunkInits);
      done += chunkInits;
      at = afterPhaseChunk(config, chunk);
      options.onProgress?.(done, total);
    }
    return records;
  }

  /** The 2L + 1 steps of one chunk, `stepsPerSubmission` to a submission. */
  private async runChunk(
    run: ChunkRun,
    window: SubmitWindow,
    stepsPerSubmission: number,
    watch: ErrorWatch | undefined,
  ): Promise<void> {
    const { config, buffers, dispatcher } = run;
    const L = config.depth;
    if (this.poisonOutputs) poisonBuffer(this.device, buffers.records);
    const shape = chunkShape(run);
    const steps: ((encoder: GPUCommandEncoder) => void)[] = [(encoder) => this.encodeInputs(encoder, run, shape)];
    for (let l = 1; l <= L; l++) steps.push((encoder) => this.encodeForward(encoder, run, shape, l));
    steps.push((encoder) => {
      dispatcher.readout(encoder, { readout: buffers.readout, zTop: buffers.z[L], deltaTop: buffers.deltas[0] }, shape);
      dispatcher.statistics(
        encoder,
        { z: buffers.z[L], delta: buffers.deltas[0], records: buffers.records },
        shape,
        L,
        L,
      );
    });
    for (let l = L; l >= 2; l--) steps.push((encoder) => this.encodeBackward(encoder, run, shape, l));
    for (let first = 0; first < steps.length; first += stepsPerSubmission) {
      const group = steps.slice(first, first + stepsPerSubmission);
      const send = () => {
        const encoder = this.device.createCommandEncoder({
          label: `phase chunk steps ${first}–${first + group.length}`,
        });
        for (const step of group) step(encoder);
        return window.submit(encoder, `steps from ${first}`, group.length);
      };
      await (watch ? watch.guard(send) : send());
    }
  }

  /** x and g of the chunk's copies: normals of the inputs and readout streams, then x₂ mixed in. */
  private encodeInputs(encoder: GPUCommandEncoder, run: ChunkRun, shape: PhaseShape): void {
    const { config, plan, buffers, dispatcher } = run;
    const rowsBlock = { ...this.streamBlock(run, Stream.inputs, 0), rows: plan.rows, rowsPadded: plan.batchPadded };
    dispatcher.draw(encoder, buffers.inputs, rowsBlock);
    dispatcher.inputs(encoder, buffers.inputs, shape, config.c0);
    const readout = { ...this.streamBlock(run, Stream.readout, config.depth), rows: plan.rows };
    dispatcher.draw(encoder, buffers.readout, { ...readout, rowsPadded: plan.batchPadded });
  }

  /** Layer l going up: W[l] and b[l] of the copies, then z[l] and a[l] of every network. */
  private encodeForward(encoder: GPUCommandEncoder, run: ChunkRun, shape: PhaseShape, l: number): void {
    const { buffers, dispatcher, cellScales } = run;
    this.drawWeights(encoder, run, l);
    dispatcher.draw(encoder, buffers.bias, { ...this.streamBlock(run, Stream.biases, l), rows: 1, rowsPadded: 1 });
    const below = l === 1 ? buffers.inputs : buffers.a[(l - 1) % 2];
    const bindings = { below, weights: buffers.weights, bias: buffers.bias, cellScales };
    dispatcher.forward(encoder, { ...bindings, z: buffers.z[l], a: buffers.a[l % 2] }, shape, l === 1);
  }

  /** Layer l going down: W[l] drawn again, δ[l−1] of every network, and the records of layer l − 1. */
  private encodeBackward(encoder: GPUCommandEncoder, run: ChunkRun, shape: PhaseShape, l: number): void {
    const { config, buffers, dispatcher, cellScales } = run;
    const L = config.depth;
    // δ[L] is in deltas[0]; each layer down swaps: δ[l] in deltas[(L − l) % 2].
    const deltaAbove = buffers.deltas[(L - l) % 2];
    const deltaBelow = buffers.deltas[(L - l + 1) % 2];
    this.drawWeights(encoder, run, l);
    const bindings = { deltaAbove, weights: buffers.weights, cellScales, zBelow: buffers.z[l - 1], deltaBelow };
    dispatcher.backward(encoder, bindings, shape);
    const statistics = { z: buffers.z[l - 1], delta: deltaBelow, records: buffers.records };
    dispatcher.statistics(encoder, statistics, shape, l - 1, L);
  }

  private drawWeights(encoder: GPUCommandEncoder, run: ChunkRun, l: number): void {
    const { plan, buffers, dispatcher } = run;
    const block = { ...this.streamBlock(run, Stream.weights, l), rows: plan.n, rowsPadded: plan.ld };
    dispatcher.draw(encoder, buffers.weights, block);
  }

  /** A draw of stream (tag, layer) for the chunk's copies, n columns (rows and rowsPadded to set). */
  private streamBlock(run: ChunkRun, tag: (typeof Stream)[keyof typeof Stream], layer: number) {
    const { config, plan, chunk } = run;
    return {
      seed: config.seed,
      key1: streamKey(tag, layer),
      firstInit: chunk.firstCopy,
      inits: chunk.copies,
      rows: 1,
      cols: plan.n,
      rowOffset: 0,
      ld: plan.ld,
      rowsPadded: 1,
    };
  }

  /** The chunk's records into `records`, by field name, sums scaled back by 4^exponent in f64. */
  private async readRecords(run: ChunkRun, records: PhaseRecords, watch: ErrorWatch): Promise<void> {
    const { config, buffers, chunk } = run;
    const L = config.depth;
    const count = chunk.cells * chunk.copies * L;
    const layout = phaseRecordLayout();
    const bytes = await watch.guard(() => readBuffer(this.device, buffers.records, count * layout.words * 4));
    const floats = new Float32Array(bytes);
    const ints = new Int32Array(bytes);
    const words = new Uint32Array(bytes);
    const field = {
      zSquare: layout.wordOf('zSquare'),
      zExponent: layout.wordOf('zExponent'),
      cosine: layout.wordOf('cosine'),
      deltaSquare: layout.wordOf('deltaSquare'),
      deltaExponent: layout.wordOf('deltaExponent'),
      finite: layout.wordOf('finite'),
    };
    for (let kc = 0; kc < chunk.cells * chunk.copies; kc++) {
      const cell = chunk.firstCell + Math.floor(kc / chunk.copies);
      const copy = chunk.firstCopy + (kc % chunk.copies);
      for (let l = 1; l <= L; l++) {
        const from = (kc * L + l - 1) * layout.words;
        const to = recordIndex(config, cell, copy, l);
        records.zSquare[to] = floats[from + field.zSquare] * 4 ** ints[from + field.zExponent];
        records.cosine[to] = floats[from + field.cosine];
        records.deltaSquare[to] = floats[from + field.deltaSquare] * 4 ** ints[from + field.deltaExponent];
        // Anything but 0 or 1 (an unwritten, poisoned record) is kept as it is: it is no valid flag.
        records.finite[to] = words[from + field.finite];
      }
    }
  }

  /**
   * A run's buffers could not be allocated: they are freed, the memory budget drops to half of what the
   * chunk needed and the largest buffer to half of its largest, and the error says what did not fit.
   */
  private allocationFailure(config: PhaseConfig, plan: PhasePlan, caught: CaughtGpuError): GpuRunError {
    this.releaseBuffers();
    this.memoryBudgetBytes = Math.min(this.memoryBudgetBytes, Math.floor(plan.bytesPerChunk / 2));
    this.bufferCapBytes = Math.min(this.bufferCapBytes, Math.floor(plan.largestBuffer / 2));
    let smaller: PhasePlan | undefined;
    try {
      smaller = this.plan(config);
    } catch (error) {
      if (!(error instanceof Error && error.name === 'ConfigError')) throw error;
    }
    return new GpuRunError(phaseChunkFailureMessage(config, plan, smaller, describeGpuError(caught)), caught);
  }
}

interface ChunkRun {
  config: PhaseConfig;
  plan: PhasePlan;
  buffers: PhaseBuffers;
  cellScales: GPUBuffer;
  dispatcher: PhaseDispatcher;
  chunk: PhaseChunk;
}

function chunkShape({ plan, chunk }: ChunkRun): PhaseShape {
  return {
    inits: chunk.cells * chunk.copies,
    copies: chunk.copies,
    firstCell: chunk.firstCell,
    rows: plan.rows,
    batchPadded: plan.batchPadded,
    n: plan.n,
    ld: plan.ld,
  };
}

/** (σ_w/√n, σ_b) of every cell, cell = ib · cellsW + iw, as the CPU twin computes them (then f32). */
export function cellScaleValues(config: PhaseConfig): Float32Array<ArrayBuffer> {
  const values = new Float32Array(new ArrayBuffer(8 * phaseCellCount(config)));
  for (let ib = 0; ib < config.cellsB; ib++) {
    for (let iw = 0; iw < config.cellsW; iw++) {
      const cell = ib * config.cellsW + iw;
      values[2 * cell] = Math.sqrt(cellSw2(config, iw) / config.width);
      values[2 * cell + 1] = Math.sqrt(cellSb2(config, ib));
    }
  }
  return values;
}
