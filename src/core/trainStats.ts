// What a checkpoint of the training engine reports, from the per-copy metrics (trainMetrics) and the
// parameters, shared by the GPU engine and the CPU twin:
//   bands: the 10/50/90% quantiles (type 7) across copies of each metric, over the finite copies;
//   diverged: copies whose metrics are NaN (non-finite loss or parameters), counted beside the bands;
//   target: the share of all K copies (diverged ones fail) whose test accuracy is ≥ the target now,
//           and the share that has been ≥ the target at any checkpoint so far;
//   weights: the weights of all copies (biases excluded): the share exactly 0, the spread, a histogram.

import { quantiles } from './stats';
import type { TrainLayout } from './trainLayout';
import { METRICS_PER_COPY, Metric } from './trainMetrics';

export interface Band {
  p10: number | null;
  p50: number | null;
  p90: number | null;
}

export interface WeightSummary {
  /** Weights counted: K · weightCount. */
  count: number;
  /** Share of all weights that are exactly 0 (±0). */
  zeroShare: number;
  /** Weights that are NaN or ±∞ (left out of everything below). */
  nonFinite: number;
  mean: number | null;
  /** Population standard deviation of the finite weights. */
  std: number | null;
  meanAbs: number | null;
  maxAbs: number | null;
  /** Counts of the finite weights in `bins` equal bins over [lo, hi] = [−maxAbs, maxAbs] (±1 when all are 0). */
  histogram: { lo: number; hi: number; counts: number[] };
}

export interface CopyRanking {
  /** Copy indices by test loss among the finite copies; null when every copy diverged. */
  best: number | null;
  median: number | null;
  worst: number | null;
}

export interface TrainingCheckpoint {
  step: number;
  copies: number;
  trainLoss: Band;
  trainAccuracy: Band;
  testLoss: Band;
  testAccuracy: Band;
  diverged: number;
  target: number;
  /** Share of the K copies with test accuracy ≥ target at this step. */
  aboveTarget: number;
  /** Share of the K copies whose test accuracy was ≥ target at this or an earlier checkpoint. */
  reachedTarget: number;
  weights: WeightSummary;
  ranking: CopyRanking;
  /** The raw per-copy metrics (METRICS_PER_COPY per copy, trainMetrics.ts), for plots and picks. */
  copyMetrics: Float64Array;
}

