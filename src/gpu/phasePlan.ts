// How a phase-diagram run is cut to fit the device: networks ("inits", kc = cell·K + copy) per chunk
// from the binding limit, the buffer limit and a memory budget, and the shape (cells × copies) of
// each chunk. Pure numbers, tested without a GPU (tests/unit/phasePlan.test.ts); the records never
// depend on the plan (tests/gpu/phase.test.ts).
//
// Per network the chunk keeps z[1..L] (for φ' going down and for the records), two a and two δ
// buffers (ping-pong) and its records; per copy one standard-normal W[l] (drawn again for each layer
// going up and going down: a copy's W is used by every cell of the chunk, so drawing it is a
// 1/(2B · cells) share of the work and keeping all L of them would cost L× the memory), b[l], x and g.
import { ConfigError, type PhaseConfig, phaseCellCount } from '../core/phaseConfig';
import { failureVerb, formatBytes } from './gpuErrors';
import { type BatchTile, batchTileFor, padToTile, UNIT_TILE } from './layerTiles';
import { phaseRecordLayout } from './phaseKernels';

export interface PhaseDeviceBudget {
  maxStorageBufferBindingSize: number;
  maxBufferSize: number;
  /** Total bytes one chunk may hold on the device. */
  memoryBudgetBytes: number;
}

export interface PhasePlan {
  n: number;
  /** Row stride: n padded to 16 (the tiles' 16 units; W has ld rows of ld per copy). */
  ld: number;
  /** Input rows 2B, padded to whole batch tiles. */
  rows: number;
  batchTile: BatchTile;
  batchPadded: number;
  /** Networks one chunk holds at most (its buffers' size). */
  initsPerChunk: number;
  /** Copies one chunk holds at most (the per-copy buffers' size). */
  copiesPerChunk: number;
  bytesPerInit: number;
  bytesPerCopy: number;
  bytesPerChunk: number;
  /** The largest single buffer of a chunk. */
  largestBuffer: number;
}

/** 4-byte words of one phaseStats record. */
export const PHASE_RECORD_WORDS = phaseRecordLayout().words;

export function planPhaseRun(config: PhaseConfig, budget: PhaseDeviceBudget, forcedInitsPerChunk?: number): PhasePlan {
  const n = config.width;
  const ld = Math.ceil(n / UNIT_TILE) * UNIT_TILE;
  const rows = 2 * config.batch;
  const batchTile = batchTileFor(rows);
  const batchPadded = padToTile(rows, batchTile);
  const L = config.depth;
  const K = config.inits;
  const layerBytes = batchPadded * ld * 4;
  // z[1..L], a ×2, δ ×2, the records and their staging copy.
  const bytesPerInit = (L + 4) * layerBytes + 2 * L * PHASE_RECORD_WORDS * 4;
  // W, b, x and g of a copy.
  const bytesPerCopy = ld * ld * 4 + ld * 4 + 2 * layerBytes;
  const bindingLimit = Math.min(budget.maxStorageBufferBindingSize, budget.maxBufferSize);
  const copiesPerChunk = Math.min(
    K,
    Math.floor(bindingLimit / (ld * ld * 4)),
    Math.floor((budget.memoryBudgetBytes - bytesPerInit) / bytesPerCopy),
  );
  if (copiesPerChunk < 1 || bytesPerInit > bindingLimit) {
    const needed = formatBytes(bytesPerInit + bytesPerCopy);
    const available = formatBytes(Math.min(budget.memoryBudgetBytes, bindingLimit));
    throw new ConfigError(
      'width',
      `width ${n} × depth ${L} × ${rows} inputs needs ${needed} of GPU buffers per network, over this ` +
        `device's ${available}: lower the width, the depth or the input pairs`,
    );
  }
  const copyBytes = Math.min(K, copiesPerChunk) * bytesPerCopy;
  const memoryInits = Math.min(
    phaseCellCount(config) * K,
    Math.floor((budget.memoryBudgetBytes - copyBytes) / bytesPerInit),
    Math.floor(bindingLimit / layerBytes),
    Math.floor(bindingLimit / (L * PHASE_RECORD_WORDS * 4)),
  );
  const initsPerChunk = Math.max(1, Math.min(memoryInits, forcedInitsPerChunk ?? Infinity));
  const largestBuffer = Math.max(
    initsPerChunk * layerBytes,
    initsPerChunk * L * PHASE_RECORD_WORDS * 4,
    copiesPerChunk * ld * ld * 4,
  );
  return {
    n,
    ld,
    rows,
    batchTile,
    batchPadded,
    initsPerChunk,
    copiesPerChunk,
    bytesPerInit,
    bytesPerCopy,
    bytesPerChunk: initsPerChunk * bytesPerInit + copiesPerChunk * bytesPerCopy,
    largestBuffer,
  };
}

