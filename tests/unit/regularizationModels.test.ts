import { describe, expect, it } from 'vitest';
import {
  defaultStart,
  defaultWindow,
  generateRegularizationData,
  modelGradient,
  modelLoss,
  REGULARIZATION_MODEL_INFO,
  REGULARIZATION_MODELS,
  type RegularizationData,
  type RegularizationModel,
  softplus,
} from '../../src/core/regularizationModels';
import { moments } from '../helpers/statistics';

const OPTIONS = { seed: 11, points: 64, correlation: 0.6, eccentricity: 2, noise: 0.3 };

function dataFor(model: RegularizationModel): RegularizationData {
  return generateRegularizationData(model, OPTIONS);
}

/** Points where every gradient is well away from 0 (so a relative tolerance means something). */
const PROBES: Array<[number, number]> = [
  [0.37, -1.21],
  [-1.63, 0.84],
  [2.11, 1.47],
  [-0.58, -2.3],
];

describe('landscape models: gradients', () => {
  it.each(REGULARIZATION_MODELS)('%s: analytic gradient matches central differences (relative 1e-5)', (model) => {
    const data = dataFor(model);
    for (const [w1, w2] of PROBES) {
      const [g1, g2] = modelGradient(model, data, w1, w2);
      const h1 = 1e-5 * Math.max(1, Math.abs(w1));
      const h2 = 1e-5 * Math.max(1, Math.abs(w2));
      const fd1 = (modelLoss(model, data, w1 + h1, w2) - modelLoss(model, data, w1 - h1, w2)) / (2 * h1);
      const fd2 = (modelLoss(model, data, w1, w2 + h2) - modelLoss(model, data, w1, w2 - h2)) / (2 * h2);
      const norm = Math.hypot(g1, g2);
      expect(norm).toBeGreaterThan(1e-3);
      expect(Math.hypot(g1 - fd1, g2 - fd2)).toBeLessThan(1e-5 * norm);
    }
  });
});

describe('landscape models: losses', () => {
  it('analytic models have their known minima (value 0, gradient 0)', () => {
    const minima: Array<[RegularizationModel, number, number]> = [
      ['himmelblau', 3, 2],
      ['rosenbrock', 1, 1],
      ['beale', 3, 0.5],
      ['rastrigin', 0, 0],
      ['quadratic', 1.5, -0.4],
    ];
    for (const [model, w1, w2] of minima) {
      const data = dataFor(model);
      expect(data.n).toBe(0);
      expect(Math.abs(modelLoss(model, data, w1, w2))).toBeLessThan(1e-12);
      const [g1, g2] = modelGradient(model, data, w1, w2);
      expect(Math.hypot(g1, g2)).toBeLessThan(1e-12);
    }
  });

  it('linear loss is the mean squared residual without ½', () => {
    const data: RegularizationData = {
      model: 'linear',
      n: 2,
      x1: Float64Array.of(1, 2),
      x2: Float64Array.of(0, 1),
      y: Float64Array.of(3, 1),
      quadratic: { h1: 1, h2: 1, a1: 0, a2: 0 },
    };
    // residuals at w = (1, 1): 3 − 1 = 2 and 1 − 3 = −2, so J = (4 + 4) / 2 = 4 exactly.
    expect(modelLoss('linear', data, 1, 1)).toBe(4);
  });

  it('logistic loss and gradient stay finite and exact for scores |s| up to 1e4', () => {
    const data: RegularizationData = {
      model: 'logistic',
      n: 4,
      x1: Float64Array.of(1, 1, -1, -1),
      x2: Float64Array.of(0, 0, 0, 0),
      y: Float64Array.of(1, 0, 1, 0),
      quadratic: { h1: 1, h2: 1, a1: 0, a2: 0 },
    };
    for (const s of [1e2, 1e3, 1e4]) {
      // points: (s, y=1) → 0, (s, y=0) → s, (−s, y=1) → s, (−s, y=0) → 0; mean s/2.
      const loss = modelLoss('logistic', data, s, 0);
      expect(Number.isFinite(loss)).toBe(true);
      expect(Math.abs(loss - s / 2)).toBeLessThanOrEqual(1e-12 * s);
      const [g1, g2] = modelGradient('logistic', data, s, 0);
      expect(Number.isFinite(g1)).toBe(true);
      // mean (σ(s) − y)·x over the four points: (0 + 1 + 1 + 0) / 4.
      expect(Math.abs(g1 - 0.5)).toBeLessThan(1e-12);
      expect(g2).toBe(0);
    }
    expect(softplus(-1e4)).toBe(0);
    expect(softplus(1e4)).toBe(1e4);
    expect(Math.abs(softplus(0) - Math.LN2)).toBeLessThan(1e-15);
  });

  it('tanh-net loss is symmetric under (w1, w2) → (−w1, −w2)', () => {
    const data = dataFor('tanh-net');
    for (const [w1, w2] of PROBES) {
      expect(Math.abs(modelLoss('tanh-net', data, w1, w2) - modelLoss('tanh-net', data, -w1, -w2))).toBeLessThan(1e-12);
    }
  });
});

