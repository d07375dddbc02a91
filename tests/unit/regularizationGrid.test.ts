import { describe, expect, it } from 'vitest';
import {
  type GridWindow,
  gridArgmin,
  gridLoss,
  gridPenalty,
  gridWeights,
  penaltyValue,
  proxPenalty,
  refineMinimizer,
} from '../../src/core/gridLoss';
import { generateRegularizationData, modelGradient, modelLoss } from '../../src/core/regularizationModels';
import { defined } from '../helpers/defined';

// THEORY.md closed forms for J = ½h(w − a)² per coordinate, h = (2, 0.5), a = (1.5, −0.4).
const H = [2, 0.5];
const A = [1.5, -0.4];
const quadratic = generateRegularizationData('quadratic', {
  seed: 1,
  points: 1,
  correlation: 0,
  eccentricity: 1,
  noise: 0,
});
const l2Closed = (lambda: number, k: number) => (H[k] * A[k]) / (H[k] + 2 * lambda);
const l1Closed = (lambda: number, k: number) => Math.sign(A[k]) * Math.max(Math.abs(A[k]) - lambda / H[k], 0);
const elasticClosed = (lambda: number, mix: number, k: number) =>
  (Math.sign(A[k]) * Math.max(H[k] * Math.abs(A[k]) - lambda * mix, 0)) / (H[k] + 2 * lambda * (1 - mix));

const SYMMETRIC: GridWindow = { w1Min: -2, w1Max: 2, w2Min: -2, w2Max: 2 };

describe('grid layout', () => {
  it('puts w1 along i and w2 along j, row-major with j as the row, endpoints exact', () => {
    const window: GridWindow = { w1Min: -1, w1Max: 3, w2Min: 10, w2Max: 12 };
    const G = 5;
    expect(gridWeights(window, G, 0, 0)).toEqual([-1, 10]);
    expect(gridWeights(window, G, G - 1, G - 1)).toEqual([3, 12]);
    const values = gridLoss('quadratic', quadratic, window, G);
    expect(values.length).toBe(G * G);
    for (let j = 0; j < G; j++) {
      for (let i = 0; i < G; i++) {
        const w1 = -1 + i;
        const w2 = 10 + 0.5 * j;
        expect(values[j * G + i]).toBeCloseTo(modelLoss('quadratic', quadratic, w1, w2), 12);
      }
    }
  });
});

describe('gridPenalty', () => {
  const data = generateRegularizationData('linear', {
    seed: 9,
    points: 32,
    correlation: 0.4,
    eccentricity: 2,
    noise: 0.3,
  });
  const window: GridWindow = { w1Min: -3, w1Max: 3, w2Min: -2.5, w2Max: 2 };
  const G = 33;
  const dataLoss = gridLoss('linear', data, window, G);

  it('leaves dataLoss untouched and equals recomputing J + λP from scratch when λ changes', () => {
    const before = Float64Array.from(dataLoss);
    for (const [penalty, lambda, mix] of [
      ['l1', 0.5, 0],
      ['l1', 2, 0],
      ['l2', 0.3, 0],
      ['elastic', 1.2, 0.25],
      ['none', 3, 0],
    ] as const) {
      const penalized = gridPenalty(dataLoss, window, G, penalty, lambda, mix);
      expect(dataLoss).toEqual(before);
      for (let j = 0; j < G; j++) {
        for (let i = 0; i < G; i++) {
          const w1 = window.w1Min + (i * (window.w1Max - window.w1Min)) / (G - 1);
          const w2 = window.w2Min + (j * (window.w2Max - window.w2Min)) / (G - 1);
          let P = 0;
          if (penalty === 'l1') P = Math.abs(w1) + Math.abs(w2);
          if (penalty === 'l2') P = w1 * w1 + w2 * w2;
          if (penalty === 'elastic') P = mix * (Math.abs(w1) + Math.abs(w2)) + (1 - mix) * (w1 * w1 + w2 * w2);
          const scratch = modelLoss('linear', data, w1, w2) + lambda * P;
          expect(Math.abs(penalized[j * G + i] - scratch)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(scratch)));
        }
      }
    }
  });

  it('uses λΣ|w| and λΣw² with no ½', () => {
    expect(penaltyValue('l1', 0.5, 0, 2, -3)).toBe(2.5);
    expect(penaltyValue('l2', 0.5, 0, 2, -3)).toBe(6.5);
    expect(penaltyValue('elastic', 1, 0.25, 2, -3)).toBe(0.25 * 5 + 0.75 * 13);
    expect(penaltyValue('none', 7, 0, 2, -3)).toBe(0);
  });
});

