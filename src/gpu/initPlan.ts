// How a run of the initialization engine is cut to fit the device: inits per chunk and rows per
// weight block, from the binding limit, the buffer limit and a memory budget. Pure numbers, so the
// plan is tested without a GPU; results never depend on it (tests/gpu/initStats.test.ts).
import { ConfigError, type InitConfig } from '../core/initConfig';
import { layerWidths } from '../core/meanField';
import { statsRecordLayout } from './initRecords';
import { type BatchTile, batchTileFor, padToTile, UNIT_TILE } from './layerTiles';

export interface DeviceBudget {
  maxStorageBufferBindingSize: number;
  maxBufferSize: number;
  /** Total bytes one chunk may hold on the device. */
  memoryBudgetBytes: number;
  /** Workgroup size of the reductions (layerStats, dWNorm): sets how many partial sums they write. */
  reductionLanes: number;
}

/**
 * About how many values one layerStats workgroup reduces (e.g. 64 lanes × 256 values), in whole batch
 * rows: a workgroup's fixed cost (clearing the histogram, the barriers) is ~0.15 ms on SwiftShader,
 * which 4096 values per workgroup did not pay for.
 */
export const VALUES_PER_SLICE = 16384;
/** 4-byte words of a layerStats StatsRecord (shaders/layerStats.wgsl); its `bins` histogram counts follow elsewhere. */
export const STATS_RECORD_WORDS = statsRecordLayout().words;

export interface InitPlan {
  widths: number[];
  /** Row strides: widths padded to multiples of 16 (the kernels' 16-wide tiles, no bounds checks). */
  strides: number[];
  /** Batch rows per layerForward / layerBackward invocation (src/gpu/layerTiles.ts). */
  batchTile: BatchTile;
  /** The batch padded to a whole number of batch tiles. */
  batchPadded: number;
  initsPerChunk: number;
  /** Rows of W[l] drawn and used at a time (multiple of 16); < the width when W does not fit a binding. */
  rowsPerBlock: number[];
  /**
   * Keep every layer's W of the chunk for the backward pass (a materialized cache: the same numbers
   * as redrawing, half the generator work) when the chunk still holds enough inits; else redraw.
   */
  cacheWeights: boolean;
  /** Batch rows per layerStats workgroup, per layer, and the slices (records per init and quantity). */
  rowsPerSlice: number[];
  slices: number[];
  /** dWNorm workgroups per init and layer (each writes one partial sum). */
  normGroupsPerInit: number;
  bytesPerChunk: number;
}

/** layerForward computes 16 output units per invocation: W blocks have rows padded to 16 (zeros). */
export const WEIGHT_ROW_TILE = UNIT_TILE;
const padRows = (n: number): number => Math.ceil(n / WEIGHT_ROW_TILE) * WEIGHT_ROW_TILE;

const MIB = 1024 * 1024;

/** What one init of a chunk holds whatever the weights: activations, δ, bias and the reductions' outputs. */
interface PerInitBytes {
  rowsPerSlice: number[];
  slices: number[];
  normGroupsPerInit: number;
  /** Bytes per init without the weights. */
  fixed: number;
  /** The largest buffer per init (it must fit one binding at the chunk's inits). */
  largestBuffer: number;
}

function perInitBytes(config: InitConfig, widths: number[], strides: number[], batchPadded: number, lanes: number) {
  const L = config.depth;
  const maxStride = Math.max(...strides);
  // Per init: a[0..L] and z[1..L], two δ buffers, one bias row.
  let activationBytes = batchPadded * strides[0] * 4;
  for (let l = 1; l <= L; l++) activationBytes += 2 * batchPadded * strides[l] * 4;
  // The outputs of the reductions, bound whole and read back through a staging copy of each:
  // layerStats records and histograms (z, a and δ of every layer) and dWNorm partials.
  const rowsPerSlice = widths.map((width) => Math.max(1, Math.floor(VALUES_PER_SLICE / width)));
  const slices = rowsPerSlice.map((rows) => Math.ceil(config.batch / rows));
  let recordBytes = 0;
  for (let l = 1; l <= L; l++) recordBytes += 3 * slices[l] * (STATS_RECORD_WORDS + config.bins) * 4;
  const normTiles = ((batchPadded / 4) * (batchPadded / 4 + 1)) / 2; // dWNorm's 4×4 tiles on and above the diagonal
  const normGroupsPerInit = Math.ceil(normTiles / lanes);
  const normBytes = L * normGroupsPerInit * 4;
  const fixed = activationBytes + 2 * batchPadded * maxStride * 4 + maxStride * 4 + 2 * (recordBytes + normBytes);
  const largestBuffer = Math.max(batchPadded * maxStride * 4, recordBytes, normBytes);
  return { rowsPerSlice, slices, normGroupsPerInit, fixed, largestBuffer } satisfies PerInitBytes;
}

