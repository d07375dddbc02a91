// The regularization engine: owns the buffers of one G×G landscape, keeps the data-dependent grid J cached
// (keyed by model, the data knobs the model reads, seed, grid and window) and runs the cheap passes
// (gridPenalty + gridArgmin) for every λ / penalty / mix change. Minima are refined on the CPU twin
// (refineMinimizer, f64) from the GPU grid argmin. CPU twins: src/core/gridLoss.ts.
// A big J (G²·N terms) goes in bands of rows, one submission each, sized by the measured time per term
// under the submission budget (src/gpu/submitBudget.ts). The allocations and each evaluation's first
// submission run in error scopes: an allocation that fails frees the grid and says which G fits.
import {
  type GridMinimum,
  type GridWindow,
  type Penalty,
  type RefinedMinimum,
  refineMinimizer,
} from '../core/gridLoss';
import {
  nonFiniteNotice,
  type PenaltyRequest,
  penaltyRequests,
  type RegularizationConfig,
  regularizationDataOptions,
  regularizationWindow,
} from '../core/regularizationConfig';

export type { PenaltyRequest };

import {
  generateRegularizationData,
  REGULARIZATION_MODEL_INFO,
  type RegularizationData,
} from '../core/regularizationModels';
import { createStorageBuffer, readBuffer } from './buffers';
import { isSoftwareDevice } from './device';
import { describeGpuError, ErrorWatch, failureVerb, formatBytes, GpuRunError, largestFitting } from './gpuErrors';
import {
  ARGMIN_VALUES_PER_WORKGROUP,
  type ArgminResult,
  argminToGridMinimum,
  GridArgminKernel,
  type GridArgminPass,
} from './gridArgmin';
import { GridLossKernel, type GridLossPass, packRegularizationPoints } from './gridLoss';
import { GridPenaltyKernel, type GridPenaltyPass } from './gridPenalty';
import { nextChunkSize, submissionMs, submitBudgetMs } from './submitBudget';

export interface RegularizationEngineOptions {
  /** Pretend the device allows at most this many bytes per storage buffer (tests of the grid clamp). */
  maxStorageBufferBindingSize?: number;
  /** GPU milliseconds one submission may take (default: submitBudgetMs of the adapter's kind). */
  submitBudgetMs?: number;
}

/** Terms (cells × data points) of the first band of a J, before the engine has measured this model. */
export const FIRST_BAND_TERMS = 2 ** 24;

export interface RegularizationMinimum {
  /** The GPU grid argmin over finite cells; null when no cell is finite. */
  grid: GridMinimum | null;
  /** refineMinimizer (CPU, f64) started at the grid argmin; null when grid is null or refining is off. */
  refined: RefinedMinimum | null;
}

export interface RegularizationSurface extends PenaltyRequest {
  /** J + λ·P on the grid (index j·G + i); empty when values were not read back. */
  values: Float32Array;
  minimum: RegularizationMinimum;
  /** Cells that are ±Inf or NaN in f32. */
  nonFinite: number;
}

export interface RegularizationResult {
  /** The configuration evaluated, with `grid` the G actually used (after any clamp). */
  config: RegularizationConfig;
  G: number;
  window: GridWindow;
  /** The data set (f64; the GPU holds it in f32). */
  data: RegularizationData;
  /** Things a person should know: a clamped grid, overflowing cells. */
  notices: string[];
  /** J on the grid; empty when values were not read back. */
  dataLoss: Float32Array;
  /** J + λ·P for the config's own penalty (= surfaces[0].values). */
  penalized: Float32Array;
  /** surfaces[0] is the config's penalty, then the extra penalties asked for. */
  surfaces: RegularizationSurface[];
  minima: { J: RegularizationMinimum; penalized: RegularizationMinimum };
  nonFinite: { dataLoss: number; penalized: number };
  /** Wall time of this evaluation: passes, read-backs and refinement. */
  timeMs: number;
  /** Whether this evaluation ran gridLoss (false: J came from the cache, only the cheap passes ran). */
  dispatchedGridLoss: boolean;
  /** Submissions of this evaluation (a big J goes in bands of rows, one each). */
  submissions?: number;
}

