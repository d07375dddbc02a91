// Two-parameter models J(w1, w2) for the Regularization explorer, their data, losses and gradients.
// CPU reference (f64, naive loops): the grid kernel (shaders/gridLoss.wgsl) must compute the same J.
// Convention: squared-error losses are MEANS WITHOUT ½, J = (1/N) Σ r²; penalties are λΣ|w| and λΣw²
// (THEORY.md). Only the 'quadratic' teaching model carries a ½, because its closed forms use ½h(w − a)².

import { sigmoid } from './activations';
import { normalAt, Stream, uniformAt } from './rng';

/** Models in a fixed order; the index is the `layer` of the data stream, so append, never reorder. */
export const REGULARIZATION_MODELS = [
  'linear',
  'logistic',
  'tanh-net',
  'himmelblau',
  'rosenbrock',
  'beale',
  'rastrigin',
  'quadratic',
] as const;
export type RegularizationModel = (typeof REGULARIZATION_MODELS)[number];

export interface RegularizationModelInfo {
  label: string;
  /** J(w1, w2) in plain text, with the convention spelled out. */
  formula: string;
  /** Whether J depends on generated data (x1, x2, y); analytic models have n = 0. */
  usesData: boolean;
  convex: boolean;
}

export const REGULARIZATION_MODEL_INFO: Record<RegularizationModel, RegularizationModelInfo> = {
  linear: {
    label: 'Linear regression (MSE)',
    formula: 'J = (1/N) Σ (y − w1·x1 − w2·x2)²   (mean squared error, no ½)',
    usesData: true,
    convex: true,
  },
  logistic: {
    label: 'Logistic regression (cross-entropy)',
    formula: 'J = (1/N) Σ softplus(s) − y·s,  s = w1·x1 + w2·x2',
    usesData: true,
    convex: true,
  },
  'tanh-net': {
    label: 'One tanh unit (MSE)',
    formula: 'J = (1/N) Σ (y − w2·tanh(w1·x))²   (no ½; symmetric under w → −w)',
    usesData: true,
    convex: false,
  },
  himmelblau: {
    label: 'Himmelblau',
    formula: 'J = (w1² + w2 − 11)² + (w1 + w2² − 7)²',
    usesData: false,
    convex: false,
  },
  rosenbrock: {
    label: 'Rosenbrock',
    formula: 'J = (1 − w1)² + 100·(w2 − w1²)²',
    usesData: false,
    convex: false,
  },
  beale: {
    label: 'Beale',
    formula: 'J = (1.5 − w1 + w1·w2)² + (2.25 − w1 + w1·w2²)² + (2.625 − w1 + w1·w2³)²',
    usesData: false,
    convex: false,
  },
  rastrigin: {
    label: 'Rastrigin',
    formula: 'J = 20 + Σ_k (w_k² − 10·cos(2π·w_k))',
    usesData: false,
    convex: false,
  },
  quadratic: {
    label: 'Separable quadratic',
    formula: 'J = ½·h1·(w1 − a1)² + ½·h2·(w2 − a2)²',
    usesData: false,
    convex: true,
  },
};

/** True weights of the data-generating models unless the knobs trueW1 / trueW2 say otherwise. */
export const DEFAULT_TRUE_W: readonly [number, number] = [1.5, -0.8];

/** Curvatures h and centre a of the 'quadratic' model (the THEORY.md closed-form test case). */
export interface QuadraticShape {
  h1: number;
  h2: number;
  a1: number;
  a2: number;
}
export const DEFAULT_QUADRATIC: Readonly<QuadraticShape> = { h1: 2, h2: 0.5, a1: 1.5, a2: -0.4 };

/**
 * Data of one landscape. x2 is unused (all zeros) for the 1-D 'tanh-net' input; analytic models have n = 0
 * and empty arrays. `quadratic` is always present; only the 'quadratic' model reads it.
 */
export interface RegularizationData {
  model: RegularizationModel;
  n: number;
  x1: Float64Array;
  x2: Float64Array;
  y: Float64Array;
  quadratic: QuadraticShape;
}

export interface RegularizationDataOptions {
  seed: number;
  /** Number of data points N (data models only). */
  points: number;
  /** Correlation ρ of the two features (linear, logistic), |ρ| < 1. */
  correlation: number;
  /** ≥ 1: x2 is divided by it, stretching the bowl along w2 (linear, logistic). */
  eccentricity: number;
  /** Standard deviation of the target noise (linear, tanh-net); label temperature (logistic). */
  noise: number;
  trueW1?: number;
  trueW2?: number;
  h1?: number;
  h2?: number;
  a1?: number;
  a2?: number;
}

export function modelIndex(model: RegularizationModel): number {
  return REGULARIZATION_MODELS.indexOf(model);
}

// Counter k of the data stream: features use k = 0, target noise / label noise k = 1.
const FEATURE_COUNTER = 0;
const NOISE_COUNTER = 1;

