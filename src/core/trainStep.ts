// CPU twin of shaders/trainStep.wgsl / src/gpu/trainStep.ts: one full-batch gradient-descent step of
// K copies, naive and in f64 (the specification the kernel is checked against).
//
// Per copy, over the trainCount training points (x_n, y_n), y ∈ {0, 1}:
//   forward   z[l] = W[l] a[l−1] + b[l], a[l] = φ(z[l]) (hidden), a[0] = x, logit z[L]
//   loss      J = (1/N) Σ_n ℓ(z[L]_n, y_n),
//             ℓ(z, y) = −y log σ(z) − (1−y) log(1−σ(z)) = softplus(z) − y·z
//   backward  δ[L] = (σ(z[L]) − y)/N,  δ[l] = φ'(z[l]) ⊙ W[l+1]ᵀ δ[l+1]
//   gradient  ∂J/∂W[l]_{ij} = Σ_n δ[l]_i a[l−1]_j,  ∂J/∂b[l]_i = Σ_n δ[l]_i
//   update    THEORY.md's rules with g = ∂J/∂w; the penalty acts on the weights, never the biases:
//     none: w − αg;  l2: (1 − 2αλ)w − αg;  l1 subgradient: w − αg − αλ·sign(w);
//     l1 proximal: u = w − αg, w ← sign(u)·max(|u| − αλ, 0)

import { type Activation, activate, activateDerivative, sigmoid } from './activations';
import type { L1Update, TrainPenalty } from './trainConfig';
import type { TrainingData } from './trainingData';
import type { TrainLayout } from './trainLayout';

export interface TrainRule {
  penalty: TrainPenalty;
  l1Update: L1Update;
  lambda: number;
  alpha: number;
}

/** ℓ(z, y) = softplus(z) − y·z = max(z, 0) − y·z + log(1 + e^{−|z|}): no overflow, no log(0). */
export function crossEntropyFromLogit(z: number, y: number): number {
  return Math.max(z, 0) - y * z + Math.log1p(Math.exp(-Math.abs(z)));
}

/** z[l], a[l] and δ[l] of one point, l = 0..L (index 0: a[0] = x; z[0], δ[0] unused). Reused across points. */
export interface PointValues {
  z: Float64Array[];
  a: Float64Array[];
  delta: Float64Array[];
}

export function createPointValues(layout: TrainLayout): PointValues {
  const make = () => layout.widths.map((width) => new Float64Array(width));
  return { z: make(), a: make(), delta: make() };
}

/** One point through copy `copy`: fills values.z[l] and values.a[l] (a[L] = σ(z[L])); returns the logit z[L]_0. */
export function networkForward(
  layout: TrainLayout,
  activation: Activation,
  weights: ArrayLike<number>,
  copy: number,
  x0: number,
  x1: number,
  values: PointValues = createPointValues(layout),
): number {
  const base = copy * layout.paramCount;
  const { z, a } = values;
  a[0][0] = x0;
  a[0][1] = x1;
  for (let l = 1; l <= layout.layerCount; l++) {
    const nIn = layout.widths[l - 1];
    for (let i = 0; i < layout.widths[l]; i++) {
      let sum = weights[base + layout.biasOffset[l] + i];
      for (let j = 0; j < nIn; j++) sum += weights[base + layout.weightOffset[l] + i * nIn + j] * a[l - 1][j];
      z[l][i] = sum;
      a[l][i] = l < layout.layerCount ? activate(activation, sum) : sigmoid(sum);
    }
  }
  return z[layout.layerCount][0];
}

/** The new value of one parameter w with gradient g. */
/** The update rules of one weight, and their codes in the kernels (update_param in shaders/trainCommon.wgsl). */
export const PARAM_UPDATE_CODES = { plain: 0, 'l1-proximal': 1, 'l1-subgradient': 2, 'l2-decay': 3 } as const;
export type ParamUpdate = keyof typeof PARAM_UPDATE_CODES;