export interface EvaluateOptions {
  /** More surfaces next to the config's own penalty, e.g. l1 and l2 side by side (λ and mix: the config's). */
  extraPenalties?: ReadonlyArray<Penalty | PenaltyRequest>;
  /** Read the G·G values back (default true; benchmarks of the passes alone say false). */
  readValues?: boolean;
  /** Refine the grid minima on the CPU (default true). */
  refine?: boolean;
  /** Stops between bands of rows of J (an AbortError; J is then not cached). */
  signal?: AbortSignal;
  /** Rows of J done so far, after each band. */
  onProgress?: (progress: { rowsDone: number; rows: number }) => void;
}

/** Bytes of the GPU buffers of one evaluation: J and one surface per penalty, their argmins, the points, read-backs. */
export function regularizationBufferBytes(G: number, surfaces: number, points: number, readValues: boolean): number {
  const grids = (1 + surfaces) * G * G * 4;
  const partials = (1 + surfaces) * Math.ceil((G * G) / ARGMIN_VALUES_PER_WORKGROUP) * 16;
  return grids * (readValues ? 2 : 1) + 2 * partials + Math.max(1, points) * 16;
}

/**
 * Why an evaluation's buffers could not be allocated, and the largest grid that fits in half of them:
 * "grid G = 2048 with 3 surfaces and 10000 points needs 128 MiB of GPU buffers, the largest 16 MiB; the
 * GPU could not allocate them (out of memory: …): G ≤ 1448 fits in half of that."
 */
export function gridFailureMessage(
  G: number,
  surfaces: number,
  points: number,
  readValues: boolean,
  gpuError: string,
): string {
  const bytes = regularizationBufferBytes(G, surfaces, points, readValues);
  const fit = largestFitting(2, G - 1, (g) => regularizationBufferBytes(g, surfaces, points, readValues) <= bytes / 2);
  const fits = fit >= 2 ? `G ≤ ${fit} fits in half of that` : 'not even G = 2 fits in half of that';
  const verb = failureVerb(gpuError);
  return (
    `grid G = ${G} with ${surfaces} surface${surfaces === 1 ? '' : 's'}` +
    `${points > 0 ? ` and ${points} points` : ''} needs ${formatBytes(bytes)} of GPU buffers, ` +
    `the largest ${formatBytes(G * G * 4)}; the GPU ${verb} them (${gpuError}): ${fits}.`
  );
}

/** The largest grid whose G·G f32 values fit one storage binding and the dispatch limits. */
export function maxRegularizationGrid(limits: {
  maxStorageBufferBindingSize: number;
  maxBufferSize: number;
  maxComputeWorkgroupsPerDimension: number;
}): number {
  const bytes = Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize);
  const byStorage = Math.floor(Math.sqrt(bytes / 4));
  // gridLoss dispatches ⌈G / 4⌉ workgroups along y (rows) and fewer along x (G / (8·16)).
  const byDispatch = 4 * limits.maxComputeWorkgroupsPerDimension;
  return Math.min(byStorage, byDispatch);
}

/** The fields J depends on: analytic models ignore the data knobs, only 'quadratic' reads h and a. */
export function regularizationDataKey(config: RegularizationConfig, G: number): string {
  const { model, w1Min, w1Max, w2Min, w2Max } = config;
  const knobs: unknown[] = [];
  if (REGULARIZATION_MODEL_INFO[model].usesData) {
    knobs.push(
      config.seed,
      config.points,
      config.correlation,
      config.eccentricity,
      config.noise,
      config.trueW1,
      config.trueW2,
    );
  } else if (model === 'quadratic') {
    knobs.push(config.h1, config.h2, config.a1, config.a2);
  }
  return JSON.stringify([model, G, w1Min, w1Max, w2Min, w2Max, knobs]);
}

