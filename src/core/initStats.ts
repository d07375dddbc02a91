// CPU twin of the GPU initialization runner, and its specification: naive loops in f64.
// For each init k: draw x (B × n[0]); forward z[l] = W[l] a[l−1] + b[l], a[l] = φ(z[l]) for l = 1..L;
// backward from the random read-out loss L = (1/B) Σ_b g_b · a_b[L]:
// δ[L] = g ⊙ φ'(z[L]), δ[l−1] = (W[l]ᵀ δ[l]) ⊙ φ'(z[l−1]). Weights and biases are regenerated from
// (seed, layer, k, element) for each init, so only one init's network is held at a time.
// Arrays are batch-major: value (b, i) of a layer of width n sits at b·n + i.

import { activate, activateDerivative } from './activations';
import type { InitConfig } from './initConfig';
import { layerWidths, meanFieldTheory, type TheoryLayer } from './meanField';
import { fillWeights, initBias, inputValue, readoutValue } from './schemes';
import {
  addValue,
  createLayerAccumulators,
  histogramRange,
  type InitStatsResult,
  type LayerAccumulators,
  summarize,
} from './stats';

/** One init's forward and backward pass: a[0] = x; z, a, delta indexed by layer 1..L (index 0 of z, delta empty). */
export interface InitPass {
  z: Float64Array[];
  a: Float64Array[];
  delta: Float64Array[];
}

export function initPass(config: InitConfig, k: number): InitPass {
  const { depth: L, batch: B, seed, scheme, scale, biasStd, activation } = config;
  const n = layerWidths(config);
  const x = new Float64Array(B * n[0]);
  for (let b = 0; b < B; b++) {
    for (let j = 0; j < n[0]; j++) x[b * n[0] + j] = inputValue(seed, k, b, j, n[0]);
  }
  const W: Float64Array[] = [new Float64Array(0)];
  const z: Float64Array[] = [new Float64Array(0)];
  const a: Float64Array[] = [x];
  for (let l = 1; l <= L; l++) {
    const nIn = n[l - 1];
    const nOut = n[l];
    const weights = fillWeights(seed, scheme, scale, l, k, nIn, nOut);
    W[l] = weights;
    const bias = Float64Array.from({ length: nOut }, (_, i) => initBias(seed, biasStd, l, k, i));
    const below = a[l - 1];
    const zLayer = new Float64Array(B * nOut);
    const aLayer = new Float64Array(B * nOut);
    z[l] = zLayer;
    a[l] = aLayer;
    for (let b = 0; b < B; b++) {
      for (let i = 0; i < nOut; i++) {
        let sum = 0;
        for (let j = 0; j < nIn; j++) sum += weights[i * nIn + j] * below[b * nIn + j];
        zLayer[b * nOut + i] = sum + bias[i];
        aLayer[b * nOut + i] = activate(activation, zLayer[b * nOut + i]);
      }
    }
  }
  const delta: Float64Array[] = [new Float64Array(0)];
  delta[L] = new Float64Array(B * n[L]);
  for (let b = 0; b < B; b++) {
    for (let i = 0; i < n[L]; i++) {
      delta[L][b * n[L] + i] =
        readoutValue(seed, L, k, b, i, n[L]) * activateDerivative(activation, z[L][b * n[L] + i]);
    }
  }
  for (let l = L; l >= 2; l--) {
    const nIn = n[l - 1];
    const nOut = n[l];
    const weights = W[l];
    const above = delta[l];
    const zBelow = z[l - 1];
    const deltaBelow = new Float64Array(B * nIn);
    delta[l - 1] = deltaBelow;
    const back = new Float64Array(nIn); // (W[l]ᵀ δ_b[l])_j
    for (let b = 0; b < B; b++) {
      back.fill(0);
      for (let i = 0; i < nOut; i++) {
        const d = above[b * nOut + i];
        for (let j = 0; j < nIn; j++) back[j] += weights[i * nIn + j] * d;
      }
      for (let j = 0; j < nIn; j++)
        deltaBelow[b * nIn + j] = back[j] * activateDerivative(activation, zBelow[b * nIn + j]);
    }
  }
  return { z, a, delta };
}

