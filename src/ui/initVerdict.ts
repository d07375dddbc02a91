// The one-line verdict of the Initialization explorer: do gradients vanish, hold or explode?
// Two readings of step 6 of the Xavier derivation (THEORY.md):
//  - the linear one, Π_l n[l−1]·Var(W[l]) (tanh ≈ identity, zero-mean inputs), which is what
//    Xavier's argument balances;
//  - the mean-field one, χ = σ_w²·E[φ'(z)²] at the fixed point (Poole et al. 2016), which keeps
//    φ' and the mean of φ: it is what the measurement follows, and what the verdict uses.
// Pure: no DOM, so it is unit-tested with the presets.

import type { InitConfig } from '../core/initConfig';
import { chi, layerWeightVariances, layerWidths, meanFieldTheory } from '../core/meanField';
import type { Verdict } from './initPresets';

/** Depth at which χ is read off as its fixed-point value (tanh at σ_w = 1 creeps up like 1 − c/l). */
const FIXED_POINT_DEPTH = 100;
/** |log χ| below log(1.1) counts as stable (the critical point χ = 1 and its neighbourhood). */
const STABLE_BAND = 0.1;

export interface GradientVerdict {
  verdict: Verdict;
  /** Per-layer gradient factor at the fixed point (mean field); for 'constant' the hidden layers' mean ratio. */
  chiStar: number;
  /** χ per layer of this config (layers 1..L). */
  chiPerLayer: number[];
  /** Π_l n[l−1]·Var(W[l]): step 6's product in the linear approximation. */
  linearProduct: number;
  /** Geometric mean of n[l−1]·Var(W[l]) over layers. */
  linearGain: number;
  /** The verdict step 6 would give on its own (linear approximation). */
  linearVerdict: Verdict;
}

export function classifyGain(gain: number): Verdict {
  if (!(gain > 0)) return 'vanishing';
  if (!Number.isFinite(gain)) return 'exploding';
  if (gain < 1 - STABLE_BAND) return 'vanishing';
  if (gain > 1 + STABLE_BAND) return 'exploding';
  return 'stable';
}

/** Layers of the constant-init theory used for its ratio (that theory is slow: ~8 ms a layer with biases). */
const CONSTANT_DEPTH = 12;

/**
 * χ per layer of the same net made at least FIXED_POINT_DEPTH deep. χ of layer l depends only on the
 * forward recursion up to l, so the first L entries are this config's χ, and the last is the
 * fixed-point value.
 */
function deepChi(config: InitConfig): number[] {
  if (config.scheme === 'zeros') return Array<number>(Math.max(config.depth, FIXED_POINT_DEPTH)).fill(0);
  return chi({ ...config, depth: Math.max(config.depth, FIXED_POINT_DEPTH) });
}

/** The theory's χ at (or near) the fixed point: the last layer of the same net made deep. */
function fixedPointChi(config: InitConfig, chiDeep: number[]): number {
  if (config.scheme === 'zeros') return 0;
  if (config.scheme === 'constant') {
    // Units are copies of each other (χ is not defined); use the theory's hidden-layer ratio of E[δ²]
    // over the first few layers.
    const theory = meanFieldTheory({ ...config, depth: Math.min(config.depth, CONSTANT_DEPTH) });
    const hidden = theory.slice(0, -1).map((layer) => layer.deltaMeanSquare);
    if (hidden.length < 2) return 1;
    const ratio = hidden[0] / hidden[hidden.length - 1];
    return ratio > 0 && Number.isFinite(ratio) ? ratio ** (1 / (hidden.length - 1)) : ratio === 0 ? 0 : Infinity;
  }
  return chiDeep[chiDeep.length - 1];
}

export function gradientVerdict(config: InitConfig): GradientVerdict {
  const n = layerWidths(config);
  const v = layerWeightVariances(config);
  let logProduct = 0;
  for (let l = 1; l <= config.depth; l++) logProduct += Math.log(n[l - 1] * v[l]);
  const linearProduct = Math.exp(logProduct);
  const linearGain = Math.exp(logProduct / config.depth);
  const chiDeep = config.scheme === 'constant' ? [] : deepChi(config);
  const chiStar = fixedPointChi(config, chiDeep);
  return {
    verdict: classifyGain(chiStar),
    chiStar,
    chiPerLayer: chiDeep.slice(0, config.depth),
    linearProduct,
    linearGain,
    linearVerdict: classifyGain(linearGain),
  };
}

/**
 * Measured per-layer gradient factor (E[δ²[1]] / E[δ²[L]])^(1/(L−1)): how much E[δ²] is multiplied
 * per layer on the way down; null when it cannot be formed (one layer, or no finite values).
 */
export function measuredGradientGain(deltaMeanSquares: readonly (number | null)[]): number | null {
  const L = deltaMeanSquares.length;
  const bottom = deltaMeanSquares[0];
  const top = deltaMeanSquares[L - 1];
  if (L < 2 || bottom === null || top === null || !(top > 0)) return null;
  return (bottom / top) ** (1 / (L - 1));
}