/**
 * Generates the data set of a model from (seed, N, knobs). Every number is a pure function of
 * (seed, model index, counter, element) through the shared Threefry stream, so a GPU could regenerate it.
 * - linear:   z1, z2 ~ N(0,1) (elements 2k, 2k+1: one Box–Muller pair); x1 = z1,
 *             x2 = (ρ·z1 + √(1−ρ²)·z2) / eccentricity;  y = w_true·x + noise·ε.
 * - logistic: same features;  y = 1 if w_true·x + noise·logit(u) > 0 else 0, u ~ U(0,1).
 *             logit(u) is standard-logistic, so noise = 1 is exactly y ~ Bernoulli(σ(w_true·x));
 *             noise = 0 gives separable labels (no finite minimizer without a penalty).
 * - tanh-net: x1 = x ~ N(0,1), x2 = 0;  y = w2_true·tanh(w1_true·x) + noise·ε.
 */
export function generateRegularizationData(
  model: RegularizationModel,
  options: RegularizationDataOptions,
): RegularizationData {
  const quadratic: QuadraticShape = {
    h1: options.h1 ?? DEFAULT_QUADRATIC.h1,
    h2: options.h2 ?? DEFAULT_QUADRATIC.h2,
    a1: options.a1 ?? DEFAULT_QUADRATIC.a1,
    a2: options.a2 ?? DEFAULT_QUADRATIC.a2,
  };
  if (!REGULARIZATION_MODEL_INFO[model].usesData) {
    const empty = new Float64Array(0);
    return { model, n: 0, x1: empty, x2: empty, y: empty, quadratic };
  }
  const { seed, points: n, correlation: rho, eccentricity, noise } = options;
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`points must be a positive integer (got ${n})`);
  if (!(Math.abs(rho) < 1)) throw new RangeError(`correlation must be in (−1, 1) (got ${rho})`);
  if (!(eccentricity > 0)) throw new RangeError(`eccentricity must be > 0 (got ${eccentricity})`);
  if (!(noise >= 0)) throw new RangeError(`noise must be ≥ 0 (got ${noise})`);
  const trueW1 = options.trueW1 ?? DEFAULT_TRUE_W[0];
  const trueW2 = options.trueW2 ?? DEFAULT_TRUE_W[1];
  const layer = modelIndex(model);
  const x1 = new Float64Array(n);
  const x2 = new Float64Array(n);
  const y = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    if (model === 'tanh-net') {
      x1[k] = normalAt(seed, Stream.data, layer, FEATURE_COUNTER, k);
      const epsilon = normalAt(seed, Stream.data, layer, NOISE_COUNTER, k);
      y[k] = trueW2 * Math.tanh(trueW1 * x1[k]) + noise * epsilon;
      continue;
    }
    const z1 = normalAt(seed, Stream.data, layer, FEATURE_COUNTER, 2 * k);
    const z2 = normalAt(seed, Stream.data, layer, FEATURE_COUNTER, 2 * k + 1);
    x1[k] = z1;
    x2[k] = (rho * z1 + Math.sqrt(1 - rho * rho) * z2) / eccentricity;
    const score = trueW1 * x1[k] + trueW2 * x2[k];
    if (model === 'linear') {
      y[k] = score + noise * normalAt(seed, Stream.data, layer, NOISE_COUNTER, k);
    } else {
      const u = uniformAt(seed, Stream.data, layer, NOISE_COUNTER, k);
      y[k] = score + noise * Math.log(u / (1 - u)) > 0 ? 1 : 0;
    }
  }
  return { model, n, x1, x2, y, quadratic };
}

/** softplus(s) = log(1 + e^s) without overflow: max(s, 0) + log1p(e^−|s|). */
export function softplus(s: number): number {
  return Math.max(s, 0) + Math.log1p(Math.exp(-Math.abs(s)));
}

/** J(w1, w2): the data-dependent (unpenalized) loss, naive f64. */
export function modelLoss(model: RegularizationModel, data: RegularizationData, w1: number, w2: number): number {
  switch (model) {
    case 'linear': {
      let sum = 0;
      for (let k = 0; k < data.n; k++) {
        const residual = data.y[k] - w1 * data.x1[k] - w2 * data.x2[k];
        sum += residual * residual;
      }
      return sum / data.n;
    }
    case 'logistic': {
      let sum = 0;
      for (let k = 0; k < data.n; k++) {
        const s = w1 * data.x1[k] + w2 * data.x2[k];
        sum += softplus(s) - data.y[k] * s;
      }
      return sum / data.n;
    }
    case 'tanh-net': {
      let sum = 0;
      for (let k = 0; k < data.n; k++) {
        const residual = data.y[k] - w2 * Math.tanh(w1 * data.x1[k]);
        sum += residual * residual;
      }
      return sum / data.n;
    }
    case 'himmelblau': {
      const a = w1 * w1 + w2 - 11;
      const b = w1 + w2 * w2 - 7;
      return a * a + b * b;
    }
    case 'rosenbrock': {
      const a = 1 - w1;
      const b = w2 - w1 * w1;
      return a * a + 100 * b * b;
    }
    case 'beale': {
      const a = 1.5 - w1 + w1 * w2;
      const b = 2.25 - w1 + w1 * w2 * w2;
      const c = 2.625 - w1 + w1 * w2 * w2 * w2;
      return a * a + b * b + c * c;
    }
    case 'rastrigin':
      return 20 + (w1 * w1 - 10 * Math.cos(2 * Math.PI * w1)) + (w2 * w2 - 10 * Math.cos(2 * Math.PI * w2));
    case 'quadratic': {
      const { h1, h2, a1, a2 } = data.quadratic;
      return 0.5 * h1 * (w1 - a1) ** 2 + 0.5 * h2 * (w2 - a2) ** 2;
    }
  }
}