/** Bytes per init of the largest W[l] (padded rows × stride) and of all W[1..L] together. */
function weightBytes(widths: number[], strides: number[]): { largest: number; all: number } {
  let largest = 0;
  let all = 0;
  for (let l = 1; l < widths.length; l++) {
    const bytes = padRows(widths[l]) * strides[l - 1] * 4;
    largest = Math.max(largest, bytes);
    all += bytes;
  }
  return { largest, all };
}

export function planInitRun(
  config: InitConfig,
  budget: DeviceBudget,
  forcedInitsPerChunk?: number,
  redrawWeights = false,
): InitPlan {
  const widths = layerWidths(config);
  const strides = widths.map(padRows);
  const batchTile = batchTileFor(config.batch);
  const batchPadded = padToTile(config.batch, batchTile);
  const bindingLimit = Math.min(budget.maxStorageBufferBindingSize, budget.maxBufferSize);
  const perInit = perInitBytes(config, widths, strides, batchPadded, budget.reductionLanes);
  if (perInit.fixed > budget.memoryBudgetBytes || perInit.largestBuffer > bindingLimit) {
    const needed = (perInit.fixed / MIB).toFixed(0);
    const available = (Math.min(budget.memoryBudgetBytes, bindingLimit) / MIB).toFixed(0);
    throw new ConfigError(
      'depth',
      `depth ${config.depth} × batch ${config.batch} × width ${Math.max(...widths)} needs ${needed} MiB of ` +
        `activations and statistics per initialization, over this device's ${available} MiB: ` +
        'lower the depth, the batch or the width (or the histogram bins)',
    );
  }
  const weights = weightBytes(widths, strides);
  const maxInits = (weightBytesPerInit: number, largestWeight: number) =>
    Math.min(
      config.inits,
      Math.floor(budget.memoryBudgetBytes / (perInit.fixed + weightBytesPerInit)),
      Math.floor(bindingLimit / perInit.largestBuffer),
      Math.floor(bindingLimit / Math.max(4, largestWeight)),
    );
  const cachedInits = maxInits(weights.all, weights.largest);
  // Caching pays while a chunk still fills the GPU: at least 32 inits (or all of them).
  const forced =
    forcedInitsPerChunk === undefined ? undefined : Math.max(1, Math.min(config.inits, forcedInitsPerChunk));
  const cacheWeights =
    !redrawWeights && (forced === undefined ? cachedInits >= Math.min(config.inits, 32) : cachedInits >= forced);
  const initsPerChunk = Math.max(
    1,
    forced ?? (cacheWeights ? cachedInits : maxInits(weights.largest, weights.largest)),
  );
  const { rowsPerSlice, slices, normGroupsPerInit } = perInit;
  const shape = { widths, strides, batchTile, batchPadded, initsPerChunk, rowsPerSlice, slices, normGroupsPerInit };
  if (cacheWeights) {
    const rowsPerBlock = widths.map((width, l) => (l === 0 ? 0 : padRows(width)));
    return { ...shape, rowsPerBlock, cacheWeights, bytesPerChunk: initsPerChunk * (perInit.fixed + weights.all) };
  }
  // Redrawing, with one init per chunk a huge W[l] is drawn and used in blocks of rows.
  const weightBudget = Math.min(bindingLimit, budget.memoryBudgetBytes - initsPerChunk * perInit.fixed);
  const rowsPerBlock = widths.map((width, l) => {
    if (l === 0) return 0;
    const fit = Math.floor(weightBudget / (initsPerChunk * strides[l - 1] * 4) / WEIGHT_ROW_TILE) * WEIGHT_ROW_TILE;
    return Math.max(WEIGHT_ROW_TILE, Math.min(padRows(width), fit));
  });
  const weightBlockBytes = Math.max(...rowsPerBlock.map((rows, l) => (l === 0 ? 0 : rows * strides[l - 1] * 4)));
  return { ...shape, rowsPerBlock, cacheWeights, bytesPerChunk: initsPerChunk * (perInit.fixed + weightBlockBytes) };
}
