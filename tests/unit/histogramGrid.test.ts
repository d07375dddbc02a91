// Resampling per-layer histograms onto a common value axis: mass is conserved, a histogram on the
// grid's own bins comes back unchanged, and what lies beyond the grid lands in the edge rows.
import { describe, expect, it } from 'vitest';
import {
  densityHeight,
  gridCentres,
  gridOf,
  type HistogramLike,
  histogramTotal,
  LOG_FLOOR,
  resampleHistogram,
} from '../../src/view/histogramGrid';

function histogram(lo: number, hi: number, counts: number[], extra: Partial<HistogramLike> = {}): HistogramLike {
  const bins = counts.length;
  return {
    edges: Array.from({ length: bins + 1 }, (_, i) => lo + ((hi - lo) * i) / bins),
    counts,
    underflow: 0,
    overflow: 0,
    nan: 0,
    posInf: 0,
    negInf: 0,
    ...extra,
  };
}

const sum = (values: ArrayLike<number>): number => Array.from(values).reduce((a, b) => a + b, 0);

describe('resampleHistogram', () => {
  it('returns a histogram on its own grid unchanged (as fractions)', () => {
    const h = histogram(-1, 1, [1, 2, 3, 4]);
    const r = resampleHistogram(h, gridOf(h));
    expect(Array.from(r.fractions)).toEqual([0.1, 0.2, 0.3, 0.4]);
    expect(r).toMatchObject({ below: 0, above: 0, nan: 0, total: 10 });
  });

  it('spreads a wide layer over the edge rows and conserves mass', () => {
    // Source [−4, 4] in 4 bins of width 2 onto the grid [−1, 1] in 4 bins of width 0.5.
    const h = histogram(-4, 4, [10, 20, 20, 10], { underflow: 5, overflow: 3, negInf: 1, posInf: 2, nan: 4 });
    const r = resampleHistogram(h, { lo: -1, hi: 1, bins: 4 });
    const total = histogramTotal(h);
    expect(total).toBe(75);
    // Bin [−2, 0] (20 values) puts a quarter on each of [−1, −0.5] and [−0.5, 0].
    expect(Array.from(r.fractions).map((f) => f * total)).toEqual([5, 5, 5, 5]);
    expect(r.below * total).toBeCloseTo(10 + 10 + 5 + 1, 12); // [−4,−2], half of [−2,0], underflow, −∞
    expect(r.above * total).toBeCloseTo(10 + 10 + 3 + 2, 12);
    expect(r.nan * total).toBe(4);
    expect(sum(r.fractions) + r.below + r.above + r.nan).toBeCloseTo(1, 12);
  });

  it('puts a narrow (vanishing) layer into the middle bins, its tails just past its own edges', () => {
    const h = histogram(-0.01, 0.01, [3, 3], { underflow: 1, overflow: 1 });
    const r = resampleHistogram(h, { lo: -1, hi: 1, bins: 10 });
    expect(r.below).toBe(0);
    expect(r.above).toBe(0);
    expect(r.fractions[4] + r.fractions[5]).toBeCloseTo(1, 12);
  });

  it('handles empty histograms', () => {
    const r = resampleHistogram(histogram(-1, 1, [0, 0]), { lo: -1, hi: 1, bins: 3 });
    expect(r.total).toBe(0);
    expect(Array.from(r.fractions)).toEqual([0, 0, 0]);
  });
});

describe('gridCentres and densityHeight', () => {
  it('gives bin centres', () => {
    expect(gridCentres({ lo: 0, hi: 1, bins: 4 })).toEqual([0.125, 0.375, 0.625, 0.875]);
  });

  it('maps fractions to [0, 1] heights, log from the floor, linear from the maximum', () => {
    expect(densityHeight(1, 'log', 1)).toBe(1);
    expect(densityHeight(LOG_FLOOR, 'log', 1)).toBe(0);
    expect(densityHeight(LOG_FLOOR / 10, 'log', 1)).toBe(0);
    expect(densityHeight(Math.sqrt(LOG_FLOOR), 'log', 1)).toBeCloseTo(0.5, 12);
    expect(densityHeight(0.25, 'linear', 0.5)).toBe(0.5);
    expect(densityHeight(0, 'linear', 0)).toBe(0);
    expect(densityHeight(NaN, 'log', 1)).toBe(0);
  });
});