/**
 * ‖∂L/∂W‖_F² with ∂L/∂W = (1/B) Σ_b δ_b a_bᵀ, without forming the matrix:
 * ‖Σ_b δ_b a_bᵀ‖_F² = Σ_{b,b'} (δ_b · δ_b')(a_b · a_b'), a B×B sum instead of nOut×nIn.
 */
export function dWNormSquared(delta: Float64Array, aBelow: Float64Array, B: number, nOut: number, nIn: number): number {
  let total = 0;
  for (let b = 0; b < B; b++) {
    for (let c = 0; c < B; c++) {
      let deltaDot = 0;
      for (let i = 0; i < nOut; i++) deltaDot += delta[b * nOut + i] * delta[c * nOut + i];
      let aDot = 0;
      for (let j = 0; j < nIn; j++) aDot += aBelow[b * nIn + j] * aBelow[c * nIn + j];
      total += deltaDot * aDot;
    }
  }
  return total / (B * B);
}

/** Largest spread from unit 0 within one (b, layer), over z and δ; finite differences only. */
function symmetryOf(z: Float64Array, delta: Float64Array, B: number, width: number): number {
  let spread = 0;
  for (let b = 0; b < B; b++) {
    for (let i = 1; i < width; i++) {
      const dz = Math.abs(z[b * width + i] - z[b * width]);
      const dd = Math.abs(delta[b * width + i] - delta[b * width]);
      if (Number.isFinite(dz)) spread = Math.max(spread, dz);
      if (Number.isFinite(dd)) spread = Math.max(spread, dd);
    }
  }
  return spread;
}

/** The raw accumulators of every layer (what the GPU runner fills too); histogram ranges from `theory`. */
export function initStatsAccumulators(
  config: InitConfig,
  options: { signal?: AbortSignal } = {},
  theory: TheoryLayer[] = meanFieldTheory(config),
): LayerAccumulators[] {
  return initChunkAccumulators(config, theory, 0, config.inits, options.signal);
}

/**
 * The accumulators of inits firstInit … firstInit + inits − 1 only, per-init entries 0 … inits − 1: one chunk
 * of a run (addChunk in core/stats.ts puts chunks together; the page's CPU backend runs chunks in a worker).
 */
export function initChunkAccumulators(
  config: InitConfig,
  theory: TheoryLayer[],
  firstInit: number,
  inits: number,
  signal?: AbortSignal,
): LayerAccumulators[] {
  const { depth: L, batch: B, bins } = config;
  const n = layerWidths(config);
  const layers = Array.from({ length: L }, () => createLayerAccumulators(bins, inits));
  const ranges = layers.map((_, index) => ({
    z: histogramRange(config, theory, index + 1, 'z'),
    a: histogramRange(config, theory, index + 1, 'a'),
    delta: histogramRange(config, theory, index + 1, 'delta'),
  }));
  for (let slot = 0; slot < inits; slot++) {
    signal?.throwIfAborted();
    const pass = initPass(config, firstInit + slot);
    for (let l = 1; l <= L; l++) {
      const acc = layers[l - 1];
      const range = ranges[l - 1];
      for (let e = 0; e < B * n[l]; e++) {
        addValue(acc.z, pass.z[l][e], slot, range.z);
        addValue(acc.a, pass.a[l][e], slot, range.a);
        addValue(acc.delta, pass.delta[l][e], slot, range.delta);
      }
      acc.dWNormSquared[slot] = dWNormSquared(pass.delta[l], pass.a[l - 1], B, n[l], n[l - 1]);
      acc.symmetry = Math.max(acc.symmetry, symmetryOf(pass.z[l], pass.delta[l], B, n[l]));
    }
  }
  return layers;
}

/** Per-layer statistics of K initializations, computed on the CPU. */
export function initStats(config: InitConfig, options: { signal?: AbortSignal } = {}): InitStatsResult {
  const theory = meanFieldTheory(config);
  return summarize(config, theory, initStatsAccumulators(config, options, theory));
}
