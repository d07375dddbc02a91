// The y axis of the moments chart: log10 of the moments on a linear axis, decades as ticks, for
// any range a run can produce (a vanishing δ² reaches 1e-55 at depth 200; exploding runs 1e30+).
import { describe, expect, it } from 'vitest';
import { decadeSplits, logRange, type MomentSeries } from '../../src/view/varianceChart';

const series = (values: (number | null)[]): MomentSeries => ({
  key: 'delta',
  label: 'E[δ²]',
  color: '#fff',
  measured: values,
  theory: [],
  p5: [],
  p95: [],
});

describe('moments chart axis', () => {
  it('spans every positive value in decades, with air, and ignores zeros and gaps', () => {
    expect(logRange([series([1.2e-55, 0.37, null, 0])])).toEqual([-56, 0]);
    expect(logRange([series([3e-300, 2e300])])).toEqual([-300, 301]);
    expect(logRange([series([null, 0])])).toEqual([-3, 1]);
  });

  it('puts at most ~8 labelled decades on the axis, whole and evenly spaced', () => {
    expect(decadeSplits(-3, 1)).toEqual([-3, -2, -1, 0, 1]);
    const wide = decadeSplits(-300, 301);
    expect(wide.length).toBeLessThanOrEqual(9);
    expect(wide.every(Number.isInteger)).toBe(true);
    expect(new Set(wide.slice(1).map((k, i) => k - wide[i])).size).toBe(1);
    expect(decadeSplits(-55.4, 0.7)).toEqual([-56, -49, -42, -35, -28, -21, -14, -7, 0].filter((k) => k >= -55.4));
  });
});
