import { describe, expect, it } from 'vitest';
import { validateInitConfig } from '../../src/core/initConfig';
import { meanFieldTheory } from '../../src/core/meanField';
import {
  addValue,
  BinClass,
  binIndex,
  createLayerAccumulators,
  createQuantityAccumulator,
  histogramRange,
  quantile,
  quantiles,
  summarize,
  summarizeQuantity,
} from '../../src/core/stats';

describe('quantile (type 7)', () => {
  it('interpolates linearly between order statistics, like R’s default', () => {
    expect(quantile([4, 1, 3, 2], 0.5)).toBe(2.5);
    expect(quantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.05)).toBeCloseTo(1.45, 14); // R: quantile(1:10, 0.05)
    expect(quantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.95)).toBeCloseTo(9.55, 14);
    expect(quantile([7], 0.3)).toBe(7);
    expect(quantile([3, 1, 2], 0)).toBe(1);
    expect(quantile([3, 1, 2], 1)).toBe(3);
  });

  it('ignores NaN, returns NaN for no values, and keeps infinities honest', () => {
    expect(quantile([NaN, 1, NaN, 3], 0.5)).toBe(2);
    expect(quantile([NaN], 0.5)).toBeNaN();
    expect(quantile([], 0.5)).toBeNaN();
    expect(quantile([1, Infinity], 0.5)).toBe(Infinity);
    expect(quantile([-Infinity, 1], 0.5)).toBe(-Infinity);
    expect(quantile([Infinity, Infinity], 0.5)).toBe(Infinity);
    expect(() => quantile([1], 1.5)).toThrow(RangeError);
  });

  it('quantiles: several from one sort, each equal to its own quantile call', () => {
    const values = Array.from({ length: 101 }, (_, i) => Math.sin(i * 12.9898) * 43758.5453 - 3);
    values[17] = NaN;
    values[40] = Infinity;
    const ps = [0, 0.05, 0.1, 0.5, 0.9, 0.95, 1];
    expect(quantiles(values, ps)).toEqual(ps.map((p) => quantile(values, p)));
    expect(quantiles([], [0.5, 0.9])).toEqual([NaN, NaN]);
    expect(() => quantiles([1, 2], [0.5, -0.1])).toThrow(/got -0.1/);
  });
});

describe('binIndex', () => {
  it('bins [lo, hi] into equal bins; hi itself goes to the last bin', () => {
    expect(binIndex(-1, -1, 1, 8)).toBe(0);
    expect(binIndex(-0.75, -1, 1, 8)).toBe(1); // an inner edge starts its bin
    expect(binIndex(0, -1, 1, 8)).toBe(4);
    expect(binIndex(0.9999, -1, 1, 8)).toBe(7);
    expect(binIndex(1, -1, 1, 8)).toBe(7);
  });

  it('separates underflow, overflow, NaN and ±∞', () => {
    expect(binIndex(-1.0001, -1, 1, 8)).toBe(BinClass.underflow);
    expect(binIndex(1.0001, -1, 1, 8)).toBe(8);
    expect(binIndex(NaN, -1, 1, 8)).toBe(BinClass.nan);
    expect(binIndex(Infinity, -1, 1, 8)).toBe(BinClass.posInf);
    expect(binIndex(-Infinity, -1, 1, 8)).toBe(BinClass.negInf);
  });
});

describe('histogramRange', () => {
  it('uses the activation’s range for a and ±4√(theory mean square) otherwise', () => {
    const tanh = validateInitConfig({ activation: 'tanh', depth: 3 });
    const theory = meanFieldTheory(tanh);
    expect(histogramRange(tanh, theory, 2, 'a')).toEqual({ lo: -1, hi: 1 });
    const z = histogramRange(tanh, theory, 2, 'z');
    expect(z.hi).toBeCloseTo(4 * Math.sqrt(theory[1].zMeanSquare), 14);
    expect(z.lo).toBe(-z.hi);
    const delta = histogramRange(tanh, theory, 3, 'delta');
    expect(delta.hi).toBeCloseTo(4 * Math.sqrt(theory[2].deltaMeanSquare), 14);
    const sigmoid = validateInitConfig({ activation: 'sigmoid' });
    expect(histogramRange(sigmoid, meanFieldTheory(sigmoid), 1, 'a')).toEqual({ lo: 0, hi: 1 });
    const relu = validateInitConfig({ activation: 'relu', scheme: 'he-normal' });
    expect(histogramRange(relu, meanFieldTheory(relu), 4, 'a')).toEqual({ lo: 0, hi: 4 });
    const linear = validateInitConfig({ activation: 'linear', scale: 2 });
    expect(histogramRange(linear, meanFieldTheory(linear), 1, 'a').lo).toBeCloseTo(-8, 13);
  });

  it('falls back to ±1 (relu a: [0, 1]) when the theory gives 0 or ∞', () => {
    const zeros = validateInitConfig({ activation: 'relu', scheme: 'zeros' });
    const theory = meanFieldTheory(zeros);
    expect(histogramRange(zeros, theory, 3, 'z')).toEqual({ lo: -1, hi: 1 });
    expect(histogramRange(zeros, theory, 3, 'a')).toEqual({ lo: 0, hi: 1 });
    expect(histogramRange(zeros, theory, 3, 'delta')).toEqual({ lo: -1, hi: 1 });
    const exploding = validateInitConfig({ activation: 'linear', scale: 100, depth: 200 });
    expect(histogramRange(exploding, meanFieldTheory(exploding), 200, 'z')).toEqual({ lo: -1, hi: 1 });
  });
});

