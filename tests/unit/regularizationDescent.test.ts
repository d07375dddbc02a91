import { describe, expect, it } from 'vitest';
import { DESCENT_RULES, descentPath, descentUpdate, descentWarnings } from '../../src/core/descent';
import { generateRegularizationData } from '../../src/core/regularizationModels';

// Quadratic J = ½h(w − a)², h = (2, 0.5), a = (1.5, −0.4); λ = 0.5 is above the L1 threshold
// |a2|·h2 = 0.2 of coordinate 2 (closed-form L1 minimizer (1.25, 0)) and below that of coordinate 1 (3).
const quadratic = generateRegularizationData('quadratic', {
  seed: 1,
  points: 1,
  correlation: 0,
  eccentricity: 1,
  noise: 0,
});
const LAMBDA = 0.5;
const ALPHA = 0.1;
const START: [number, number] = [-1.5, 1.5];

describe('descent update rules (THEORY.md, one coordinate)', () => {
  it('apply the seed formulas literally', () => {
    const [w, g, lambda, alpha] = [0.8, 0.3, 0.5, 0.1];
    expect(descentUpdate('gd', w, g, lambda, alpha)).toBe(w - alpha * g);
    expect(descentUpdate('l1-subgradient', w, g, lambda, alpha)).toBe(w - alpha * g - alpha * lambda);
    expect(descentUpdate('l1-subgradient', 0, g, lambda, alpha)).toBe(-alpha * g); // sign(0) = 0
    expect(descentUpdate('l1-proximal', w, g, lambda, alpha)).toBeCloseTo(w - alpha * g - alpha * lambda, 15);
    expect(descentUpdate('l1-proximal', 0.04, 0, lambda, alpha)).toBe(0); // |u| ≤ αλ lands on +0
    expect(descentUpdate('l2-decay', w, g, lambda, alpha)).toBe((1 - 2 * alpha * lambda) * w - alpha * g);
    // A NaN gradient gives NaN under every rule, never an exact 0.
    for (const rule of DESCENT_RULES) expect(descentUpdate(rule, w, NaN, lambda, alpha), rule).toBeNaN();
  });
});

describe('descentPath on the separable quadratic', () => {
  it('returns steps + 1 points starting at start', () => {
    for (const rule of DESCENT_RULES) {
      const { path, diverged } = descentPath('quadratic', quadratic, rule, LAMBDA, ALPHA, 37, START);
      expect(diverged).toBe(false);
      expect(path.length).toBe(38);
      expect(path[0]).toEqual(START);
    }
  });

  it('l1-proximal ends with an exact zero where the closed-form L1 minimizer is 0', () => {
    const { path } = descentPath('quadratic', quadratic, 'l1-proximal', LAMBDA, ALPHA, 400, START);
    const last = path[path.length - 1];
    expect(last[1]).toBe(0);
    expect(Math.abs(last[0] - 1.25)).toBeLessThan(1e-10);
    // and it stays there: the last 50 points are all exactly 0 in w2.
    for (const point of path.slice(-50)) expect(point[1]).toBe(0);
  });

  it('l1-subgradient chatters within 2αλ of 0 but (here) never lands on it', () => {
    const { path } = descentPath('quadratic', quadratic, 'l1-subgradient', LAMBDA, ALPHA, 400, START);
    const band = 2 * ALPHA * LAMBDA;
    const tail = path.slice(-50);
    for (const point of tail) expect(Math.abs(point[1])).toBeLessThanOrEqual(band);
    expect(tail.some((point) => point[1] !== 0)).toBe(true);
    expect(tail.some((point) => point[1] > 0) && tail.some((point) => point[1] < 0)).toBe(true);
  });

  it('l2-decay converges to the shrinkage formula h·a/(h + 2λ) (1e-10)', () => {
    const { path } = descentPath('quadratic', quadratic, 'l2-decay', LAMBDA, ALPHA, 2000, START);
    const last = path[path.length - 1];
    expect(Math.abs(last[0] - (2 * 1.5) / (2 + 2 * LAMBDA))).toBeLessThan(1e-10);
    expect(Math.abs(last[1] - (0.5 * -0.4) / (0.5 + 2 * LAMBDA))).toBeLessThan(1e-10);
    expect(last[1]).not.toBe(0);
  });

  it('gd ignores λ and converges to a', () => {
    const { path } = descentPath('quadratic', quadratic, 'gd', 100, ALPHA, 2000, START);
    const last = path[path.length - 1];
    expect(Math.abs(last[0] - 1.5)).toBeLessThan(1e-10);
    expect(Math.abs(last[1] + 0.4)).toBeLessThan(1e-10);
  });

  it('stops early and reports divergence when |w| passes 1e6', () => {
    // α·h1 = 3 > 2: each step multiplies the error in w1 by (1 − 3) = −2.
    const { path, diverged } = descentPath('quadratic', quadratic, 'gd', 0, 1.5, 200, START);
    expect(diverged).toBe(true);
    expect(path.length).toBeLessThan(201);
    for (const [w1, w2] of path) {
      expect(Math.abs(w1)).toBeLessThanOrEqual(1e6);
      expect(Number.isFinite(w2)).toBe(true);
    }
    // L2 decay factor 1 − 2αλ = −2.2 also explodes on its own.
    expect(descentPath('quadratic', quadratic, 'l2-decay', 8, 0.2, 200, START).diverged).toBe(true);
  });
});

describe('descentWarnings', () => {
  it('warns when 2αλ ≥ 1 for L2 decay, naming the value', () => {
    const warnings = descentWarnings('l2-decay', 5, 0.1);
    expect(warnings.some((warning) => warning.includes('2·α·λ = 1 ≥ 1') && warning.includes('flips the sign'))).toBe(
      true,
    );
    expect(descentWarnings('l2-decay', 4.9, 0.1).some((warning) => warning.includes('flips'))).toBe(false);
    expect(descentWarnings('l2-decay', 20, 0.1).some((warning) => warning.includes('> 2'))).toBe(true);
    expect(descentWarnings('l2-decay', 0.5, 0.05)).toEqual([]);
  });

  it('notes the subgradient band and the λ that plain gd ignores', () => {
    expect(descentWarnings('l1-subgradient', 0.5, 0.1).join(' ')).toMatch(/2·α·λ = 0\.1/);
    expect(descentWarnings('l1-proximal', 0.5, 0.1)).toEqual([]);
    expect(descentWarnings('gd', 0.5, 0.1).join(' ')).toMatch(/ignores λ/);
    expect(descentWarnings('gd', 0, 0.1)).toEqual([]);
  });
});
