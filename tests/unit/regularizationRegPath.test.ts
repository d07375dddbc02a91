import { describe, expect, it } from 'vitest';
import { logSpace, regularizationPath } from '../../src/core/regPath';
import { generateRegularizationData, modelGradient } from '../../src/core/regularizationModels';

const quadratic = generateRegularizationData('quadratic', {
  seed: 1,
  points: 1,
  correlation: 0,
  eccentricity: 1,
  noise: 0,
});

describe('logSpace', () => {
  it('spans lo..hi with exact endpoints and a constant ratio', () => {
    const values = logSpace(1e-3, 10, 9);
    expect(values.length).toBe(9);
    expect(values[0]).toBe(1e-3);
    expect(values[8]).toBe(10);
    for (let k = 1; k < 9; k++) expect(values[k] / values[k - 1]).toBeCloseTo(10 ** 0.5, 10);
    expect(logSpace(2, 5, 1)).toEqual([2]);
    expect(() => logSpace(0, 1, 5)).toThrow(/lo, hi > 0/);
  });
});

describe('regularizationPath', () => {
  const lambdas = logSpace(1e-3, 10, 61);

  it('quadratic: L1 coordinates hit exactly 0 at λ = |a|·h and stay 0; L2 shrinks monotonically, never 0', () => {
    const path = regularizationPath('quadratic', quadratic, lambdas, [0, 0]);
    const thresholds = [1.5 * 2, 0.4 * 0.5];
    for (let k = 0; k < 2; k++) {
      const zeroFrom = path.findIndex((point) => point.l1[k] === 0);
      expect(zeroFrom).toBeGreaterThan(0);
      for (const point of path.slice(zeroFrom)) expect(point.l1[k]).toBe(0);
      // first exact zero at the first λ ≥ threshold (closed form), nonzero before it.
      expect(path[zeroFrom].lambda).toBeGreaterThanOrEqual(thresholds[k]);
      expect(path[zeroFrom - 1].lambda).toBeLessThan(thresholds[k]);
      for (let p = 1; p < path.length; p++) {
        expect(Math.abs(path[p].l2[k])).toBeLessThan(Math.abs(path[p - 1].l2[k]));
        expect(path[p].l2[k]).not.toBe(0);
      }
    }
  });

  it('linear data: both L1 coordinates are exactly 0 for λ ≥ ‖∇J(0)‖∞; the L2 norm shrinks monotonically', () => {
    const data = generateRegularizationData('linear', {
      seed: 21,
      points: 128,
      correlation: 0.5,
      eccentricity: 2,
      noise: 0.4,
    });
    const [g1, g2] = modelGradient('linear', data, 0, 0);
    const allZeroFrom = Math.max(Math.abs(g1), Math.abs(g2));
    const path = regularizationPath('linear', data, lambdas, [-2, 2]);
    let sawNonzero = false;
    for (const point of path) {
      if (point.lambda >= allZeroFrom) {
        expect(point.l1).toEqual([0, 0]);
      } else if (point.lambda < 0.99 * allZeroFrom) {
        expect(point.l1[0] !== 0 || point.l1[1] !== 0).toBe(true);
        sawNonzero = true;
      }
    }
    expect(sawNonzero).toBe(true);
    for (let p = 1; p < path.length; p++) {
      expect(Math.hypot(...path[p].l2)).toBeLessThan(Math.hypot(...path[p - 1].l2));
      expect(path[p].l2[0] !== 0 && path[p].l2[1] !== 0).toBe(true);
    }
  });
});
