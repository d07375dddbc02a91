// CPU twin of shaders/trainInit.wgsl / src/gpu/trainInit.ts: the initial parameters of K copies.
// Copy k is initialization k of the initialization engine's schemes (initWeight / initBias), with a
// training-specific layer numbering: layer l of the training network draws from stream layer
// TRAIN_LAYER_BASE + l, so its weights never reuse the words of the initialization explorer's.

import { initBias, initWeight, type Scheme, weightFactor } from './schemes';
import type { TrainLayout } from './trainLayout';

export const TRAIN_LAYER_BASE = 0x100;

/** The one number per layer the kernel multiplies its draw by (std, uniform bound, constant or 0). */
export function trainInitFactors(layout: TrainLayout, scheme: Scheme, scale: number): Float64Array {
  const factors = new Float64Array(layout.layerCount + 1);
  for (let l = 1; l <= layout.layerCount; l++)
    factors[l] = weightFactor(scheme, scale, layout.widths[l - 1], layout.widths[l]);
  return factors;
}

/**
 * Copies in cells (the trainability grid: one cell per σ_w): copy `copy` is copy k = copy mod `copies` of
 * cell ⌊copy / copies⌋, whose weights are `scales[cell]` times the draws of counter k (every cell draws
 * the same numbers: common random numbers, so neighbouring cells differ by their scale, not their draws).
 */
export interface InitCells {
  /** Copies per cell. */
  copies: number;
  /** Weight multiplier of each cell. */
  scales: readonly number[];
}

/**
 * K·P parameters, copy-major (trainLayout.ts): W[l] by the scheme (times the cell's scale), b[l] ~ N(0, biasStd²).
 * Without cells: one cell of all K copies, scale 1.
 */
export function trainInit(
  layout: TrainLayout,
  scheme: Scheme,
  scale: number,
  biasStd: number,
  seed: number,
  copies: number,
  cells: InitCells = { copies, scales: [1] },
): Float64Array {
  if (cells.copies * cells.scales.length !== copies)
    throw new RangeError(`trainInit: ${cells.scales.length} cells of ${cells.copies} copies are not K = ${copies}`);
  const P = layout.paramCount;
  const weights = new Float64Array(copies * P);
  for (let copy = 0; copy < copies; copy++) {
    const k = copy % cells.copies;
    const cellScale = cells.scales[Math.floor(copy / cells.copies)];
    const base = copy * P;
    for (let l = 1; l <= layout.layerCount; l++) {
      const nIn = layout.widths[l - 1];
      const nOut = layout.widths[l];
      const layerKey = TRAIN_LAYER_BASE + l;
      for (let i = 0; i < nOut; i++) {
        for (let j = 0; j < nIn; j++) {
          weights[base + layout.weightOffset[l] + i * nIn + j] =
            cellScale * initWeight(seed, scheme, scale, layerKey, k, i, j, nIn, nOut);
        }
        weights[base + layout.biasOffset[l] + i] = initBias(seed, biasStd, layerKey, k, i);
      }
    }
  }
  return weights;
}
