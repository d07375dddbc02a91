// The regularization engine: owns the buffers of one G×G landscape, keeps the data-dependent grid J cached
// (keyed by model, the data knobs the model reads, seed, grid and window) and runs the cheap passes
// (gridPenalty + gridArgmin) for every λ / penalty / mix change. Minima are refined on the CPU twin
// (refineMinimizer, f64) from the GPU grid argmin. CPU twins: src/core/gridLoss.ts.
import {
  type GridMinimum,
  type GridWindow,
  type Penalty,
  type RefinedMinimum,
  refineMinimizer,
} from '../core/gridLoss';
import {
  type RegularizationConfig,
  regularizationDataOptions,
  regularizationWindow,
} from '../core/regularizationConfig';
import {
  generateRegularizationData,
  REGULARIZATION_MODEL_INFO,
  type RegularizationData,
} from '../core/regularizationModels';
import { createStorageBuffer, readBuffer } from './buffers';
import { type ArgminResult, argminToGridMinimum, GridArgminKernel, type GridArgminPass } from './gridArgmin';
import { GridLossKernel, type GridLossPass, packRegularizationPoints } from './gridLoss';
import { GridPenaltyKernel, type GridPenaltyPass } from './gridPenalty';

export interface RegularizationEngineOptions {
  /** Pretend the device allows at most this many bytes per storage buffer (tests of the grid clamp). */
  maxStorageBufferBindingSize?: number;
}

export interface PenaltyRequest {
  penalty: Penalty;
  lambda: number;
  mix: number;
}

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
}

export interface EvaluateOptions {
  /** More surfaces next to the config's own penalty, e.g. l1 and l2 side by side (λ and mix: the config's). */
  extraPenalties?: ReadonlyArray<Penalty | PenaltyRequest>;
  /** Read the G·G values back (default true; benchmarks of the passes alone say false). */
  readValues?: boolean;
  /** Refine the grid minima on the CPU (default true). */
  refine?: boolean;
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

function sameRequest(a: PenaltyRequest, b: PenaltyRequest): boolean {
  return a.penalty === b.penalty && a.lambda === b.lambda && a.mix === b.mix;
}

interface SurfaceSlot {
  buffer: GPUBuffer;
  penaltyPass: GridPenaltyPass;
  argminPass: GridArgminPass;
}

interface CachedGrid {
  key: string;
  data: RegularizationData;
  argmin: ArgminResult;
  /** Read back lazily: undefined until a caller asks for values. */
  values?: Float32Array;
  minimumJ: RegularizationMinimum;
}

function nonFiniteNotice(what: string, count: number, G: number): string {
  return (
    `${count} of ${G * G} cells of ${what} are not finite in f32 (overflow to ±Inf or NaN): ` +
    'the minimum search skips them and the surface draws them clipped'
  );
}

export class RegularizationEngine {
  private pointsBuffer: GPUBuffer | undefined;
  private pointsCapacity = 0;
  private G = 0;
  private dataLossBuffer: GPUBuffer | undefined;
  private gridLossPass: GridLossPass | undefined;
  private dataArgminPass: GridArgminPass | undefined;
  private slots: SurfaceSlot[] = [];
  private cache: CachedGrid | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private dispatches = 0;
  readonly maxGrid: number;

  private constructor(
    readonly device: GPUDevice,
    private readonly gridLossKernel: GridLossKernel,
    private readonly gridPenaltyKernel: GridPenaltyKernel,
    private readonly gridArgminKernel: GridArgminKernel,
    options: RegularizationEngineOptions,
  ) {
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
    this.gridLossPass?.destroy();
    this.pointsBuffer?.destroy();
    this.gridLossPass = undefined;
    this.pointsBuffer = undefined;
    this.cache = undefined;
  }

  private releaseGrid(): void {
    for (const slot of this.slots) {
      slot.penaltyPass.destroy();
      slot.argminPass.destroy();
      slot.buffer.destroy();
    }
    this.slots = [];
    this.dataArgminPass?.destroy();
    this.dataLossBuffer?.destroy();
    this.dataArgminPass = undefined;
    this.dataLossBuffer = undefined;
    this.G = 0;
  }

  private ensureGrid(G: number, surfaces: number): void {
    if (G !== this.G) {
      this.releaseGrid();
      this.gridLossPass?.destroy();
      this.gridLossPass = undefined;
      this.cache = undefined;
      this.G = G;
      this.dataLossBuffer = createStorageBuffer(this.device, 'regularization dataLoss', G * G * 4);
      this.dataArgminPass = this.gridArgminKernel.createPass(
        this.dataLossBuffer,
        G * G,
        'regularization dataLoss argmin',
      );
    }
    while (this.slots.length < surfaces) {
      const label = `regularization surface ${this.slots.length}`;
      const buffer = createStorageBuffer(this.device, `${label} penalized`, G * G * 4);
      this.slots.push({
        buffer,
        penaltyPass: this.gridPenaltyKernel.createPass(this.dataLossBuffer!, buffer, `${label} gridPenalty`),
        argminPass: this.gridArgminKernel.createPass(buffer, G * G, `${label} argmin`),
      });
    }
  }

