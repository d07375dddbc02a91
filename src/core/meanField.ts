// Mean-field theory curves (Poole et al. 2016, Schoenholz et al. 2017; THEORY.md), generalized to a
// per-layer weight variance v_l = weightVariance(scheme, s, n[l−1], n[l]), n[0] = inputWidth.
// Forward:  q[1] = n[0]·v_1·E[x²] + σ_b² (E[x²] = 1),  q[l] = n[l−1]·v_l·E[φ(√q[l−1] u)²] + σ_b².
// Backward: E[δ[L]²] = E[φ'²] at q[L] (E[g²] = 1),  E[δ[l]²] = n[l+1]·v_{l+1}·E[φ'(z[l])²]·E[δ[l+1]²].
// Weight gradient of L = (1/B) Σ_b g_b·a_b[L]: E[(∂L/∂W_ij[l])²] = E[δ[l]²]·E[a[l−1]²] / B
// (cross-batch terms vanish because the g_b are independent and zero-mean).
// 'constant' breaks the independence these rest on (every unit of a layer sees the same sum), so it
// has its own treatment, constantTheory below (exact for σ_b = 0, the wide-layer limit otherwise).
// δ is the back-propagated signal of one input (E[g²] = 1); ∂L/∂z_b = δ_b / B.

import { type Activation, activate, activateDerivative, TANH_CLAMP } from './activations';
import { gaussHermite, gaussLegendre, saturatingGaussianExpectation } from './gaussHermite';
import type { InitConfig } from './initConfig';
import { constantWeight, weightVariance } from './schemes';

export interface TheoryLayer {
  layer: number;
  zMeanSquare: number;
  aMeanSquare: number;
  deltaMeanSquare: number;
  dWMeanSquare: number;
}

/** Beyond this |z| the activation is constant to f64 precision (tanh: the clamp; sigmoid: 1 − 4e-18). */
function saturationOf(activation: 'tanh' | 'sigmoid'): number {
  return activation === 'tanh' ? TANH_CLAMP : 40;
}

/** 0·x = 0 even for x = ±∞: an exactly zero weight or derivative contributes nothing. */
function times(a: number, b: number): number {
  return a === 0 || b === 0 ? 0 : a * b;
}

/** E_{u~N(0,1)}[φ(√q u)²]; closed forms for relu (q/2) and linear (q), quadrature otherwise. */
export function activationMeanSquare(activation: Activation, q: number): number {
  switch (activation) {
    case 'relu':
      return q / 2;
    case 'linear':
      return q;
    case 'tanh':
    case 'sigmoid':
      // tanh² is even (tanh is odd bit for bit), sigmoid² is not.
      return saturatingGaussianExpectation(
        (z) => activate(activation, z) ** 2,
        q,
        saturationOf(activation),
        activation === 'tanh',
      );
  }
}

/** E_{u~N(0,1)}[φ'(√q u)²]; relu: ½ (0 at q = 0, where every z is 0 and relu'(0) = 0), linear: 1. */
export function derivativeMeanSquare(activation: Activation, q: number): number {
  switch (activation) {
    case 'relu':
      return q === 0 ? 0 : 0.5;
    case 'linear':
      return 1;
    case 'tanh':
    case 'sigmoid':
      // Both derivatives are even bit for bit (1 − tanh², and e^{−|z|}/(1 + e^{−|z|})²).
      return saturatingGaussianExpectation(
        (z) => activateDerivative(activation, z) ** 2,
        q,
        saturationOf(activation),
        true,
      );
  }
}

export interface MeanSquares {
  /** E[φ(√q u)²] (activationMeanSquare). */
  activation: number;
  /** E[φ'(√q u)²] (derivativeMeanSquare). */
  derivative: number;
}

/**
 * activationMeanSquare and derivativeMeanSquare at one q, bit for bit, in one pass (the phase theory needs
 * both at every q^l): for q > ½ the panels of saturatingGaussianExpectation are summed once, sharing the
 * density and the activation's evaluation at each node (tanh' = 1 − tanh², as activateDerivative computes
 * it; sigmoid, σ(−z) and σ' all from one e^{−z}), which halves the time of the pair.
 */