function finiteOrNull(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

/** 10/50/90% quantiles of the finite values; nulls when there are none. */
export function band(values: ArrayLike<number>): Band {
  const finite = Array.from(values).filter(Number.isFinite);
  if (finite.length === 0) return { p10: null, p50: null, p90: null };
  const [p10, p50, p90] = quantiles(finite, [0.1, 0.5, 0.9]).map(finiteOrNull);
  return { p10, p50, p90 };
}

/** Metric m of every copy. */
export function metricColumn(copyMetrics: ArrayLike<number>, metric: number): Float64Array {
  const copies = copyMetrics.length / METRICS_PER_COPY;
  const column = new Float64Array(copies);
  for (let k = 0; k < copies; k++) column[k] = copyMetrics[k * METRICS_PER_COPY + metric];
  return column;
}

/** Best (lowest test loss), median and worst copy among the finite ones; ties go to the lower index. */
export function rankCopies(copyMetrics: ArrayLike<number>): CopyRanking {
  const testLoss = metricColumn(copyMetrics, Metric.testLoss);
  const order = Array.from(testLoss.keys())
    .filter((k) => Number.isFinite(testLoss[k]))
    .sort((a, b) => testLoss[a] - testLoss[b] || a - b);
  if (order.length === 0) return { best: null, median: null, worst: null };
  return { best: order[0], median: order[Math.floor((order.length - 1) / 2)], worst: order[order.length - 1] };
}

export const COPY_CHOICES = ['median', 'best', 'worst'] as const;
export type CopyChoice = (typeof COPY_CHOICES)[number] | number;

/** The copy a view shows: by rank, or an index in 0..K−1. Null when a rank is asked and every copy diverged. */
export function chooseCopy(copyMetrics: ArrayLike<number>, choice: CopyChoice): number | null {
  const copies = copyMetrics.length / METRICS_PER_COPY;
  if (typeof choice === 'number') {
    if (!Number.isInteger(choice) || choice < 0 || choice >= copies)
      throw new RangeError(`copy index must be in 0–${copies - 1} (got ${choice})`);
    return choice;
  }
  return rankCopies(copyMetrics)[choice];
}

/** The weights (not the biases) of all copies: zeros, spread, histogram. */
export function summarizeWeights(
  layout: TrainLayout,
  params: ArrayLike<number>,
  copies: number,
  bins: number,
): WeightSummary {
  let count = 0;
  let zeros = 0;
  let nonFinite = 0;
  let finiteCount = 0;
  let sum = 0;
  let sumSquares = 0;
  let sumAbs = 0;
  let maxAbs = 0;
  const forEachWeight = (visit: (w: number) => void) => {
    for (let k = 0; k < copies; k++) {
      for (let l = 1; l <= layout.layerCount; l++) {
        const start = k * layout.paramCount + layout.weightOffset[l];
        for (let p = start; p < k * layout.paramCount + layout.biasOffset[l]; p++) visit(params[p]);
      }
    }
  };
  forEachWeight((w) => {
    count++;
    if (!Number.isFinite(w)) {
      nonFinite++;
      return;
    }
    if (w === 0) zeros++;
    finiteCount++;
    sum += w;
    sumSquares += w * w;
    sumAbs += Math.abs(w);
    maxAbs = Math.max(maxAbs, Math.abs(w));
  });
  const hi = maxAbs > 0 ? maxAbs : 1;
  const counts = new Array<number>(bins).fill(0);
  forEachWeight((w) => {
    if (!Number.isFinite(w)) return;
    counts[Math.min(bins - 1, Math.floor(((w + hi) / (2 * hi)) * bins))]++;
  });
  const mean = sum / finiteCount;
  const has = finiteCount > 0;
  return {
    count,
    zeroShare: count > 0 ? zeros / count : 0,
    nonFinite,
    mean: has ? finiteOrNull(mean) : null,
    std: has ? finiteOrNull(Math.sqrt(Math.max(0, sumSquares / finiteCount - mean * mean))) : null,
    meanAbs: has ? finiteOrNull(sumAbs / finiteCount) : null,
    maxAbs: has ? finiteOrNull(maxAbs) : null,
    histogram: { lo: -hi, hi, counts },
  };
}

/**
 * A checkpoint from the copies' metrics and parameters. `reached` (one flag per copy, kept by the
 * engine across checkpoints) is updated in place with the copies at or above the target now.
 */
export function summarizeCheckpoint(
  step: number,
  layout: TrainLayout,
  copyMetrics: Float64Array,
  params: ArrayLike<number>,
  reached: Uint8Array,
  target: number,
  bins: number,
): TrainingCheckpoint {
  const copies = copyMetrics.length / METRICS_PER_COPY;
  const testAccuracy = metricColumn(copyMetrics, Metric.testAccuracy);
  let diverged = 0;
  let above = 0;
  let reachedCount = 0;
  for (let k = 0; k < copies; k++) {
    if (Number.isNaN(copyMetrics[k * METRICS_PER_COPY + Metric.trainLoss])) diverged++;
    if (testAccuracy[k] >= target) {
      above++;
      reached[k] = 1;
    }
    reachedCount += reached[k];
  }
  return {
    step,
    copies,
    trainLoss: band(metricColumn(copyMetrics, Metric.trainLoss)),
    trainAccuracy: band(metricColumn(copyMetrics, Metric.trainAccuracy)),
    testLoss: band(metricColumn(copyMetrics, Metric.testLoss)),
    testAccuracy: band(testAccuracy),
    diverged,
    target,
    aboveTarget: above / copies,
    reachedTarget: reachedCount / copies,
    weights: summarizeWeights(layout, params, copies, bins),
    ranking: rankCopies(copyMetrics),
    copyMetrics,
  };
}

/**
 * Per hidden layer l = 1..L−1 (entry l − 1): whether its units are interchangeable in one copy's
 * parameters (P floats): every unit i has unit 0's bias, incoming weights W[l]_{i,·} and outgoing
 * weights W[l+1]_{·,i}, within `tolerance` × the copy's largest finite |parameter|. A constant
 * (e.g. zeros) initialization gives every unit the same gradient, so gradient descent keeps them so.
 * A layer of one unit is trivially identical (true).
 */
export function identicalHiddenUnits(layout: TrainLayout, copyParams: ArrayLike<number>, tolerance = 1e-6): boolean[] {
  let scale = 0;
  for (let p = 0; p < layout.paramCount; p++)
    if (Number.isFinite(copyParams[p])) scale = Math.max(scale, Math.abs(copyParams[p]));
  const close = (a: number, b: number) => a === b || Math.abs(a - b) <= tolerance * scale;
  const { widths, weightOffset, biasOffset } = layout;
  const result: boolean[] = [];
  for (let l = 1; l < layout.layerCount; l++) {
    let identical = true;
    for (let i = 1; i < widths[l] && identical; i++) {
      identical = close(copyParams[biasOffset[l] + i], copyParams[biasOffset[l]]);
      for (let j = 0; j < widths[l - 1] && identical; j++) {
        identical = close(copyParams[weightOffset[l] + i * widths[l - 1] + j], copyParams[weightOffset[l] + j]);
      }
      for (let r = 0; r < widths[l + 1] && identical; r++) {
        const row = weightOffset[l + 1] + r * widths[l];
        identical = close(copyParams[row + i], copyParams[row]);
      }
    }
    result.push(identical);
  }
  return result;
}
