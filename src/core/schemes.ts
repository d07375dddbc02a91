// Weight-initialization schemes (THEORY.md's table) and the element draws that fix the random layout
// the GPU reproduces: weight (row, col) of layer l in init k is element row·nIn + col of stream
// (weights, l) at counter k; biases, inputs and read-out vectors have streams of their own.

import {
  normalAt,
  normalPairFromWords,
  Stream,
  type StreamTag,
  streamKey,
  threefry2x32,
  uniformAt,
  uniformFromWord,
} from './rng';

export const SCHEMES = [
  'zeros',
  'constant',
  'normal',
  'uniform',
  'xavier-normal',
  'xavier-uniform',
  'glorot-normal',
  'glorot-uniform',
  'he-normal',
  'he-uniform',
] as const;
export type Scheme = (typeof SCHEMES)[number];

export function isUniformScheme(scheme: Scheme): boolean {
  return scheme === 'uniform' || scheme === 'xavier-uniform' || scheme === 'glorot-uniform' || scheme === 'he-uniform';
}

/** How a scheme's weights are drawn: one factor (constant, std or bound) times zero, one, a normal or a uniform. */
export type WeightDraw = 'zeros' | 'constant' | 'normal' | 'uniform';

/** The draw codes of the kernels (DRAW_KIND of shaders/initWeights.wgsl, `draw` of shaders/trainInit.wgsl). */
export const WEIGHT_DRAW_CODES: Readonly<Record<WeightDraw, number>> = { zeros: 0, constant: 1, normal: 2, uniform: 3 };

export function weightDraw(scheme: Scheme): WeightDraw {
  if (scheme === 'zeros' || scheme === 'constant') return scheme;
  return isUniformScheme(scheme) ? 'uniform' : 'normal';
}

/** The one value of every weight under 'constant': c = s / nIn, so z = s·mean(a) (all units identical). */
export function constantWeight(scale: number, nIn: number): number {
  return scale / nIn;
}

/**
 * Var(W) of the scheme with init scale s (s multiplies the standard deviation, so Var scales by s²).
 * For 'constant' this is the second moment c², for 'zeros' 0.
 */
export function weightVariance(scheme: Scheme, scale: number, nIn: number, nOut: number): number {
  const s2 = scale * scale;
  switch (scheme) {
    case 'zeros':
      return 0;
    case 'constant':
      return constantWeight(scale, nIn) ** 2;
    case 'normal':
    case 'uniform':
      return s2;
    case 'xavier-normal':
    case 'xavier-uniform':
      return s2 / nIn;
    case 'glorot-normal':
    case 'glorot-uniform':
      return (2 * s2) / (nIn + nOut);
    case 'he-normal':
    case 'he-uniform':
      return (2 * s2) / nIn;
  }
}

/** Standard deviation of the random part: √Var for the random schemes, 0 for zeros and constant. */
export function weightStd(scheme: Scheme, scale: number, nIn: number, nOut: number): number {
  if (scheme === 'zeros' || scheme === 'constant') return 0;
  return Math.sqrt(weightVariance(scheme, scale, nIn, nOut));
}

/** r of U(−r, r) with the scheme's variance (r²/3 = Var); 0 for schemes that are not uniform. */
export function uniformBound(scheme: Scheme, scale: number, nIn: number, nOut: number): number {
  if (!isUniformScheme(scheme)) return 0;
  return Math.sqrt(3 * weightVariance(scheme, scale, nIn, nOut));
}

/**
 * The one number a kernel needs per layer: the std (normal schemes), the bound r (uniform schemes),
 * c (constant) or 0 (zeros). initWeight = weightFactor · draw, draw ∈ {normal, 2u − 1, 1, 0}.
 */
export function weightFactor(scheme: Scheme, scale: number, nIn: number, nOut: number): number {
  if (scheme === 'zeros') return 0;
  if (scheme === 'constant') return constantWeight(scale, nIn);
  if (isUniformScheme(scheme)) return uniformBound(scheme, scale, nIn, nOut);
  return weightStd(scheme, scale, nIn, nOut);
}

