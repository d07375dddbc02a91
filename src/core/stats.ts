// Statistics shared by the GPU runner and the CPU twin: histogram ranges and bins, the raw
// accumulators both fill, and the one `summarize` that turns accumulators into the result.
// Sums are f64 and cover finite values only; NaN and ±∞ are counted, never summed.

import type { InitConfig } from './initConfig';
import type { TheoryLayer } from './meanField';

/** Quantile of type 7 (linear interpolation between order statistics, R's default); NaN ignored. */
export function quantile(values: ArrayLike<number>, p: number): number {
  return quantiles(values, [p])[0];
}

/** Several quantiles of type 7 from one sort (the values are sorted once, not once per p). */
export function quantiles(values: ArrayLike<number>, ps: readonly number[]): number[] {
  for (const p of ps) if (!(p >= 0 && p <= 1)) throw new RangeError(`quantile needs p in [0, 1] (got ${p})`);
  const sorted = Float64Array.from(values)
    .filter((x) => !Number.isNaN(x))
    .sort();
  return ps.map((p) => sortedQuantile(sorted, p));
}

function sortedQuantile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const t = h - lo;
  const a = sorted[lo];
  if (t === 0) return a;
  const b = sorted[lo + 1];
  if (a === b) return a;
  if (Number.isFinite(a) && Number.isFinite(b)) return a + t * (b - a);
  // An infinite end: the interpolant is that infinity (or, between −∞ and +∞, the nearer end).
  if (!Number.isFinite(a) && !Number.isFinite(b)) return t < 0.5 ? a : b;
  return Number.isFinite(a) ? b : a;
}

export type Quantity = 'z' | 'a' | 'delta';
export const QUANTITIES: readonly Quantity[] = ['z', 'a', 'delta'];

export interface HistogramRange {
  lo: number;
  hi: number;
}

/**
 * Histogram range of one quantity of one layer (1-based), from the theory of the config:
 * a: tanh [−1, 1], sigmoid [0, 1], relu [0, 4√E[a²]], linear ±4√E[a²]; z and δ: ±4√(mean square).
 * When the theory's mean square is 0 or not finite: ±1 (relu a: [0, 1]), so zero init still has bins.
 */
export function histogramRange(
  config: InitConfig,
  theory: TheoryLayer[],
  layer: number,
  quantity: Quantity,
): HistogramRange {
  const { activation } = config;
  if (quantity === 'a' && activation === 'tanh') return { lo: -1, hi: 1 };
  if (quantity === 'a' && activation === 'sigmoid') return { lo: 0, hi: 1 };
  const moments = theory[layer - 1];
  const meanSquare =
    quantity === 'z' ? moments.zMeanSquare : quantity === 'a' ? moments.aMeanSquare : moments.deltaMeanSquare;
  const usable = meanSquare > 0 && Number.isFinite(meanSquare);
  const reach = usable ? 4 * Math.sqrt(meanSquare) : 1;
  if (quantity === 'a' && activation === 'relu') return { lo: 0, hi: reach };
  return { lo: -reach, hi: reach };
}

/** Classes binIndex returns besides 0..bins−1 (underflow) and bins (overflow). */
export const BinClass = { underflow: -1, nan: -2, posInf: -3, negInf: -4 } as const;

/**
 * The bin of v: floor((v − lo)/(hi − lo)·bins) clamped to bins − 1 (so v = hi is in the last bin);
 * −1 below lo, bins above hi; NaN, +∞, −∞ get their own classes (BinClass), not under/overflow.
 */
export function binIndex(v: number, lo: number, hi: number, bins: number): number {
  if (Number.isNaN(v)) return BinClass.nan;
  if (v === Infinity) return BinClass.posInf;
  if (v === -Infinity) return BinClass.negInf;
  if (v < lo) return BinClass.underflow;
  if (v > hi) return bins;
  return Math.min(bins - 1, Math.floor(((v - lo) / (hi - lo)) * bins));
}

export interface QuantityAccumulator {
  /** Finite values only: count, Σx, Σx². */
  count: number;
  sum: number;
  sumSquares: number;
  nan: number;
  posInf: number;
  negInf: number;
  underflow: number;
  overflow: number;
  /** Counts per bin (length bins). */
  histogram: Float64Array;
  /** Per init k (length K), finite values of that init only. */
  initCount: Float64Array;
  initSum: Float64Array;
  initSumSquares: Float64Array;
}