/** The update a rule applies to the weights (biases always take the plain one). */
export function paramUpdate(rule: Pick<TrainRule, 'penalty' | 'l1Update'>): ParamUpdate {
  switch (rule.penalty) {
    case 'none':
      return 'plain';
    case 'l2':
      return 'l2-decay';
    case 'l1':
      return rule.l1Update === 'proximal' ? 'l1-proximal' : 'l1-subgradient';
  }
}

export function updateParam(rule: TrainRule, w: number, g: number, isBias: boolean): number {
  const { alpha, lambda } = rule;
  const update = isBias ? 'plain' : paramUpdate(rule);
  switch (update) {
    case 'plain':
      return w - alpha * g;
    case 'l2-decay':
      return (1 - 2 * alpha * lambda) * w - alpha * g;
    case 'l1-subgradient':
      return w - alpha * g - alpha * lambda * Math.sign(w);
    case 'l1-proximal': {
      const u = w - alpha * g;
      // NaN stays NaN: a diverged copy must not turn into exact zeros (they would read as sparsity).
      if (Number.isNaN(u)) return u;
      const shrunk = Math.abs(u) - alpha * lambda;
      return shrunk > 0 ? Math.sign(u) * shrunk : 0; // +0, never −0
    }
  }
}

/** ∂J/∂θ of one copy (P values, the copy's layout), J the mean cross-entropy over the training points. */
export function trainGradient(
  layout: TrainLayout,
  activation: Activation,
  data: TrainingData,
  weights: ArrayLike<number>,
  copy: number,
): Float64Array {
  const L = layout.layerCount;
  const base = copy * layout.paramCount;
  const gradient = new Float64Array(layout.paramCount);
  const invTrain = 1 / data.trainCount;
  const values = createPointValues(layout);
  const { z, a, delta } = values;
  for (let point = 0; point < data.trainCount; point++) {
    const logit = networkForward(
      layout,
      activation,
      weights,
      copy,
      data.inputs[2 * point],
      data.inputs[2 * point + 1],
      values,
    );
    delta[L][0] = (sigmoid(logit) - data.labels[point]) * invTrain;
    for (let l = L - 1; l >= 1; l--) {
      const nOut = layout.widths[l + 1];
      for (let j = 0; j < layout.widths[l]; j++) {
        let sum = 0;
        for (let i = 0; i < nOut; i++)
          sum += weights[base + layout.weightOffset[l + 1] + i * layout.widths[l] + j] * delta[l + 1][i];
        delta[l][j] = sum * activateDerivative(activation, z[l][j]);
      }
    }
    for (let l = 1; l <= L; l++) {
      const nIn = layout.widths[l - 1];
      for (let i = 0; i < layout.widths[l]; i++) {
        for (let j = 0; j < nIn; j++) gradient[layout.weightOffset[l] + i * nIn + j] += delta[l][i] * a[l - 1][j];
        gradient[layout.biasOffset[l] + i] += delta[l][i];
      }
    }
  }
  return gradient;
}

/** One step of every copy, in place on `weights` (K·P, copy-major). */
export function trainStep(
  layout: TrainLayout,
  activation: Activation,
  rule: TrainRule,
  data: TrainingData,
  weights: Float64Array,
  copies: number,
): void {
  for (let copy = 0; copy < copies; copy++) {
    const gradient = trainGradient(layout, activation, data, weights, copy);
    const base = copy * layout.paramCount;
    for (let l = 1; l <= layout.layerCount; l++) {
      for (let p = layout.weightOffset[l]; p < layout.biasOffset[l]; p++) {
        weights[base + p] = updateParam(rule, weights[base + p], gradient[p], false);
      }
      for (let p = layout.biasOffset[l]; p < layout.biasOffset[l] + layout.widths[l]; p++) {
        weights[base + p] = updateParam(rule, weights[base + p], gradient[p], true);
      }
    }
  }
}