describe('gridArgmin', () => {
  it('ignores NaN and ±Infinity and returns the grid weights of the minimum', () => {
    const G = 3;
    const values = Float64Array.of(NaN, 5, -Infinity, 4, Infinity, 2, NaN, 3, 7);
    const minimum = defined(gridArgmin(values, { w1Min: 0, w1Max: 2, w2Min: 0, w2Max: 2 }, G), 'the finite minimum');
    expect(minimum).toEqual({ i: 2, j: 1, w: [2, 1], value: 2 });
    expect(gridArgmin(Float64Array.of(NaN, NaN, NaN, NaN), SYMMETRIC, 2)).toBeNull();
  });

  it('on gridPenalty (G = 513, symmetric window) lies within one grid step of the closed forms', () => {
    const G = 513;
    const step = 4 / (G - 1);
    const dataLoss = gridLoss('quadratic', quadratic, SYMMETRIC, G);
    for (const lambda of [0.1, 0.5, 1]) {
      const l2 = defined(
        gridArgmin(gridPenalty(dataLoss, SYMMETRIC, G, 'l2', lambda, 0), SYMMETRIC, G),
        'the L2 minimum',
      );
      const l1 = defined(
        gridArgmin(gridPenalty(dataLoss, SYMMETRIC, G, 'l1', lambda, 0), SYMMETRIC, G),
        'the L1 minimum',
      );
      for (let k = 0; k < 2; k++) {
        expect(Math.abs(l2.w[k] - l2Closed(lambda, k))).toBeLessThanOrEqual(step);
        expect(Math.abs(l1.w[k] - l1Closed(lambda, k))).toBeLessThanOrEqual(step);
      }
    }
  });
});

describe('refineMinimizer on the separable quadratic (closed forms, 1e-8)', () => {
  it('matches the prox of both penalties coordinate-wise', () => {
    expect(proxPenalty(1, 0.5, 1, 0)).toBe(0.5);
    expect(proxPenalty(-0.2, 0.5, 1, 0)).toBe(0);
    expect(proxPenalty(NaN, 0.5, 1, 0.2)).toBeNaN(); // a failed step is not an L1 zero
    expect(Object.is(proxPenalty(-0.2, 0.5, 1, 0), 0)).toBe(true); // +0, not −0
    expect(proxPenalty(3, 0.5, 0, 1)).toBe(1.5);
  });

  it.each([0.05, 0.15, 0.3, 1, 2.5, 4])('λ = %s: L2 → h·a/(h + 2λ), L1 → sign(a)·max(|a| − λ/h, 0)', (lambda) => {
    const start: [number, number] = [-1.7, 1.9];
    const l2 = refineMinimizer('quadratic', quadratic, 'l2', lambda, 0, start);
    const l1 = refineMinimizer('quadratic', quadratic, 'l1', lambda, 0, start);
    expect(l2.converged).toBe(true);
    expect(l1.converged).toBe(true);
    for (let k = 0; k < 2; k++) {
      expect(Math.abs(l2.w[k] - l2Closed(lambda, k))).toBeLessThan(1e-8);
      expect(Math.abs(l1.w[k] - l1Closed(lambda, k))).toBeLessThan(1e-8);
      if (l1Closed(lambda, k) === 0) expect(l1.w[k]).toBe(0); // exactly, not just small
      expect(l2.w[k]).not.toBe(0);
    }
  });

  it('converges to ~1e-10 in w (and gets exact L1 zeros) for λ above the threshold of coordinate 2', () => {
    const lambda = 0.5; // threshold of coordinate 2 is |a2|·h2 = 0.2
    const l1 = refineMinimizer('quadratic', quadratic, 'l1', lambda, 0, [1.9, -1.8]);
    const l2 = refineMinimizer('quadratic', quadratic, 'l2', lambda, 0, [1.9, -1.8]);
    expect(l1.w[1]).toBe(0);
    expect(Math.abs(l1.w[0] - l1Closed(lambda, 0))).toBeLessThan(1e-10);
    expect(l2.w[1]).not.toBe(0);
    expect(Math.abs(l2.w[1] - l2Closed(lambda, 1))).toBeLessThan(1e-10);
    expect(Math.abs(l2.w[0] - l2Closed(lambda, 0))).toBeLessThan(1e-10);
  });

  it('elastic net: sign(a)·max(h|a| − λ·mix, 0) / (h + 2λ(1 − mix))', () => {
    for (const [lambda, mix] of [
      [0.3, 0.5],
      [1, 0.25],
      [2, 0.9],
    ]) {
      const elastic = refineMinimizer('quadratic', quadratic, 'elastic', lambda, mix, [0, 0]);
      for (let k = 0; k < 2; k++) expect(Math.abs(elastic.w[k] - elasticClosed(lambda, mix, k))).toBeLessThan(1e-8);
    }
  });

  it('no penalty: the unpenalized minimizer a', () => {
    const none = refineMinimizer('quadratic', quadratic, 'none', 3, 0, [0, 0]);
    expect(Math.abs(none.w[0] - 1.5)).toBeLessThan(1e-10);
    expect(Math.abs(none.w[1] + 0.4)).toBeLessThan(1e-10);
  });
});