interface SurfaceSlot {
  buffer: GPUBuffer;
  penaltyPass: GridPenaltyPass;
  argminPass: GridArgminPass;
}

/** The buffers of one grid size: J, its argmin, one slot per surface, and gridLoss once points are bound. */
interface GridBuffers {
  G: number;
  dataLoss: GPUBuffer;
  dataArgmin: GridArgminPass;
  slots: SurfaceSlot[];
  gridLossPass?: GridLossPass;
}

interface CachedGrid {
  key: string;
  data: RegularizationData;
  argmin: ArgminResult;
  /** Read back lazily: undefined until a caller asks for values. */
  values?: Float32Array;
  minimumJ: RegularizationMinimum;
}

/** What one evaluation read back from the GPU. */
interface Readback {
  dataArgmin: ArgminResult;
  surfaceArgmins: ArgminResult[];
  dataLossBytes?: ArrayBuffer;
  surfaceBytes?: ArrayBuffer[];
}

export class RegularizationEngine {
  private points: { buffer: GPUBuffer; capacity: number } | undefined;
  private grid: GridBuffers | undefined;
  private cache: CachedGrid | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private dispatches = 0;
  /** Milliseconds per term of gridLoss by model, from the last band measured. */
  private readonly msPerTerm = new Map<RegularizationConfig['model'], number>();
  readonly maxGrid: number;
  /** GPU milliseconds one submission may take. */
  readonly submitBudgetMs: number;

  private constructor(
    readonly device: GPUDevice,
    private readonly gridLossKernel: GridLossKernel,
    private readonly gridPenaltyKernel: GridPenaltyKernel,
    private readonly gridArgminKernel: GridArgminKernel,
    options: RegularizationEngineOptions,
  ) {
    this.submitBudgetMs = options.submitBudgetMs ?? submitBudgetMs(isSoftwareDevice(device));
    const limits = device.limits;
    this.maxGrid = maxRegularizationGrid({
      maxStorageBufferBindingSize: Math.min(
        limits.maxStorageBufferBindingSize,
        options.maxStorageBufferBindingSize ?? Infinity,
      ),
      maxBufferSize: limits.maxBufferSize,
      maxComputeWorkgroupsPerDimension: limits.maxComputeWorkgroupsPerDimension,
    });
  }

  static async create(device: GPUDevice, options: RegularizationEngineOptions = {}): Promise<RegularizationEngine> {
    const [gridLossKernel, gridPenaltyKernel, gridArgminKernel] = await Promise.all([
      GridLossKernel.create(device),
      GridPenaltyKernel.create(device),
      GridArgminKernel.create(device),
    ]);
    return new RegularizationEngine(device, gridLossKernel, gridPenaltyKernel, gridArgminKernel, options);
  }

  /** How many times gridLoss has been dispatched (tests: a λ-only change must not add one). */
  get gridLossDispatches(): number {
    return this.dispatches;
  }

  /** Forgets the cached J, so the next evaluate recomputes it. */
  invalidate(): void {
    this.cache = undefined;
  }

  /**
   * Evaluates J (only when its key changed) and J + λ·P for the config's penalty and any extra ones,
   * their grid minima on the GPU and refined minima on the CPU. Calls run one after another.
   */
  evaluate(config: RegularizationConfig, options: EvaluateOptions = {}): Promise<RegularizationResult> {
    const run = this.queue.then(() => this.evaluateNow(config, options));
    this.queue = run.catch(() => undefined);
    return run;
  }

  destroy(): void {
    this.releaseGrid();
    this.points?.buffer.destroy();
    this.points = undefined;
    this.cache = undefined;
  }

