// CPU twin of shaders/common/activations.wgsl: the activation φ and its derivative φ'.
// NaN in gives NaN out for both (so a NaN is counted where it arises, never hidden as 0).

export const ACTIVATIONS = ['tanh', 'sigmoid', 'relu', 'linear'] as const;
export type Activation = (typeof ACTIVATIONS)[number];

/** The ACTIVATION override of shaders/common/activations.wgsl (its ACTIVATION_* cases, src/gpu/wgslCodes.ts). */
export const ACTIVATION_CODES: Readonly<Record<Activation, number>> = { tanh: 0, sigmoid: 1, relu: 2, linear: 3 };

/**
 * WGSL tanh is built on exp and may return NaN for |x| > ~88 in f32; the GPU clamps to |z| ≤ 15,
 * where tanh is already 1 in f32, and so does the CPU twin (tanh(±∞) = tanh(±15) = ±(1 − 2e-13)).
 */
export const TANH_CLAMP = 15;

function clampedTanh(z: number): number {
  return Math.tanh(Math.min(TANH_CLAMP, Math.max(-TANH_CLAMP, z)));
}

/** σ(z) = 1 / (1 + e^−z) without overflow: exp only of −|z| (NaN in, NaN out). */
export function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e); // also the NaN branch: NaN ≥ 0 is false
}

/** φ(z). */
export function activate(activation: Activation, z: number): number {
  switch (activation) {
    case 'tanh':
      return clampedTanh(z);
    case 'sigmoid':
      return sigmoid(z);
    case 'relu':
      return Math.max(0, z); // Math.max propagates NaN
    case 'linear':
      return z;
  }
}

/** φ'(z). */
export function activateDerivative(activation: Activation, z: number): number {
  if (Number.isNaN(z)) return NaN;
  switch (activation) {
    case 'tanh': {
      const t = clampedTanh(z);
      return 1 - t * t;
    }
    case 'sigmoid': {
      // s(1 − s) = e^{−|z|} / (1 + e^{−|z|})²: no cancellation in 1 − s for large z.
      const e = Math.exp(-Math.abs(z));
      return e / ((1 + e) * (1 + e));
    }
    case 'relu':
      return z > 0 ? 1 : 0;
    case 'linear':
      return 1;
  }
}