describe('refineMinimizer on data and non-convex models', () => {
  it('linear + L2 matches the normal equations (H + 2λI) w = b', () => {
    const data = generateRegularizationData('linear', {
      seed: 4,
      points: 200,
      correlation: 0.7,
      eccentricity: 3,
      noise: 0.5,
    });
    // J = (1/N)Σ(y − w·x)²: ∇J = 2(Cw − c), C = mean x xᵀ, c = mean x y; with λΣw²: (C + λI) w = c.
    let c11 = 0,
      c12 = 0,
      c22 = 0,
      b1 = 0,
      b2 = 0;
    for (let k = 0; k < data.n; k++) {
      c11 += data.x1[k] * data.x1[k];
      c12 += data.x1[k] * data.x2[k];
      c22 += data.x2[k] * data.x2[k];
      b1 += data.x1[k] * data.y[k];
      b2 += data.x2[k] * data.y[k];
    }
    const lambda = 0.2;
    const [m11, m12, m22] = [c11 / data.n + lambda, c12 / data.n, c22 / data.n + lambda];
    const det = m11 * m22 - m12 * m12;
    const exact = [
      ((m22 * b1) / data.n - (m12 * b2) / data.n) / det,
      ((m11 * b2) / data.n - (m12 * b1) / data.n) / det,
    ];
    const refined = refineMinimizer('linear', data, 'l2', lambda, 0, [-2, 2]);
    expect(refined.converged).toBe(true);
    expect(Math.abs(refined.w[0] - exact[0])).toBeLessThan(1e-8);
    expect(Math.abs(refined.w[1] - exact[1])).toBeLessThan(1e-8);
  });

  it('linear + L1: the optimality conditions hold (|∂J/∂w_k| ≤ λ where w_k = 0, = −λ·sign(w_k) elsewhere)', () => {
    const data = generateRegularizationData('linear', {
      seed: 4,
      points: 200,
      correlation: 0.7,
      eccentricity: 3,
      noise: 0.5,
    });
    for (const lambda of [0.1, 0.6, 1.5, 5]) {
      const { w } = refineMinimizer('linear', data, 'l1', lambda, 0, [-2, 2]);
      const g = modelGradient('linear', data, w[0], w[1]);
      for (let k = 0; k < 2; k++) {
        if (w[k] === 0) expect(Math.abs(g[k])).toBeLessThanOrEqual(lambda + 1e-9);
        else expect(Math.abs(g[k] + lambda * Math.sign(w[k]))).toBeLessThan(1e-7);
      }
    }
  });

  it('Rosenbrock and Himmelblau refine from the grid minimum to a true minimum', () => {
    const rosenbrock = refineMinimizer('rosenbrock', quadratic, 'none', 0, 0, [0.9, 0.8]);
    expect(Math.abs(rosenbrock.w[0] - 1)).toBeLessThan(1e-6);
    expect(Math.abs(rosenbrock.w[1] - 1)).toBeLessThan(1e-6);
    const window: GridWindow = { w1Min: -5, w1Max: 5, w2Min: -5, w2Max: 5 };
    const G = 101;
    const grid = gridLoss('himmelblau', quadratic, window, G);
    const start = defined(gridArgmin(grid, window, G), 'the grid minimum');
    const himmelblau = refineMinimizer('himmelblau', quadratic, 'none', 0, 0, start.w);
    expect(himmelblau.value).toBeLessThan(1e-16);
    expect(himmelblau.value).toBeLessThanOrEqual(start.value);
  });
});