export interface LayerAccumulators {
  z: QuantityAccumulator;
  a: QuantityAccumulator;
  delta: QuantityAccumulator;
  /** Per init k: ‖∂L/∂W[l]‖_F². */
  dWNormSquared: Float64Array;
  /** max over k, b, i of max(|z_i − z_0|, |δ_i − δ_0|), finite values only (0 means symmetric). */
  symmetry: number;
}

export function createQuantityAccumulator(bins: number, K: number): QuantityAccumulator {
  return {
    count: 0,
    sum: 0,
    sumSquares: 0,
    nan: 0,
    posInf: 0,
    negInf: 0,
    underflow: 0,
    overflow: 0,
    histogram: new Float64Array(bins),
    initCount: new Float64Array(K),
    initSum: new Float64Array(K),
    initSumSquares: new Float64Array(K),
  };
}

export function createLayerAccumulators(bins: number, K: number): LayerAccumulators {
  return {
    z: createQuantityAccumulator(bins, K),
    a: createQuantityAccumulator(bins, K),
    delta: createQuantityAccumulator(bins, K),
    dWNormSquared: new Float64Array(K),
    symmetry: 0,
  };
}

/** Adds one value of init k (the naive reference the GPU's workgroup reductions must reproduce). */
export function addValue(acc: QuantityAccumulator, v: number, k: number, range: HistogramRange): void {
  const bins = acc.histogram.length;
  const bin = binIndex(v, range.lo, range.hi, bins);
  if (bin === BinClass.nan) acc.nan++;
  else if (bin === BinClass.posInf) acc.posInf++;
  else if (bin === BinClass.negInf) acc.negInf++;
  else {
    acc.count++;
    acc.sum += v;
    acc.sumSquares += v * v;
    acc.initCount[k]++;
    acc.initSum[k] += v;
    acc.initSumSquares[k] += v * v;
    if (bin === BinClass.underflow) acc.underflow++;
    else if (bin === bins) acc.overflow++;
    else acc.histogram[bin]++;
  }
}

