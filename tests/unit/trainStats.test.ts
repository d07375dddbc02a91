import { describe, expect, it } from 'vitest';
import { trainLayout } from '../../src/core/trainLayout';
import {
  band,
  chooseCopy,
  identicalHiddenUnits,
  rankCopies,
  summarizeCheckpoint,
  summarizeWeights,
} from '../../src/core/trainStats';

/** Metrics rows [trainLoss, trainAccuracy, testLoss, testAccuracy] per copy. */
function metrics(rows: number[][]): Float64Array {
  return Float64Array.from(rows.flat());
}

describe('training checkpoint statistics', () => {
  it('bands are the 10/50/90% quantiles of the finite values', () => {
    expect(band([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11])).toEqual({ p10: 2, p50: 6, p90: 10 });
    expect(band([NaN, 3, NaN])).toEqual({ p10: 3, p50: 3, p90: 3 });
    expect(band([NaN])).toEqual({ p10: null, p50: null, p90: null });
  });

  it('counts diverged copies beside the bands, which cover the finite copies only', () => {
    const layout = trainLayout([1]);
    const params = new Float64Array(3 * layout.paramCount).fill(0.5);
    const rows = metrics([
      [0.2, 0.95, 0.3, 0.92],
      [NaN, NaN, NaN, NaN],
      [0.4, 0.85, 0.5, 0.8],
    ]);
    const reached = new Uint8Array(3);
    const first = summarizeCheckpoint(10, layout, rows, params, reached, 0.9, 8);
    expect(first.diverged).toBe(1);
    expect(first.trainLoss).toEqual({ p10: 0.2 + 0.1 * 0.2, p50: 0.30000000000000004, p90: 0.2 + 0.9 * 0.2 });
    expect(first.aboveTarget).toBeCloseTo(1 / 3, 15);
    expect(first.ranking).toEqual({ best: 0, median: 0, worst: 2 });
    // Copy 0 falls back below the target: it still has reached it.
    const later = metrics([
      [0.2, 0.95, 0.3, 0.85],
      [NaN, NaN, NaN, NaN],
      [0.4, 0.85, 0.5, 0.8],
    ]);
    const second = summarizeCheckpoint(20, layout, later, params, reached, 0.9, 8);
    expect(second.aboveTarget).toBe(0);
    expect(second.reachedTarget).toBeCloseTo(1 / 3, 15);
  });

  it('chooses copies by rank or index', () => {
    const rows = metrics([
      [0, 0, 0.5, 0],
      [0, 0, 0.1, 0],
      [0, 0, 0.9, 0],
      [0, 0, 0.3, 0],
    ]);
    expect(rankCopies(rows)).toEqual({ best: 1, median: 3, worst: 2 });
    expect(chooseCopy(rows, 'median')).toBe(3);
    expect(chooseCopy(rows, 2)).toBe(2);
    expect(() => chooseCopy(rows, 4)).toThrow(RangeError);
    expect(chooseCopy(metrics([[NaN, NaN, NaN, NaN]]), 'best')).toBeNull();
  });

  it('summarizes the weights only (not the biases): exact zeros, spread, histogram', () => {
    const layout = trainLayout([2]); // W1 2×2, b1 2, W2 1×2, b2 1: 6 weights, P = 9
    const params = Float64Array.from([/* W1 */ 0, -0, 1, -1, /* b1 */ 7, 7, /* W2 */ 0.5, NaN, /* b2 */ 7]);
    const summary = summarizeWeights(layout, params, 1, 4);
    expect(summary.count).toBe(6);
    expect(summary.zeroShare).toBeCloseTo(2 / 6, 15);
    expect(summary.nonFinite).toBe(1);
    expect(summary.maxAbs).toBe(1);
    expect(summary.mean).toBeCloseTo(0.1, 15);
    expect(summary.histogram).toEqual({ lo: -1, hi: 1, counts: [1, 0, 2, 2] });
    expect(summary.std).toBeCloseTo(Math.sqrt(2.25 / 5 - 0.01), 12);
  });

  it('finds hidden layers whose units are interchangeable (same bias, incoming and outgoing weights)', () => {
    const layout = trainLayout([3, 2]);
    const params = new Float64Array(layout.paramCount);
    expect(identicalHiddenUnits(layout, params)).toEqual([true, true]);
    // Same incoming row, bias and outgoing column for every unit of layer 1 (and W[2] constant): still identical.
    for (let i = 0; i < 3; i++) {
      params[layout.weightOffset[1] + 2 * i] = 0.3;
      params[layout.weightOffset[1] + 2 * i + 1] = -0.7;
      params[layout.biasOffset[1] + i] = 0.1;
      for (let r = 0; r < 2; r++) params[layout.weightOffset[2] + 3 * r + i] = 0.5;
    }
    expect(identicalHiddenUnits(layout, params)).toEqual([true, true]);
    // The two units of layer 2 differ in their output weight: layer 2 is broken, layer 1 is not.
    params[layout.weightOffset[3] + 1] = 1;
    expect(identicalHiddenUnits(layout, params)).toEqual([true, false]);
    // W[2] is layer 1's outgoing and layer 2's incoming weights: one entry breaks both.
    params[layout.weightOffset[2] + 3 * 1 + 2] = 0.4;
    expect(identicalHiddenUnits(layout, params)).toEqual([false, false]);
  });
});
