// How a run of the initialization engine is cut to fit the device: inits per chunk and rows per
// weight block, from the binding limit, the buffer limit and a memory budget; then, chunk by chunk,
// as many inits as keep a submission under the time budget (nextInitChunk), and the message when a
// chunk's buffers could not be allocated. Pure numbers, so the plan is tested without a GPU; results
// never depend on it (tests/gpu/initStats.test.ts).
import { ConfigError, type InitConfig, type KernelFamily } from '../core/initConfig';
import { layerWidths } from '../core/meanField';
import { failureVerb, formatBytes } from './gpuErrors';
import { HARDWARE_UNITS } from './hardwareTiles';
import { statsRecordLayout } from './initRecords';
import { type BatchTile, batchTileFor, padToTile, UNIT_TILE } from './layerTiles';
import { nextChunkSize } from './submitBudget';

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
  /**
   * W is drawn inside layerForward / layerBackward (the hardware family, src/gpu/hardwareTiles.ts): no weight
   * buffers, one block per layer, and a chunk holds as many inits as its activations allow.
   */
  fusedWeights: boolean;
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
  fusedWeights = false,
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
  const weights = fusedWeights ? { largest: 0, all: 0 } : weightBytes(widths, strides);
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
    !fusedWeights &&
    !redrawWeights &&
    (forced === undefined ? cachedInits >= Math.min(config.inits, 32) : cachedInits >= forced);
  const initsPerChunk = Math.max(
    1,
    forced ?? (cacheWeights ? cachedInits : maxInits(weights.largest, weights.largest)),
  );
  const { rowsPerSlice, slices, normGroupsPerInit } = perInit;
  const shape = {
    widths,
    strides,
    batchTile,
    batchPadded,
    initsPerChunk,
    rowsPerSlice,
    slices,
    normGroupsPerInit,
    fusedWeights,
  };
  if (cacheWeights || fusedWeights) {
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

/**
 * Workgroups of one layerForward (units: the block's rows) or layerBackward (units: δ[l−1]'s columns)
 * dispatch over `inits` inits: software, one 64-invocation workgroup per 64 BATCH_TILE × 16 tiles;
 * hardware, one workgroup per BATCH_TILE × 64 block (src/gpu/hardwareTiles.ts).
 */
export function layerWorkgroups(
  family: KernelFamily,
  shape: { inits: number; batchTile: BatchTile; batchPadded: number; units: number },
): number {
  const batchTiles = shape.inits * (shape.batchPadded / shape.batchTile);
  if (family === 'hardware') return batchTiles * Math.ceil(shape.units / HARDWARE_UNITS);
  return Math.ceil((batchTiles * Math.ceil(shape.units / UNIT_TILE)) / SOFTWARE_WORKGROUP);
}

/** Invocations per workgroup of the software family's layer kernels (WORKGROUP_SIZE in src/gpu/initKernels.ts). */
export const SOFTWARE_WORKGROUP = 64;

/** Row blocks of W in the layer that has the most (1 when every W[l] is drawn whole). */
export function maxWeightBlocks(plan: InitPlan): number {
  return Math.max(1, ...plan.widths.map((width, l) => (l === 0 ? 1 : Math.ceil(width / plan.rowsPerBlock[l]))));
}

/** What the next chunk holds: its inits, and the row blocks of W per submission (Infinity: a layer each). */
export interface InitChunkSize {
  inits: number;
  blocksPerSubmission: number;
}

/**
 * The next chunk from the last one's timing (src/gpu/initChunk.ts): as many inits as keep its slowest
 * layer under the budget, within the plan's memory bound; when one init's layer is over the budget,
 * one init and that layer's row blocks in several submissions (where W comes in blocks).
 */
export function nextInitChunk(
  timing: { msPerInit: number; msPerInitBlock: number },
  budgetMs: number,
  plan: InitPlan,
  last: InitChunkSize,
): InitChunkSize {
  const inits = nextChunkSize(timing.msPerInit, budgetMs, plan.initsPerChunk, last.inits);
  if (!(timing.msPerInit > budgetMs)) return { inits, blocksPerSubmission: Infinity };
  const blocks = maxWeightBlocks(plan);
  const lastBlocks = Number.isFinite(last.blocksPerSubmission) ? last.blocksPerSubmission : blocks;
  return { inits, blocksPerSubmission: nextChunkSize(timing.msPerInitBlock, budgetMs, blocks, lastBlocks) };
}

/** The largest single buffer of a chunk of the plan (src/gpu/initBuffers.ts and the records of initChunk.ts). */
export function largestChunkBuffer(config: InitConfig, plan: InitPlan): number {
  const Kc = plan.initsPerChunk;
  const maxStride = Math.max(...plan.strides);
  const weights = plan.rowsPerBlock.map((rows, l) => (l === 0 ? 0 : rows * plan.strides[l - 1]));
  let records = 0;
  for (let l = 1; l <= config.depth; l++) records += 3 * plan.slices[l] * (STATS_RECORD_WORDS + config.bins);
  return 4 * Kc * Math.max(plan.batchPadded * maxStride, ...weights, records);
}

/**
 * Why a chunk's allocation failed, and what fits: "a chunk of 20 of the K = 64 inits (depth 2, width 4096,
 * batch 4) needs 2.5 GiB of GPU buffers, the largest 1.3 GiB; the GPU refused them (…). Chunks of ≤ 9
 * inits (1.1 GiB, the largest buffer 576 MiB) fit in half of that; the engine plans them from now on: run
 * again." `smaller` is the plan under half the memory and half the largest buffer, undefined when not
 * even one init fits there.
 */
export function chunkFailureMessage(
  config: InitConfig,
  plan: InitPlan,
  smaller: InitPlan | undefined,
  gpuError: string,
): string {
  const shape = `depth ${config.depth}, width ${Math.max(...plan.widths)}, batch ${config.batch}`;
  const whole = plan.initsPerChunk >= config.inits;
  const what = whole
    ? `K = ${config.inits} init${config.inits === 1 ? '' : 's'} (${shape}) ${config.inits === 1 ? 'needs' : 'need'}`
    : `a chunk of ${plan.initsPerChunk} of the K = ${config.inits} inits (${shape}) needs`;
  const fit = smaller
    ? `Chunks of ≤ ${smaller.initsPerChunk} init${smaller.initsPerChunk === 1 ? '' : 's'}` +
      ` (${formatBytes(smaller.bytesPerChunk)}, ` +
      `the largest buffer ${formatBytes(largestChunkBuffer(config, smaller))})` +
      ' fit in half of that; the engine plans them from now on: run again.'
    : 'Not even one init fits in half of that: lower the depth, the batch or the width.';
  const verb = failureVerb(gpuError);
  return (
    `${what} ${formatBytes(plan.bytesPerChunk)} of GPU buffers, the largest ` +
    `${formatBytes(largestChunkBuffer(config, plan))}; the GPU ${verb} them (${gpuError}). ${fit}`
  );
}