  private uploadPoints(data: RegularizationData): void {
    const packed = packRegularizationPoints(data);
    if (!this.pointsBuffer || packed.byteLength > this.pointsCapacity) {
      this.pointsBuffer?.destroy();
      this.gridLossPass?.destroy();
      this.gridLossPass = undefined;
      this.pointsCapacity = Math.max(packed.byteLength, 4096);
      this.pointsBuffer = createStorageBuffer(this.device, 'regularization points', this.pointsCapacity);
    }
    this.device.queue.writeBuffer(this.pointsBuffer, 0, packed);
    this.gridLossPass ??= this.gridLossKernel.createPass(
      this.pointsBuffer,
      this.dataLossBuffer!,
      'regularization gridLoss',
    );
  }

  private clampGrid(requested: number, notices: string[]): number {
    if (requested <= this.maxGrid) return requested;
    notices.push(
      `grid ${requested} needs ${((requested * requested * 4) / 2 ** 20).toFixed(1)} MiB per buffer, more than this device ` +
        `allows for one storage buffer or dispatch; using G = ${this.maxGrid}`,
    );
    return this.maxGrid;
  }

  private async evaluateNow(config: RegularizationConfig, options: EvaluateOptions): Promise<RegularizationResult> {
    const start = performance.now();
    const readValues = options.readValues ?? true;
    const refine = options.refine ?? true;
    const notices: string[] = [];
    const G = this.clampGrid(config.grid, notices);
    const window = regularizationWindow(config);
    const own: PenaltyRequest = { penalty: config.penalty, lambda: config.lambda, mix: config.mix };
    const requests: PenaltyRequest[] = [own];
    for (const extra of options.extraPenalties ?? []) {
      const request = typeof extra === 'string' ? { penalty: extra, lambda: config.lambda, mix: config.mix } : extra;
      if (!requests.some((known) => sameRequest(known, request))) requests.push(request);
    }
    this.ensureGrid(G, requests.length);

    const { device } = this;
    const key = regularizationDataKey(config, G);
    const encoder = device.createCommandEncoder({ label: 'regularization evaluate' });
    const dispatchedGridLoss = this.cache?.key !== key;
    let data = this.cache?.data;
    if (dispatchedGridLoss) {
      this.cache = undefined;
      data = generateRegularizationData(config.model, regularizationDataOptions(config));
      this.uploadPoints(data);
      this.gridLossPass!.encode(encoder, { model: config.model, window, G, n: data.n, quadratic: data.quadratic });
      this.dataArgminPass!.encode(encoder, G * G);
      this.dispatches++;
    }
    requests.forEach((request, slot) => {
      this.slots[slot].penaltyPass.encode(encoder, { window, G, ...request });
      this.slots[slot].argminPass.encode(encoder, G * G);
    });
    device.queue.submit([encoder.finish()]);

    const bytes = G * G * 4;
    const [dataArgmin, surfaceArgmins, dataLossBytes, surfaceBytes] = await Promise.all([
      dispatchedGridLoss ? this.dataArgminPass!.read() : Promise.resolve(this.cache!.argmin),
      Promise.all(requests.map((_, slot) => this.slots[slot].argminPass.read())),
      readValues && !this.cache?.values ? readBuffer(device, this.dataLossBuffer!, bytes) : Promise.resolve(undefined),
      readValues
        ? Promise.all(requests.map((_, slot) => readBuffer(device, this.slots[slot].buffer, bytes)))
        : Promise.resolve(undefined),
    ]);

    const gridData = data!;
    if (dispatchedGridLoss) {
      const grid = argminToGridMinimum(dataArgmin, window, G);
      this.cache = { key, data: gridData, argmin: dataArgmin, minimumJ: { grid, refined: null } };
    }
    const cache = this.cache!;
    if (dataLossBytes) cache.values = new Float32Array(dataLossBytes);
    if (refine && cache.minimumJ.grid && !cache.minimumJ.refined) {
      cache.minimumJ.refined = refineMinimizer(config.model, gridData, 'none', 0, 0, cache.minimumJ.grid.w);
    }

    const surfaces: RegularizationSurface[] = requests.map((request, slot) => {
      const argmin = surfaceArgmins[slot];
      const grid = argminToGridMinimum(argmin, window, G);
      const refined =
        refine && grid
          ? refineMinimizer(config.model, gridData, request.penalty, request.lambda, request.mix, grid.w)
          : null;
      return {
        ...request,
        values: surfaceBytes ? new Float32Array(surfaceBytes[slot]) : new Float32Array(0),
        minimum: { grid, refined },
        nonFinite: argmin.nonFinite,
      };
    });

    if (dataArgmin.nonFinite > 0) notices.push(nonFiniteNotice('J', dataArgmin.nonFinite, G));
    if (surfaces[0].nonFinite > dataArgmin.nonFinite)
      notices.push(nonFiniteNotice('J + λ·P', surfaces[0].nonFinite, G));
    const minimumJ: RegularizationMinimum = refine ? cache.minimumJ : { grid: cache.minimumJ.grid, refined: null };
    return {
      config: { ...config, grid: G },
      G,
      window,
      data: gridData,
      notices,
      dataLoss: readValues ? cache.values! : new Float32Array(0),
      penalized: surfaces[0].values,
      surfaces,
      minima: { J: minimumJ, penalized: surfaces[0].minimum },
      nonFinite: { dataLoss: dataArgmin.nonFinite, penalized: surfaces[0].nonFinite },
      timeMs: performance.now() - start,
      dispatchedGridLoss,
    };
  }
}