/** W[layer]_{row, col} of init k (layer is 1-based; element = row·nIn + col). */
export function initWeight(
  seed: number,
  scheme: Scheme,
  scale: number,
  layer: number,
  k: number,
  row: number,
  col: number,
  nIn: number,
  nOut: number,
): number {
  if (scheme === 'zeros') return 0;
  if (scheme === 'constant') return constantWeight(scale, nIn);
  const element = row * nIn + col;
  if (isUniformScheme(scheme)) {
    const bound = uniformBound(scheme, scale, nIn, nOut);
    return bound * (2 * uniformAt(seed, Stream.weights, layer, k, element) - 1);
  }
  return weightStd(scheme, scale, nIn, nOut) * normalAt(seed, Stream.weights, layer, k, element);
}

/** b[layer]_row of init k: N(0, biasStd²). */
export function initBias(seed: number, biasStd: number, layer: number, k: number, row: number): number {
  if (biasStd === 0) return 0;
  return biasStd * normalAt(seed, Stream.biases, layer, k, row);
}

/** Input x_{b, j} of init k: N(0, 1), so E[x²] = 1 (the start of the mean-field recursion). */
export function inputValue(seed: number, k: number, b: number, j: number, inputWidth: number): number {
  return normalAt(seed, Stream.inputs, 0, k, b * inputWidth + j);
}

/** g_{b, i} of init k: the random read-out of the loss L = (1/B) Σ_b g_b · a_b[L], so δ[L] = g ⊙ φ'(z[L]). */
export function readoutValue(seed: number, depth: number, k: number, b: number, i: number, width: number): number {
  return normalAt(seed, Stream.readout, depth, k, b * width + i);
}

// Whole-array draws for the CPU twin: one Threefry call serves two neighbouring elements,
// halving the cost; bit-identical to the element functions above (tested).

/** out[e] = normalAt(seed, tag, layer, k, e) for e = 0 .. out.length − 1. */
export function fillNormals(seed: number, tag: StreamTag, layer: number, k: number, out: Float64Array): Float64Array {
  const key1 = streamKey(tag, layer);
  for (let pair = 0; 2 * pair < out.length; pair++) {
    const [w0, w1] = threefry2x32(seed, key1, k, pair);
    const [n0, n1] = normalPairFromWords(w0, w1);
    out[2 * pair] = n0;
    if (2 * pair + 1 < out.length) out[2 * pair + 1] = n1;
  }
  return out;
}

/** out[e] = uniformAt(seed, tag, layer, k, e) for e = 0 .. out.length − 1. */
export function fillUniforms(seed: number, tag: StreamTag, layer: number, k: number, out: Float64Array): Float64Array {
  const key1 = streamKey(tag, layer);
  for (let pair = 0; 2 * pair < out.length; pair++) {
    const [w0, w1] = threefry2x32(seed, key1, k, pair);
    out[2 * pair] = uniformFromWord(w0);
    if (2 * pair + 1 < out.length) out[2 * pair + 1] = uniformFromWord(w1);
  }
  return out;
}

/** W[layer] of init k as a row-major nOut × nIn array: out[row·nIn + col] = initWeight(…, row, col, …). */
export function fillWeights(
  seed: number,
  scheme: Scheme,
  scale: number,
  layer: number,
  k: number,
  nIn: number,
  nOut: number,
  out: Float64Array = new Float64Array(nOut * nIn),
): Float64Array {
  if (scheme === 'zeros' || scheme === 'constant') return out.fill(scheme === 'zeros' ? 0 : constantWeight(scale, nIn));
  if (isUniformScheme(scheme)) {
    const bound = uniformBound(scheme, scale, nIn, nOut);
    fillUniforms(seed, Stream.weights, layer, k, out);
    for (let e = 0; e < out.length; e++) out[e] = bound * (2 * out[e] - 1);
    return out;
  }
  const std = weightStd(scheme, scale, nIn, nOut);
  fillNormals(seed, Stream.weights, layer, k, out);
  for (let e = 0; e < out.length; e++) out[e] = std * out[e];
  return out;
}