/** null for values JSON cannot carry (NaN, ±∞): "no finite value" or "beyond f64". */
function finiteOrNull(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

export interface Quantiles {
  p5: number | null;
  p50: number | null;
  p95: number | null;
}

function quantilesOf(values: number[]): Quantiles {
  if (values.length === 0) return { p5: null, p50: null, p95: null };
  const [p5, p50, p95] = quantiles(values, [0.05, 0.5, 0.95]).map(finiteOrNull);
  return { p5, p50, p95 };
}

export interface QuantityStats {
  /** Finite values. */
  count: number;
  mean: number | null;
  /** Population variance of the finite values. */
  variance: number | null;
  meanSquare: number | null;
  /** Quantiles over inits of each init's variance (inits without finite values left out). */
  initVarianceQuantiles: Quantiles;
  histogram: {
    edges: number[];
    counts: number[];
    underflow: number;
    overflow: number;
    nan: number;
    posInf: number;
    negInf: number;
  };
}

export interface LayerStats {
  layer: number;
  z: QuantityStats;
  a: QuantityStats;
  delta: QuantityStats;
  dW: { meanSquare: number | null; normQuantiles: Quantiles };
  symmetry: number;
  theory: {
    zMeanSquare: number | null;
    aMeanSquare: number | null;
    deltaMeanSquare: number | null;
    dWMeanSquare: number | null;
  };
}

export interface InitStatsResult {
  config: InitConfig;
  layers: LayerStats[];
}

/** max(0, E[x²] − E[x]²): f64 sums keep the cancellation harmless at these sample sizes. */
function varianceOf(count: number, sum: number, sumSquares: number): number {
  const mean = sum / count;
  return Math.max(0, sumSquares / count - mean * mean);
}

export function summarizeQuantity(acc: QuantityAccumulator, range: HistogramRange): QuantityStats {
  const bins = acc.histogram.length;
  const initVariances: number[] = [];
  for (let k = 0; k < acc.initCount.length; k++) {
    if (acc.initCount[k] > 0) initVariances.push(varianceOf(acc.initCount[k], acc.initSum[k], acc.initSumSquares[k]));
  }
  const hasValues = acc.count > 0;
  return {
    count: acc.count,
    mean: hasValues ? finiteOrNull(acc.sum / acc.count) : null,
    variance: hasValues ? finiteOrNull(varianceOf(acc.count, acc.sum, acc.sumSquares)) : null,
    meanSquare: hasValues ? finiteOrNull(acc.sumSquares / acc.count) : null,
    initVarianceQuantiles: quantilesOf(initVariances.filter(Number.isFinite)),
    histogram: {
      edges: Array.from({ length: bins + 1 }, (_, i) => range.lo + ((range.hi - range.lo) * i) / bins),
      counts: Array.from(acc.histogram),
      underflow: acc.underflow,
      overflow: acc.overflow,
      nan: acc.nan,
      posInf: acc.posInf,
      negInf: acc.negInf,
    },
  };
}

/**
 * The result of an initialization run. dW.meanSquare = mean over inits of ‖∂L/∂W[l]‖_F² / (n[l]·n[l−1]),
 * normQuantiles = quantiles of ‖∂L/∂W[l]‖_F; inits whose norm is not finite are left out of both.
 */
export function summarize(config: InitConfig, theory: TheoryLayer[], layers: LayerAccumulators[]): InitStatsResult {
  const stats = layers.map((acc, index): LayerStats => {
    const layer = index + 1;
    const nIn = layer === 1 ? config.inputWidth : config.width;
    const nOut = config.width;
    const finiteNormSquares = Array.from(acc.dWNormSquared).filter(Number.isFinite);
    const meanNormSquare = finiteNormSquares.reduce((sum, x) => sum + x, 0) / finiteNormSquares.length;
    const moments = theory[index];
    return {
      layer,
      z: summarizeQuantity(acc.z, histogramRange(config, theory, layer, 'z')),
      a: summarizeQuantity(acc.a, histogramRange(config, theory, layer, 'a')),
      delta: summarizeQuantity(acc.delta, histogramRange(config, theory, layer, 'delta')),
      dW: {
        meanSquare: finiteNormSquares.length > 0 ? finiteOrNull(meanNormSquare / (nOut * nIn)) : null,
        normQuantiles: quantilesOf(finiteNormSquares.map(Math.sqrt)),
      },
      symmetry: acc.symmetry,
      theory: {
        zMeanSquare: finiteOrNull(moments.zMeanSquare),
        aMeanSquare: finiteOrNull(moments.aMeanSquare),
        deltaMeanSquare: finiteOrNull(moments.deltaMeanSquare),
        dWMeanSquare: finiteOrNull(moments.dWMeanSquare),
      },
    };
  });
  return { config, layers: stats };
}

function addQuantityChunk(acc: QuantityAccumulator, chunk: QuantityAccumulator, firstInit: number): void {
  acc.count += chunk.count;
  acc.sum += chunk.sum;
  acc.sumSquares += chunk.sumSquares;
  acc.nan += chunk.nan;
  acc.posInf += chunk.posInf;
  acc.negInf += chunk.negInf;
  acc.underflow += chunk.underflow;
  acc.overflow += chunk.overflow;
  for (let bin = 0; bin < acc.histogram.length; bin++) acc.histogram[bin] += chunk.histogram[bin];
  acc.initCount.set(chunk.initCount, firstInit);
  acc.initSum.set(chunk.initSum, firstInit);
  acc.initSumSquares.set(chunk.initSumSquares, firstInit);
}

/**
 * Adds the accumulators of one chunk of inits (its per-init entries 0, 1, … are inits firstInit, firstInit + 1,
 * …) into those of the whole run: counts, sums and bins add up, per-init values land at their inits.
 */
export function addChunk(layers: LayerAccumulators[], chunk: readonly LayerAccumulators[], firstInit: number): void {
  if (chunk.length !== layers.length) throw new RangeError(`a chunk of ${chunk.length} layers for ${layers.length}`);
  layers.forEach((acc, index) => {
    const part = chunk[index];
    addQuantityChunk(acc.z, part.z, firstInit);
    addQuantityChunk(acc.a, part.a, firstInit);
    addQuantityChunk(acc.delta, part.delta, firstInit);
    acc.dWNormSquared.set(part.dWNormSquared, firstInit);
    acc.symmetry = Math.max(acc.symmetry, part.symmetry);
  });
}

function firstInits<T extends { initCount: Float64Array; initSum: Float64Array; initSumSquares: Float64Array }>(
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

/** The summary over the first `done` inits of a run in flight (the later inits' entries are still empty). */
export function summarizeFirst(
  config: InitConfig,
  theory: TheoryLayer[],
  layers: LayerAccumulators[],
  done: number,
): InitStatsResult {
  if (done === config.inits) return summarize(config, theory, layers);
  const partialLayers = layers.map((layer) => ({
    ...layer,
    z: firstInits(layer.z, done),
    a: firstInits(layer.a, done),
    delta: firstInits(layer.delta, done),
    dWNormSquared: layer.dWNormSquared.subarray(0, done),
  }));
  return summarize({ ...config, inits: done }, theory, partialLayers);
}