  private releaseGrid(): void {
    const grid = this.grid;
    if (!grid) return;
    for (const slot of grid.slots) {
      slot.penaltyPass.destroy();
      slot.argminPass.destroy();
      slot.buffer.destroy();
    }
    grid.gridLossPass?.destroy();
    grid.dataArgmin.destroy();
    grid.dataLoss.destroy();
    this.grid = undefined;
  }

  /** The buffers of a G×G grid with at least `surfaces` slots (a new G drops the old buffers and the cache). */
  private ensureGrid(G: number, surfaces: number): GridBuffers {
    if (this.grid?.G !== G) {
      this.releaseGrid();
      this.cache = undefined;
      const dataLoss = createStorageBuffer(this.device, 'regularization dataLoss', G * G * 4);
      const dataArgmin = this.gridArgminKernel.createPass(dataLoss, G * G, 'regularization dataLoss argmin');
      this.grid = { G, dataLoss, dataArgmin, slots: [] };
    }
    const grid = this.grid;
    while (grid.slots.length < surfaces) {
      const label = `regularization surface ${grid.slots.length}`;
      const buffer = createStorageBuffer(this.device, `${label} penalized`, G * G * 4);
      grid.slots.push({
        buffer,
        penaltyPass: this.gridPenaltyKernel.createPass(grid.dataLoss, buffer, `${label} gridPenalty`),
        argminPass: this.gridArgminKernel.createPass(buffer, G * G, `${label} argmin`),
      });
    }
    return grid;
  }

  /** Writes the data points, growing their buffer if needed; returns gridLoss bound to them and to J. */
  private uploadPoints(grid: GridBuffers, data: RegularizationData): GridLossPass {
    const packed = packRegularizationPoints(data);
    if (!this.points || packed.byteLength > this.points.capacity) {
      this.points?.buffer.destroy();
      grid.gridLossPass?.destroy();
      grid.gridLossPass = undefined;
      const capacity = Math.max(packed.byteLength, 4096);
      this.points = { buffer: createStorageBuffer(this.device, 'regularization points', capacity), capacity };
    }
    this.device.queue.writeBuffer(this.points.buffer, 0, packed);
    grid.gridLossPass ??= this.gridLossKernel.createPass(this.points.buffer, grid.dataLoss, 'regularization gridLoss');
    return grid.gridLossPass;
  }

  private clampGrid(requested: number, notices: string[]): number {
    if (requested <= this.maxGrid) return requested;
    notices.push(
      `grid ${requested} needs ${((requested * requested * 4) / 2 ** 20).toFixed(1)} MiB per buffer, ` +
        `more than this device allows for one storage buffer or dispatch; using G = ${this.maxGrid}`,
    );
    return this.maxGrid;
  }