describe('landscape data', () => {
  it('is a pure function of (model, seed, knobs)', () => {
    const a = generateRegularizationData('linear', OPTIONS);
    const b = generateRegularizationData('linear', OPTIONS);
    expect(a.x1).toEqual(b.x1);
    expect(a.y).toEqual(b.y);
    const c = generateRegularizationData('linear', { ...OPTIONS, seed: 12 });
    expect(c.x1[0]).not.toBe(a.x1[0]);
  });

  it('linear features have the requested correlation and scale (20k points, 5 standard errors)', () => {
    const n = 20000;
    const rho = 0.6;
    const eccentricity = 4;
    const data = generateRegularizationData('linear', { seed: 3, points: n, correlation: rho, eccentricity, noise: 0 });
    const m1 = moments(data.x1);
    const m2 = moments(data.x2);
    let covariance = 0;
    for (let k = 0; k < n; k++) covariance += (data.x1[k] - m1.mean) * (data.x2[k] - m2.mean);
    covariance /= n;
    const correlation = covariance / Math.sqrt(m1.variance * m2.variance);
    expect(Math.abs(m1.variance - 1)).toBeLessThan(5 * Math.sqrt(2 / n));
    expect(Math.abs(m2.variance * eccentricity ** 2 - 1)).toBeLessThan(5 * Math.sqrt(2 / n));
    expect(Math.abs(correlation - rho)).toBeLessThan((5 * (1 - rho * rho)) / Math.sqrt(n));
    // noise 0: targets are exactly w_true·x with the default w_true = (1.5, −0.8).
    for (let k = 0; k < 10; k++) expect(data.y[k]).toBeCloseTo(1.5 * data.x1[k] - 0.8 * data.x2[k], 12);
    expect(modelLoss('linear', data, 1.5, -0.8)).toBeLessThan(1e-25);
  });

  it('logistic labels are 0/1, separable at noise 0, and follow σ(w_true·x) at noise 1', () => {
    const separable = generateRegularizationData('logistic', {
      seed: 5,
      points: 500,
      correlation: 0,
      eccentricity: 1,
      noise: 0,
    });
    for (let k = 0; k < separable.n; k++) {
      expect(separable.y[k]).toBe(1.5 * separable.x1[k] - 0.8 * separable.x2[k] > 0 ? 1 : 0);
    }
    const n = 20000;
    const data = generateRegularizationData('logistic', {
      seed: 5,
      points: n,
      correlation: 0,
      eccentricity: 1,
      noise: 1,
    });
    let labelSum = 0;
    let probabilitySum = 0;
    for (let k = 0; k < n; k++) {
      expect(data.y[k] === 0 || data.y[k] === 1).toBe(true);
      labelSum += data.y[k];
      probabilitySum += 1 / (1 + Math.exp(-(1.5 * data.x1[k] - 0.8 * data.x2[k])));
    }
    // Bernoulli sums: standard error ≤ 0.5·√n.
    expect(Math.abs(labelSum - probabilitySum)).toBeLessThan(5 * 0.5 * Math.sqrt(n));
  });

  it('tanh-net data is 1-D (x2 all zero) with targets from the true weights', () => {
    const data = generateRegularizationData('tanh-net', { ...OPTIONS, noise: 0, trueW1: 2, trueW2: -1 });
    expect(data.x2.every((value) => value === 0)).toBe(true);
    expect(modelLoss('tanh-net', data, 2, -1)).toBe(0);
    expect(modelLoss('tanh-net', data, -2, 1)).toBe(0);
  });

  it('rejects invalid data knobs', () => {
    expect(() => generateRegularizationData('linear', { ...OPTIONS, points: 0 })).toThrow(/points/);
    expect(() => generateRegularizationData('linear', { ...OPTIONS, correlation: 1 })).toThrow(/correlation/);
  });
});

describe('default windows and starts', () => {
  it.each(REGULARIZATION_MODELS)('%s: window is ordered, starts inside it, and the loss is finite there', (model) => {
    const [w1Min, w1Max, w2Min, w2Max] = defaultWindow(model);
    expect(w1Min).toBeLessThan(w1Max);
    expect(w2Min).toBeLessThan(w2Max);
    const [s1, s2] = defaultStart(model);
    expect(s1).toBeGreaterThanOrEqual(w1Min);
    expect(s1).toBeLessThanOrEqual(w1Max);
    expect(s2).toBeGreaterThanOrEqual(w2Min);
    expect(s2).toBeLessThanOrEqual(w2Max);
    expect(Number.isFinite(modelLoss(model, dataFor(model), s1, s2))).toBe(true);
    expect(REGULARIZATION_MODEL_INFO[model].label.length).toBeGreaterThan(0);
  });
});