export function meanSquares(activation: Activation, q: number): MeanSquares {
  if (activation === 'relu' || activation === 'linear' || !(q > 0.5) || q === Infinity) {
    return { activation: activationMeanSquare(activation, q), derivative: derivativeMeanSquare(activation, q) };
  }
  // saturatingGaussianExpectation's sums with both integrands at once, in its order of operations.
  const sd = Math.sqrt(q);
  const reach = Math.min(saturationOf(activation), 12 * sd);
  const panels = Math.ceil(reach / 0.5);
  const width = reach / panels;
  const { nodes, weights } = gaussLegendre(8);
  const normalizer = 1 / (sd * Math.sqrt(2 * Math.PI));
  const tanh = activation === 'tanh';
  let square = 0;
  let derivativeSquare = 0;
  let halfMass = 0;
  for (let panel = 0; panel < panels; panel++) {
    const center = (panel + 0.5) * width;
    for (let i = 0; i < nodes.length; i++) {
      const z = center + 0.5 * width * nodes[i]; // > 0
      const density = 0.5 * width * weights[i] * normalizer * Math.exp(-(z * z) / (2 * q));
      if (tanh) {
        const t = activate('tanh', z);
        square += density * (2 * t ** 2);
        derivativeSquare += density * (2 * (1 - t * t) ** 2);
      } else {
        const e = Math.exp(-z); // sigmoid(z) = 1 / (1 + e), sigmoid(−z) = e / (1 + e), σ'(z) = e / (1 + e)²
        square += density * ((1 / (1 + e)) ** 2 + (e / (1 + e)) ** 2);
        derivativeSquare += density * (2 * (e / ((1 + e) * (1 + e))) ** 2);
      }
      halfMass += density;
    }
  }
  const tail = Math.max(0, 0.5 - halfMass);
  const squareAt = (z: number) => activate(activation, z) ** 2;
  const derivativeSquareAt = (z: number) => activateDerivative(activation, z) ** 2;
  return {
    activation: square + tail * (squareAt(reach) + squareAt(-reach)),
    derivative: derivativeSquare + tail * (derivativeSquareAt(reach) + derivativeSquareAt(-reach)),
  };
}

/** n[0..L]: n[0] = inputWidth, n[l] = width. */
export function layerWidths(config: InitConfig): number[] {
  return [config.inputWidth, ...Array<number>(config.depth).fill(config.width)];
}

/** v[l] = Var(W[l]) for l = 1..L (v[0] is unused and 0). */
export function layerWeightVariances(config: InitConfig): number[] {
  const n = layerWidths(config);
  return n.map((_, l) => (l === 0 ? 0 : weightVariance(config.scheme, config.scale, n[l - 1], n[l])));
}

/** Per-layer second moments of z, a = φ(z), δ and ∂L/∂W (per weight), for layers 1..L. */
export function meanFieldTheory(config: InitConfig): TheoryLayer[] {
  if (config.scheme === 'constant') return recentConstantTheory(config);
  const { depth: L, activation, batch: B } = config;
  const n = layerWidths(config);
  const v = layerWeightVariances(config);
  const biasVariance = config.biasStd ** 2;
  const q: number[] = [NaN];
  const aMeanSquare: number[] = [1]; // E[a[0]²] = E[x²]
  for (let l = 1; l <= L; l++) {
    q[l] = times(n[l - 1] * v[l], aMeanSquare[l - 1]) + biasVariance;
    aMeanSquare[l] = activationMeanSquare(activation, q[l]);
  }
  const deltaMeanSquare: number[] = [];
  deltaMeanSquare[L] = derivativeMeanSquare(activation, q[L]);
  for (let l = L - 1; l >= 1; l--) {
    deltaMeanSquare[l] = times(
      times(n[l + 1] * v[l + 1], derivativeMeanSquare(activation, q[l])),
      deltaMeanSquare[l + 1],
    );
  }
  const layers: TheoryLayer[] = [];
  for (let l = 1; l <= L; l++) {
    layers.push({
      layer: l,
      zMeanSquare: q[l],
      aMeanSquare: aMeanSquare[l],
      deltaMeanSquare: deltaMeanSquare[l],
      dWMeanSquare: times(deltaMeanSquare[l], aMeanSquare[l - 1]) / B,
    });
  }
  return layers;
}

/**
 * χ per layer, Poole et al.'s σ_w²·E[φ'(√q u)²] with σ_w²[l] = n[l−1]·v_l (this layer's weights):
 * the factor by which E[δ²] shrinks (< 1) or grows (> 1) per layer in a net of equal widths.
 * Not meaningful for 'constant' (units are not independent).
 */
export function chi(config: InitConfig, theory: TheoryLayer[] = meanFieldTheory(config)): number[] {
  const n = layerWidths(config);
  const v = layerWeightVariances(config);
  return theory.map(({ layer, zMeanSquare }) =>
    times(n[layer - 1] * v[layer], derivativeMeanSquare(config.activation, zMeanSquare)),
  );
}

/** Standard normal density and CDF (Numerical Recipes' erfc, relative error < 1.2e-7). */
function normalDensity(t: number): number {
  return Math.exp(-0.5 * t * t) / Math.sqrt(2 * Math.PI);
}