  private async evaluateNow(config: RegularizationConfig, options: EvaluateOptions): Promise<RegularizationResult> {
    const start = performance.now();
    const readValues = options.readValues ?? true;
    const refine = options.refine ?? true;
    options.signal?.throwIfAborted();
    const notices: string[] = [];
    const G = this.clampGrid(config.grid, notices);
    const window = regularizationWindow(config);
    const requests = penaltyRequests(config, options.extraPenalties);
    const key = regularizationDataKey(config, G);
    const known = this.grid?.G === G && this.cache?.key === key ? this.cache : undefined;
    const data = known?.data ?? generateRegularizationData(config.model, regularizationDataOptions(config));
    const watch = new ErrorWatch(this.device);
    let readback: Readback;
    let submissions: number;
    try {
      const grid = watch.guard(() => this.ensureGrid(G, requests.length));
      submissions = await this.encodePasses(grid, config, window, data, requests, !known, watch, options);
      await watch.throwIfCaught();
      readback = await watch.guard(() => this.readBack(grid, requests, readValues, known));
      await watch.throwIfCaught();
    } catch (error) {
      const caught = error instanceof GpuRunError ? error.gpuError : await watch.check();
      if (!caught) throw error;
      // Nothing of this evaluation is kept: its buffers go, and J is computed again next time.
      this.releaseGrid();
      this.cache = undefined;
      this.points?.buffer.destroy();
      this.points = undefined;
      const points = REGULARIZATION_MODEL_INFO[config.model].usesData ? data.n : 0;
      throw new GpuRunError(
        gridFailureMessage(G, requests.length, points, readValues, describeGpuError(caught)),
        caught,
      );
    }
    const cache = this.cacheGrid(known ?? newCache(key, data, readback, window, G), readback, config, refine);
    const surfaces = requests.map((request, slot) => {
      const argmin = readback.surfaceArgmins[slot];
      const values = readback.surfaceBytes ? new Float32Array(readback.surfaceBytes[slot]) : new Float32Array(0);
      return surfaceOf(config.model, data, request, argminToGridMinimum(argmin, window, G), argmin, values, refine);
    });
    const { dataArgmin } = readback;
    if (dataArgmin.nonFinite > 0) notices.push(nonFiniteNotice('J', dataArgmin.nonFinite, G));
    if (surfaces[0].nonFinite > dataArgmin.nonFinite)
      notices.push(nonFiniteNotice('J + λ·P', surfaces[0].nonFinite, G));
    const minimumJ: RegularizationMinimum = refine ? cache.minimumJ : { grid: cache.minimumJ.grid, refined: null };
    return {
      config: { ...config, grid: G },
      G,
      window,
      data,
      notices,
      dataLoss: readValues ? (cache.values ?? new Float32Array(0)) : new Float32Array(0),
      penalized: surfaces[0].values,
      surfaces,
      minima: { J: minimumJ, penalized: surfaces[0].minimum },
      nonFinite: { dataLoss: dataArgmin.nonFinite, penalized: surfaces[0].nonFinite },
      timeMs: performance.now() - start,
      dispatchedGridLoss: !known,
      submissions,
    };
  }

  /**
   * Records gridLoss and its argmin (when J is not cached), then gridPenalty and gridArgmin per surface,
   * and submits them: J in bands of rows, each under the submission budget at the measured time per
   * term (the first band of a model not measured yet holds FIRST_BAND_TERMS), the cheap passes with the
   * last band. The first submission runs in the watch's error scopes. Returns the submissions made.
   */
  private async encodePasses(
    grid: GridBuffers,
    config: RegularizationConfig,
    window: GridWindow,
    data: RegularizationData,
    requests: readonly PenaltyRequest[],
    withGridLoss: boolean,
    watch: ErrorWatch,
    options: EvaluateOptions,
  ): Promise<number> {
    const { G } = grid;
    const { device } = this;
    const encodeCheapPasses = (encoder: GPUCommandEncoder) =>
      requests.forEach((request, slot) => {
        grid.slots[slot].penaltyPass.encode(encoder, { window, G, ...request });
        grid.slots[slot].argminPass.encode(encoder, G * G);
      });
    if (!withGridLoss) {
      watch.guard(() => {
        const encoder = device.createCommandEncoder({ label: 'regularization evaluate' });
        encodeCheapPasses(encoder);
        device.queue.submit([encoder.finish()]);
      });
      return 1;
    }
    this.cache = undefined;
    const gridLossPass = watch.guard(() => this.uploadPoints(grid, data));
    const shape = { model: config.model, window, G, n: data.n, quadratic: data.quadratic };
    const termsPerRow = G * (REGULARIZATION_MODEL_INFO[config.model].usesData ? Math.max(1, data.n) : 1);
    const measured = this.msPerTerm.get(config.model);
    let rows =
      measured === undefined
        ? Math.max(1, Math.min(G, Math.floor(FIRST_BAND_TERMS / termsPerRow)))
        : nextChunkSize(measured * termsPerRow, this.submitBudgetMs, G);
    let submissions = 0;
    for (let first = 0; first < G; ) {
      const count = Math.min(rows, G - first);
      const last = first + count === G;
      const submit = () => {
        const encoder = device.createCommandEncoder({ label: `regularization evaluate, rows ${first}+${count}` });
        gridLossPass.encode(encoder, { ...shape, rows: { first, count } });
        if (last) {
          grid.dataArgmin.encode(encoder, G * G);
          encodeCheapPasses(encoder);
        }
        device.queue.submit([encoder.finish()]);
      };
      const submittedAt = performance.now();
      if (submissions === 0) watch.guard(submit);
      else submit();
      submissions++;
      await device.queue.onSubmittedWorkDone();
      const ms = submissionMs(submittedAt, performance.now());
      if (ms > 0) this.msPerTerm.set(config.model, ms / (count * termsPerRow));
      first += count;
      options.onProgress?.({ rowsDone: first, rows: G });
      if (!last) {
        if (submissions === 1) await watch.throwIfCaught(); // a failed first band: no more bands
        options.signal?.throwIfAborted();
        const msPerTerm = this.msPerTerm.get(config.model);
        rows = nextChunkSize(msPerTerm && msPerTerm * termsPerRow, this.submitBudgetMs, G, count);
      }
    }
    this.dispatches++;
    return submissions;
  }