/** [∂J/∂w1, ∂J/∂w2], analytic, same conventions as modelLoss. */
export function modelGradient(
  model: RegularizationModel,
  data: RegularizationData,
  w1: number,
  w2: number,
): [number, number] {
  switch (model) {
    case 'linear': {
      let g1 = 0;
      let g2 = 0;
      for (let k = 0; k < data.n; k++) {
        const residual = data.y[k] - w1 * data.x1[k] - w2 * data.x2[k];
        g1 += residual * data.x1[k];
        g2 += residual * data.x2[k];
      }
      return [(-2 * g1) / data.n, (-2 * g2) / data.n];
    }
    case 'logistic': {
      let g1 = 0;
      let g2 = 0;
      for (let k = 0; k < data.n; k++) {
        const s = w1 * data.x1[k] + w2 * data.x2[k];
        const error = sigmoid(s) - data.y[k];
        g1 += error * data.x1[k];
        g2 += error * data.x2[k];
      }
      return [g1 / data.n, g2 / data.n];
    }
    case 'tanh-net': {
      let g1 = 0;
      let g2 = 0;
      for (let k = 0; k < data.n; k++) {
        const t = Math.tanh(w1 * data.x1[k]);
        const residual = data.y[k] - w2 * t;
        g1 += residual * w2 * (1 - t * t) * data.x1[k];
        g2 += residual * t;
      }
      return [(-2 * g1) / data.n, (-2 * g2) / data.n];
    }
    case 'himmelblau': {
      const a = w1 * w1 + w2 - 11;
      const b = w1 + w2 * w2 - 7;
      return [4 * a * w1 + 2 * b, 2 * a + 4 * b * w2];
    }
    case 'rosenbrock': {
      const b = w2 - w1 * w1;
      return [-2 * (1 - w1) - 400 * w1 * b, 200 * b];
    }
    case 'beale': {
      const a = 1.5 - w1 + w1 * w2;
      const b = 2.25 - w1 + w1 * w2 * w2;
      const c = 2.625 - w1 + w1 * w2 * w2 * w2;
      return [
        2 * a * (w2 - 1) + 2 * b * (w2 * w2 - 1) + 2 * c * (w2 * w2 * w2 - 1),
        2 * a * w1 + 4 * b * w1 * w2 + 6 * c * w1 * w2 * w2,
      ];
    }
    case 'rastrigin':
      return [2 * w1 + 20 * Math.PI * Math.sin(2 * Math.PI * w1), 2 * w2 + 20 * Math.PI * Math.sin(2 * Math.PI * w2)];
    case 'quadratic': {
      const { h1, h2, a1, a2 } = data.quadratic;
      return [h1 * (w1 - a1), h2 * (w2 - a2)];
    }
  }
}

/** Window [w1Min, w1Max, w2Min, w2Max] that shows the interesting part of each landscape and the origin. */
export function defaultWindow(model: RegularizationModel): [number, number, number, number] {
  switch (model) {
    case 'linear':
    case 'logistic':
    case 'tanh-net':
      return [-3, 3, -3, 3];
    case 'himmelblau':
      return [-5, 5, -5, 5];
    case 'rosenbrock':
      return [-2, 2, -1, 3];
    case 'beale':
      return [-4.5, 4.5, -4.5, 4.5];
    case 'rastrigin':
      return [-5.12, 5.12, -5.12, 5.12];
    case 'quadratic':
      return [-2, 2, -2, 2];
  }
}

/** A descent start inside the default window, away from the minima, so a path has something to show. */
export function defaultStart(model: RegularizationModel): [number, number] {
  switch (model) {
    case 'linear':
    case 'logistic':
      return [-2, 2];
    case 'tanh-net':
      return [0.3, 2.5];
    case 'himmelblau':
      return [0, 0];
    case 'rosenbrock':
      return [-1.5, 2];
    case 'beale':
      return [1, 1.5];
    case 'rastrigin':
      return [3.3, -2.6];
    case 'quadratic':
      return [-1.5, 1.5];
  }
}