function normalCdf(t: number): number {
  const x = -t / Math.SQRT2;
  const z = Math.abs(x);
  const s = 1 / (1 + 0.5 * z);
  const polynomial =
    -1.26551223 +
    s *
      (1.00002368 +
        s *
          (0.37409196 +
            s *
              (0.09678418 +
                s *
                  (-0.18628806 +
                    s * (0.27886807 + s * (-1.13520398 + s * (1.48851587 + s * (-0.82215223 + s * 0.17087277))))))));
  const erfc = s * Math.exp(-z * z + polynomial);
  return 0.5 * (x >= 0 ? erfc : 2 - erfc);
}

/** E_b over b ~ N(0, σ_b²) of φ(S + b), φ², φ', φ'² for one shared sum S. */
interface BiasAverages {
  a: number;
  aSquare: number;
  derivative: number;
  derivativeSquare: number;
}

function biasAverages(activation: Activation, S: number, biasStd: number): BiasAverages {
  if (biasStd === 0 || activation === 'linear') {
    const a = activate(activation, S);
    const derivative = activateDerivative(activation, S);
    return { a, aSquare: a * a + biasStd * biasStd, derivative, derivativeSquare: derivative * derivative };
  }
  if (activation === 'relu') {
    // E[relu(S + σw)] = SΦ + σϕ, E[relu²] = (S² + σ²)Φ + Sσϕ, E[relu'] = E[relu'²] = Φ, at t = S/σ.
    // For t ≪ 0 the terms cancel and Φ's 1e-7 error could make them negative: clamp at 0.
    const t = S / biasStd;
    const Phi = normalCdf(t);
    const phi = normalDensity(t);
    return {
      a: Math.max(0, times(S, Phi) + biasStd * phi),
      aSquare: Math.max(0, times(S * S + biasStd * biasStd, Phi) + times(S * biasStd, phi)),
      derivative: Phi,
      derivativeSquare: Phi,
    };
  }
  // tanh, sigmoid: smooth in b, so Gauss–Hermite over the bias.
  const { nodes, weights } = gaussHermite(31);
  let a = 0;
  let aSquare = 0;
  let derivative = 0;
  let derivativeSquare = 0;
  for (let i = 0; i < nodes.length; i++) {
    const z = S + biasStd * nodes[i];
    const value = activate(activation, z);
    // tanh' from tanh: 1 − φ² is activateDerivative's own formula, without a second tanh.
    const slope = activation === 'tanh' && !Number.isNaN(z) ? 1 - value * value : activateDerivative(activation, z);
    a += weights[i] * value;
    aSquare += weights[i] * value * value;
    derivative += weights[i] * slope;
    derivativeSquare += weights[i] * slope * slope;
  }
  return { a, aSquare, derivative, derivativeSquare };
}

/**
 * The constant-init theory of the last few configurations. It is the one slow theory (0.6–0.8 s at
 * depth 200 with σ_b > 0; the page computes it in a worker, src/ui/theoryWorker.ts), and a re-seed or
 * a new K, which it does not depend on, would otherwise pay it again. Callers get their own copies.
 */
const CONSTANT_THEORY_CACHE = new Map<string, TheoryLayer[]>();
const CONSTANT_THEORY_CACHE_SIZE = 8;

function recentConstantTheory(config: InitConfig): TheoryLayer[] {
  const { depth, width, inputWidth, batch, activation, scale, biasStd } = config;
  const key = JSON.stringify([depth, width, inputWidth, batch, activation, scale, biasStd]);
  let layers = CONSTANT_THEORY_CACHE.get(key);
  if (layers) {
    CONSTANT_THEORY_CACHE.delete(key); // re-inserted below as the most recent
  } else {
    layers = constantTheory(config);
    if (CONSTANT_THEORY_CACHE.size >= CONSTANT_THEORY_CACHE_SIZE) {
      CONSTANT_THEORY_CACHE.delete(CONSTANT_THEORY_CACHE.keys().next().value as string);
    }
  }
  CONSTANT_THEORY_CACHE.set(key, layers);
  return layers.map((layer) => ({ ...layer }));
}

/**
 * Constant init, W[l] = c_l everywhere (c_l = s / n[l−1]). Every unit of layer l sees the same sum
 * S[l] = c_l Σ_j a_j[l−1], and z_i[l] = S[l] + b_i. S[1] = c_1 Σ_j x_j ~ N(0, n[0] c_1²) exactly; above,
 * S[l] = c_l n[l−1] E_b[φ(S[l−1] + b)] (exact for σ_b = 0, where all units are identical; the
 * wide-layer limit otherwise). All layers are functions of one Gaussian u, integrated by composite
 * Gauss–Legendre in u (panel edges at 0, where relu's kink sits). Backward, the read-out g keeps its
 * independence: E[(Σ_i δ_i[L])² | u] = n[L]·E_b[φ'²], and Σ_j δ_j[l] = c_{l+1} n[l] E_b[φ'] Σ_i δ_i[l+1].
 */