  /** The argmins, and the values where asked (J only when not read back before). */
  private async readBack(
    grid: GridBuffers,
    requests: readonly PenaltyRequest[],
    readValues: boolean,
    cached: CachedGrid | undefined,
  ): Promise<Readback> {
    const { device } = this;
    const bytes = grid.G * grid.G * 4;
    const slots = grid.slots.slice(0, requests.length);
    const [dataArgmin, surfaceArgmins, dataLossBytes, surfaceBytes] = await Promise.all([
      cached ? Promise.resolve(cached.argmin) : grid.dataArgmin.read(),
      Promise.all(slots.map((slot) => slot.argminPass.read())),
      readValues && !cached?.values ? readBuffer(device, grid.dataLoss, bytes) : Promise.resolve(undefined),
      readValues
        ? Promise.all(slots.map((slot) => readBuffer(device, slot.buffer, bytes)))
        : Promise.resolve(undefined),
    ]);
    return { dataArgmin, surfaceArgmins, dataLossBytes, surfaceBytes };
  }

  /** Keeps `cache` as the engine's J, its values and refined minimum filled in as asked. */
  private cacheGrid(cache: CachedGrid, readback: Readback, config: RegularizationConfig, refine: boolean): CachedGrid {
    this.cache = cache;
    if (readback.dataLossBytes) cache.values = new Float32Array(readback.dataLossBytes);
    if (refine && cache.minimumJ.grid && !cache.minimumJ.refined) {
      cache.minimumJ.refined = refineMinimizer(config.model, cache.data, 'none', 0, 0, cache.minimumJ.grid.w);
    }
    return cache;
  }
}

/** The cache entry of a J that gridLoss has just computed. */
function newCache(
  key: string,
  data: RegularizationData,
  readback: Readback,
  window: GridWindow,
  G: number,
): CachedGrid {
  const grid = argminToGridMinimum(readback.dataArgmin, window, G);
  return { key, data, argmin: readback.dataArgmin, minimumJ: { grid, refined: null } };
}

/** One surface of the result: its values (if read), grid minimum and refined minimum (CPU, f64). */
function surfaceOf(
  model: RegularizationConfig['model'],
  data: RegularizationData,
  request: PenaltyRequest,
  grid: GridMinimum | null,
  argmin: ArgminResult,
  values: Float32Array,
  refine: boolean,
): RegularizationSurface {
  const refined =
    refine && grid ? refineMinimizer(model, data, request.penalty, request.lambda, request.mix, grid.w) : null;
  return { ...request, values, minimum: { grid, refined }, nonFinite: argmin.nonFinite };
}