/** A chunk of the grid: cells [firstCell, firstCell + cells) × copies [firstCopy, firstCopy + copies). */
export interface PhaseChunk {
  firstCell: number;
  cells: number;
  firstCopy: number;
  copies: number;
}

/**
 * The next chunk from where the run stands (cell, copy) and the networks it may hold: whole cells
 * (all K copies each) while `inits` holds K and the plan holds K copies, else copies of one cell.
 */
export function nextPhaseChunk(
  config: PhaseConfig,
  plan: PhasePlan,
  at: { cell: number; copy: number },
  inits: number,
): PhaseChunk {
  const K = config.inits;
  const cellsLeft = phaseCellCount(config) - at.cell;
  const size = Math.max(1, Math.min(inits, plan.initsPerChunk));
  if (at.copy === 0 && plan.copiesPerChunk >= K && size >= K) {
    return { firstCell: at.cell, cells: Math.min(cellsLeft, Math.floor(size / K)), firstCopy: 0, copies: K };
  }
  return { firstCell: at.cell, cells: 1, firstCopy: at.copy, copies: Math.min(K - at.copy, size, plan.copiesPerChunk) };
}

/** Where the run stands after `chunk`. */
export function afterPhaseChunk(config: PhaseConfig, chunk: PhaseChunk): { cell: number; copy: number } {
  const copy = chunk.firstCopy + chunk.copies;
  if (copy >= config.inits) return { cell: chunk.firstCell + chunk.cells, copy: 0 };
  return { cell: chunk.firstCell, copy };
}

/**
 * Why a chunk's allocation failed, and what fits: "a chunk of 2048 networks (width 256, depth 30, 8
 * inputs) needs 540 MiB of GPU buffers, the largest 16 MiB; the GPU refused them (…). Chunks of ≤ 1000
 * networks (270 MiB) fit in half of that; the engine plans them from now on: run again."
 */
export function phaseChunkFailureMessage(
  config: PhaseConfig,
  plan: PhasePlan,
  smaller: PhasePlan | undefined,
  gpuError: string,
): string {
  const shape = `width ${config.width}, depth ${config.depth}, ${plan.rows} inputs`;
  const fit = smaller
    ? `Chunks of ≤ ${smaller.initsPerChunk} network${smaller.initsPerChunk === 1 ? '' : 's'}` +
      ` (${formatBytes(smaller.bytesPerChunk)}, the largest buffer ${formatBytes(smaller.largestBuffer)})` +
      ' fit in half of that; the engine plans them from now on: run again.'
    : 'Not even one network fits in half of that: lower the width, the depth or the input pairs.';
  const verb = failureVerb(gpuError);
  return (
    `a chunk of ${plan.initsPerChunk} network${plan.initsPerChunk === 1 ? '' : 's'} (${shape}) needs ` +
    `${formatBytes(plan.bytesPerChunk)} of GPU buffers, the largest ${formatBytes(plan.largestBuffer)}; ` +
    `the GPU ${verb} them (${gpuError}). ${fit}`
  );
}