function constantTheory(config: InitConfig): TheoryLayer[] {
  const { depth: L, activation, biasStd, batch: B } = config;
  const n = layerWidths(config);
  const c = n.map((_, l) => (l === 0 ? 0 : constantWeight(config.scale, n[l - 1])));
  const rule = gaussLegendre(4);
  const panels = 340; // fewer (100) moved some saturating tanh cases by 4% and vanishing δ² by 1000×
  const reach = 8.5; // P(|u| > 8.5) ≈ 2e-17
  const width = (2 * reach) / panels;
  const u: number[] = [];
  const weight: number[] = [];
  for (let panel = 0; panel < panels; panel++) {
    const center = -reach + (panel + 0.5) * width;
    for (let i = 0; i < rule.nodes.length; i++) {
      const node = center + 0.5 * width * rule.nodes[i];
      u.push(node);
      weight.push(0.5 * width * rule.weights[i] * normalDensity(node));
    }
  }
  const expectation = (values: number[]): number =>
    values.reduce((sum, value, index) => sum + times(weight[index], value), 0);
  // The bias averages depend on S alone, and deep constant nets repeat S values exactly (saturated
  // nodes share ±s; a node's S settles on a fixed point). Reusing them gives the same numbers; with
  // tanh's derivative taken from tanh, depth 200 with σ_b > 0 went from 1.3 s to ~0.6 s (tanh, s = 1)
  // and ~0.15 s (sigmoid, or saturating tanh) on the main thread.
  const known = new Map<number, BiasAverages>();
  const reuse = biasStd > 0 && (activation === 'tanh' || activation === 'sigmoid'); // the costly case
  const averagesAt = (sum: number): BiasAverages => {
    if (!reuse) return biasAverages(activation, sum, biasStd);
    let found = known.get(sum);
    if (!found) {
      found = biasAverages(activation, sum, biasStd);
      known.set(sum, found);
    }
    return found;
  };
  let S = u.map((node) => Math.sqrt(n[0]) * c[1] * node);
  const averages: BiasAverages[][] = [[]];
  const zMeanSquare: number[] = [NaN];
  for (let l = 1; l <= L; l++) {
    averages[l] = S.map(averagesAt);
    zMeanSquare[l] = expectation(S.map((sum) => sum * sum)) + biasStd * biasStd;
    if (l < L) S = averages[l].map(({ a }) => times(c[l + 1] * n[l], a));
  }
  // sumSquare[i] = E[(Σ_i δ_i[l+1])² | u] at node i, for the layer above the current one.
  let sumSquare = averages[L].map(({ derivativeSquare }) => n[L] * derivativeSquare);
  const deltaSquare: number[][] = [];
  deltaSquare[L] = averages[L].map(({ derivativeSquare }) => derivativeSquare);
  for (let l = L - 1; l >= 1; l--) {
    deltaSquare[l] = averages[l].map(({ derivativeSquare }, i) =>
      times(derivativeSquare * c[l + 1] ** 2, sumSquare[i]),
    );
    sumSquare = averages[l].map(({ derivative }, i) => times((c[l + 1] * n[l] * derivative) ** 2, sumSquare[i]));
  }
  const layers: TheoryLayer[] = [];
  for (let l = 1; l <= L; l++) {
    const below = l === 1 ? null : averages[l - 1];
    layers.push({
      layer: l,
      zMeanSquare: zMeanSquare[l],
      aMeanSquare: expectation(averages[l].map(({ aSquare }) => aSquare)),
      deltaMeanSquare: expectation(deltaSquare[l]),
      // E[x_j²] = 1 below layer 1 (its O(1/n[0]) correlation with S[1] is dropped).
      dWMeanSquare: expectation(deltaSquare[l].map((value, i) => times(value, below ? below[i].aSquare : 1))) / B,
    });
  }
  return layers;
}

/**
 * The power of two nearest √meanSquare (exponent clamped to [−100, 100]); 1 when meanSquare is 0 or
 * not finite. The GPU multiplies values by 1/momentScale before squaring and summing in f32, so
 * vanishing and exploding runs neither underflow nor overflow; a power of two makes that exact.
 */
export function momentScale(meanSquare: number): number {
  if (!(meanSquare > 0) || !Number.isFinite(meanSquare)) return 1;
  const exponent = Math.max(-100, Math.min(100, Math.round(0.5 * Math.log2(meanSquare))));
  return 2 ** exponent;
}