describe('accumulators and summarize', () => {
  it('count and sum finite values only, and count the rest by kind', () => {
    const acc = createQuantityAccumulator(4, 2);
    const range = { lo: 0, hi: 4 };
    for (const v of [1, 2, 3, NaN, Infinity, -Infinity, -Infinity]) addValue(acc, v, 0, range);
    for (const v of [10, -5]) addValue(acc, v, 1, range);
    expect([acc.count, acc.nan, acc.posInf, acc.negInf, acc.underflow, acc.overflow]).toEqual([5, 1, 1, 2, 1, 1]);
    expect(Array.from(acc.histogram)).toEqual([0, 1, 1, 1]);
    const stats = summarizeQuantity(acc, range);
    expect(stats.mean).toBeCloseTo(11 / 5, 14);
    expect(stats.meanSquare).toBeCloseTo(139 / 5, 13);
    expect(stats.variance).toBeCloseTo(139 / 5 - (11 / 5) ** 2, 12);
    // Per-init variances: init 0 {1, 2, 3} → 2/3, init 1 {10, −5} → 56.25; type-7 p50 = their midpoint.
    expect(stats.initVarianceQuantiles.p50).toBeCloseTo((2 / 3 + 56.25) / 2, 12);
    expect(stats.histogram.edges).toEqual([0, 1, 2, 3, 4]);
    expect(stats.histogram).toMatchObject({
      counts: [0, 1, 1, 1],
      underflow: 1,
      overflow: 1,
      nan: 1,
      posInf: 1,
      negInf: 2,
    });
  });

  it('reports null (never NaN) where there are no finite values, and the documented JSON shape', () => {
    const config = validateInitConfig({ depth: 2, width: 3, inputWidth: 5, inits: 2, bins: 8 });
    const theory = meanFieldTheory(config);
    const layers = [createLayerAccumulators(8, 2), createLayerAccumulators(8, 2)];
    addValue(layers[0].z, NaN, 0, { lo: -1, hi: 1 });
    layers[0].dWNormSquared.set([NaN, Infinity]);
    layers[1].dWNormSquared.set([4, Infinity]);
    const result = summarize(config, theory, layers);
    const json = JSON.stringify(result);
    expect(json).not.toContain('NaN');
    const first = result.layers[0];
    expect(Object.keys(first)).toEqual(['layer', 'z', 'a', 'delta', 'dW', 'symmetry', 'theory']);
    expect(Object.keys(first.z)).toEqual([
      'count',
      'mean',
      'variance',
      'meanSquare',
      'initVarianceQuantiles',
      'histogram',
    ]);
    expect(Object.keys(first.z.histogram)).toEqual([
      'edges',
      'counts',
      'underflow',
      'overflow',
      'nan',
      'posInf',
      'negInf',
    ]);
    expect(first.z).toMatchObject({ count: 0, mean: null, variance: null, meanSquare: null });
    expect(first.z.initVarianceQuantiles).toEqual({ p5: null, p50: null, p95: null });
    expect(first.z.histogram.nan).toBe(1);
    expect(first.z.histogram.edges).toHaveLength(9);
    expect(first.dW).toEqual({ meanSquare: null, normQuantiles: { p5: null, p50: null, p95: null } }); // no finite init
    expect(result.layers[1].dW.meanSquare).toBe(4 / (3 * 3)); // the ∞ init is left out; n[2]·n[1] = 9
    expect(result.layers[1].dW.normQuantiles.p50).toBe(2);
  });
});
