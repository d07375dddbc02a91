// The phase-diagram measurement and its CPU twin (the GPU engine fills the same records):
//
// Cell (iw, ib) has σ_w² = cellSw2(iw), σ_b² = cellSb2(ib) (core/phaseConfig.ts). Its K networks are
// copies k = 0 … K−1, and every cell uses the same standard-normal draws of copy k, scaled by its own
// σ_w and σ_b (common random numbers: neighbouring cells differ by their settings, not their draws):
//   W[l]_{ij} = (σ_w / √n) · normalAt(seed, weights, l, k, i·n + j)     l = 1 … L, i, j < n
//   b[l]_i    = σ_b · normalAt(seed, biases, l, k, i)
//   pair p:  x₁_j = normalAt(seed, inputs, 0, k, 2p·n + j),  ξ_j = normalAt(seed, inputs, 0, k, (2p+1)·n + j)
//            x₂ = c₀ x₁ + √(1 − c₀²) ξ     (input rows 2p and 2p + 1; E[x²] = 1, correlation c₀)
//   forward  z[l] = W[l] a[l−1] + b[l], a[l] = φ(z[l]), a[0] = x
//   backward δ[L] = g ⊙ φ'(z[L]) with g_{r,i} = normalAt(seed, readout, L, k, r·n + i) (r: input row),
//            δ[l−1] = (W[l]ᵀ δ[l]) ⊙ φ'(z[l−1])
// The record of (cell, copy, layer l): zSquare = Σ_{r,i} z[l]²_{r,i} over the 2B input rows, cosine =
// Σ_p z₁·z₂ / √(|z₁|² |z₂|²) over the pairs (0 for a pair with a zero vector), deltaSquare = Σ δ[l]², and
// finite = 0 when any z[l] or δ[l] value was not finite (then the record is left out of the means).
// Per cell (combinePhaseRecords), per layer over its finite records: q^l = zSquare / (2B n),
// c^l = cosine / B, E[δ²]^l = deltaSquare / (2B n); a copy with any non-finite layer counts in nonFinite.
//   qStar  = q^L                                 theory: q^L of the length map (lengthSequence)
//   chi1   = (E[δ²]^{h} / E[δ²]^L)^{1/(L−h)}, h = ⌊L/2⌋: the geometric-mean ratio E[δ²_{l−1}]/E[δ²_l] over
//            the deepest half of the layers      theory: χ₁ = σ_w² E[φ'(√q* z)²]
//   c      = c^L                                 theory: c^L of the correlation map (correlationSequence)
//   xiC    = ξ of the least-squares fit c^l ≈ c∞ + A·exp(−l/ξ) over the layers (fittedDepthScale)
//                                                theory: ξ_c = −1 / ln χ_c

import { type Activation, activate, activateDerivative } from './activations';
import { cellSb2, cellSw2, type PhaseConfig, phaseCellCount } from './phaseConfig';
import { Stream } from './rng';
import { fillNormals } from './schemes';
import { correlationSequence, lengthAndDerivativeSequences, stationaryTheory } from './signalPropagation';

/** Sums of one (cell, copy, layer), in the order the GPU writes them. */
export interface PhaseRecord {
  zSquare: number;
  cosine: number;
  deltaSquare: number;
  /** 1 when every z and δ of the layer was finite, else 0. */
  finite: number;
}

/**
 * Records of a grid as flat arrays, index ((cell · K) + copy) · L + (l − 1): what the GPU engine reads back
 * (f32 sums) and the CPU twin fills (f64).
 */
export interface PhaseRecords {
  zSquare: Float64Array;
  cosine: Float64Array;
  deltaSquare: Float64Array;
  finite: Uint8Array;
}

export function createPhaseRecords(config: PhaseConfig, cells = phaseCellCount(config)): PhaseRecords {
  const size = cells * config.inits * config.depth;
  return {
    zSquare: new Float64Array(size),
    cosine: new Float64Array(size),
    deltaSquare: new Float64Array(size),
    finite: new Uint8Array(size),
  };
}

export const recordIndex = (config: PhaseConfig, cell: number, copy: number, layer: number): number =>
  (cell * config.inits + copy) * config.depth + (layer - 1);

/** A measured value beside its mean-field prediction. */
export interface Measured {
  measured: number;
  theory: number;
}

/** Per-layer curves of a cell, index l − 1 for layer l. */
export interface PhaseCurves {
  q: number[];
  c: number[];
  deltaSquare: number[];
}

export interface PhaseCell {
  sw2: number;
  sb2: number;
  iw: number;
  ib: number;
  qStar: Measured;
  chi1: Measured;
  c: Measured;
  xiC: Measured;
  measured: PhaseCurves;
  theory: PhaseCurves;
  /** Copies with a non-finite value in some layer (left out of that layer's means). */
  nonFinite: number;
}

/** A c^l that moves by less than this over all layers has no depth scale to fit. */
export const DIFFERENCE_FLOOR = 1e-4;

// ---------------------------------------------------------------------------------------------------
// The CPU twin

/** The 2B × n inputs of copy k: rows 2p (x₁) and 2p + 1 (x₂ = c₀ x₁ + √(1 − c₀²) ξ). */
export function phaseInputs(config: PhaseConfig, k: number): Float64Array {
  const { width: n, batch, c0, seed } = config;
  const x = fillNormals(seed, Stream.inputs, 0, k, new Float64Array(2 * batch * n));
  const s = Math.sqrt(Math.max(0, 1 - c0 * c0));
  for (let p = 0; p < batch; p++) {
    for (let j = 0; j < n; j++) {
      const first = x[2 * p * n + j];
      x[(2 * p + 1) * n + j] = c0 * first + s * x[(2 * p + 1) * n + j];
    }
  }
  return x;
}

/** The standard-normal draws of copy k that every cell scales: W[l] (n × n, row-major) and b[l], l = 1 … L. */
export interface PhaseDraws {
  weights: Float64Array[];
  biases: Float64Array[];
  inputs: Float64Array;
  readout: Float64Array;
}

export function phaseDraws(config: PhaseConfig, k: number): PhaseDraws {
  const { width: n, depth: L, batch, seed } = config;
  const weights: Float64Array[] = [new Float64Array(0)];
  const biases: Float64Array[] = [new Float64Array(0)];
  for (let l = 1; l <= L; l++) {
    weights.push(fillNormals(seed, Stream.weights, l, k, new Float64Array(n * n)));
    biases.push(fillNormals(seed, Stream.biases, l, k, new Float64Array(n)));
  }
  const readout = fillNormals(seed, Stream.readout, L, k, new Float64Array(2 * batch * n));
  return { weights, biases, inputs: phaseInputs(config, k), readout };
}

/** The records of one network (cell settings sw2, sb2; copy draws) into `records` at cell, copy. */
export function phaseNetwork(
  config: PhaseConfig,
  sw2: number,
  sb2: number,
  draws: PhaseDraws,
  records: PhaseRecords,
  cell: number,
  copy: number,
): void {
  const { width: n, depth: L, batch, activation } = config;
  const rows = 2 * batch;
  const weightStd = Math.sqrt(sw2 / n);
  const biasStd = Math.sqrt(sb2);
  const z: Float64Array[] = [new Float64Array(0)];
  let below = draws.inputs;
  for (let l = 1; l <= L; l++) {
    const W = draws.weights[l];
    const bias = draws.biases[l];
    const zLayer = new Float64Array(rows * n);
    const aLayer = new Float64Array(rows * n);
    for (let r = 0; r < rows; r++) {
      for (let i = 0; i < n; i++) {
        let sum = 0;
        for (let j = 0; j < n; j++) sum += W[i * n + j] * below[r * n + j];
        const value = weightStd * sum + biasStd * bias[i];
        zLayer[r * n + i] = value;
        aLayer[r * n + i] = activate(activation, value);
      }
    }
    z.push(zLayer);
    below = aLayer;
  }
  let delta = new Float64Array(rows * n);
  for (let e = 0; e < rows * n; e++) delta[e] = draws.readout[e] * activateDerivative(activation, z[L][e]);
  for (let l = L; l >= 1; l--) {
    writeRecord(config, records, recordIndex(config, cell, copy, l), z[l], delta);
    if (l === 1) break;
    const W = draws.weights[l];
    const next = new Float64Array(rows * n);
    const back = new Float64Array(n);
    for (let r = 0; r < rows; r++) {
      back.fill(0);
      for (let i = 0; i < n; i++) {
        const d = delta[r * n + i];
        for (let j = 0; j < n; j++) back[j] += W[i * n + j] * d;
      }
      for (let j = 0; j < n; j++)
        next[r * n + j] = weightStd * back[j] * activateDerivative(activation, z[l - 1][r * n + j]);
    }
    delta = next;
  }
}

function writeRecord(config: PhaseConfig, records: PhaseRecords, at: number, z: Float64Array, delta: Float64Array) {
  const { width: n, batch } = config;
  let zSquare = 0;
  let deltaSquare = 0;
  let finite = true;
  for (let e = 0; e < 2 * batch * n; e++) {
    zSquare += z[e] * z[e];
    deltaSquare += delta[e] * delta[e];
    if (!Number.isFinite(z[e]) || !Number.isFinite(delta[e])) finite = false;
  }
  let cosine = 0;
  for (let p = 0; p < batch; p++) cosine += pairCosine(z, 2 * p * n, (2 * p + 1) * n, n);
  records.zSquare[at] = zSquare;
  records.cosine[at] = cosine;
  records.deltaSquare[at] = deltaSquare;
  records.finite[at] = finite ? 1 : 0;
}

/** z₁·z₂ / √(|z₁|² |z₂|²) of rows starting at first and second; 0 when either row is all zeros. */
export function pairCosine(z: Float64Array, first: number, second: number, n: number): number {
  let dot = 0;
  let square1 = 0;
  let square2 = 0;
  for (let i = 0; i < n; i++) {
    dot += z[first + i] * z[second + i];
    square1 += z[first + i] * z[first + i];
    square2 += z[second + i] * z[second + i];
  }
  const norm = Math.sqrt(square1 * square2);
  return norm > 0 ? dot / norm : 0;
}

/**
 * The records of copies firstCopy … firstCopy + copies − 1 of every cell (the CPU backend runs the grid in
 * such pieces); records are indexed by copy − firstCopy within a PhaseRecords of `copies` inits.
 */
export function phaseRecordsCpu(
  config: PhaseConfig,
  firstCopy = 0,
  copies = config.inits,
  signal?: AbortSignal,
): PhaseRecords {
  const piece = { ...config, inits: copies };
  const records = createPhaseRecords(piece, phaseCellCount(config));
  for (let copy = 0; copy < copies; copy++) {
    const draws = phaseDraws(config, firstCopy + copy);
    for (let ib = 0; ib < config.cellsB; ib++) {
      for (let iw = 0; iw < config.cellsW; iw++) {
        signal?.throwIfAborted();
        const cell = ib * config.cellsW + iw;
        phaseNetwork(piece, cellSw2(config, iw), cellSb2(config, ib), draws, records, cell, copy);
      }
    }
  }
  return records;
}

/** Records of pieces of copies (in copy order) as one PhaseRecords of all config.inits copies. */
export function joinPhaseRecords(config: PhaseConfig, pieces: readonly { firstCopy: number; records: PhaseRecords }[]) {
  const whole = createPhaseRecords(config);
  const cells = phaseCellCount(config);
  const L = config.depth;
  for (const { firstCopy, records } of pieces) {
    const copies = records.finite.length / (cells * L);
    for (let cell = 0; cell < cells; cell++) {
      for (let copy = 0; copy < copies; copy++) {
        const from = (cell * copies + copy) * L;
        const to = recordIndex(config, cell, firstCopy + copy, 1);
        whole.zSquare.set(records.zSquare.subarray(from, from + L), to);
        whole.cosine.set(records.cosine.subarray(from, from + L), to);
        whole.deltaSquare.set(records.deltaSquare.subarray(from, from + L), to);
        whole.finite.set(records.finite.subarray(from, from + L), to);
      }
    }
  }
  return whole;
}

// ---------------------------------------------------------------------------------------------------
// Per cell: measured curves and summaries from the records, and the theory

/** The mean-field prediction of a cell's curves and summaries (phaseTheory). */
export interface PhaseTheory {
  curves: PhaseCurves;
  qStar: number;
  chi1: number;
  c: number;
  xiC: number;
}

/**
 * The mean-field prediction of a cell's curves and summaries. It depends on (activation, σ_w², σ_b², c0, depth)
 * only, not on the networks' width, K, batch or seed, so the page caches it (src/ui/phaseTheoryCache.ts).
 */
export function phaseTheory(activation: Activation, sw2: number, sb2: number, c0: number, depth: number): PhaseTheory {
  const { q, derivativeMeanSquare } = lengthAndDerivativeSequences(activation, sw2, sb2, depth);
  const c = correlationSequence(activation, sw2, sb2, c0, depth, { lengths: q });
  const deltaSquare = new Array<number>(depth);
  deltaSquare[depth - 1] = derivativeMeanSquare[depth - 1];
  for (let l = depth - 1; l >= 1; l--) {
    deltaSquare[l - 1] = sw2 * derivativeMeanSquare[l - 1] * deltaSquare[l];
  }
  const stationary = stationaryTheory(activation, sw2, sb2, q[depth - 1]);
  return {
    curves: { q, c, deltaSquare },
    qStar: q[depth - 1],
    chi1: stationary.chi1,
    c: c[depth - 1],
    xiC: stationary.xiC,
  };
}

/** The geometric-mean ratio E[δ²_{l−1}] / E[δ²_l] over the deepest half of the layers. */
export function measuredChi1(deltaSquare: readonly number[]): number {
  const L = deltaSquare.length;
  const h = Math.floor(L / 2);
  if (L < 2 || h < 1) return NaN;
  return (deltaSquare[h - 1] / deltaSquare[L - 1]) ** (1 / (L - h));
}

/**
 * ξ_c fitted from a measured c^l: least squares of c^l ≈ c∞ + A·exp(−l/ξ) over the layers, with c∞ and A
 * solved in closed form for each ξ of a log-spaced search over [FIT_MIN, FIT_MAX_DEPTHS · L] (the
 * consecutive differences of a finite net are too noisy for a log-linear fit). Infinity when the best ξ is
 * the search's upper end (c^l still drifting linearly: ξ ≫ L); NaN with fewer than 4 finite layers, or when
 * c^l moves by less than DIFFERENCE_FLOOR over the layers (nothing to fit).
 */
export function fittedDepthScale(c: readonly number[]): number {
  const points = c.flatMap((value, index) => (Number.isFinite(value) ? [[index + 1, value] as const] : []));
  if (points.length < 4) return NaN;
  const values = points.map(([, value]) => value);
  if (Math.max(...values) - Math.min(...values) < DIFFERENCE_FLOOR) return NaN;
  const maxScale = FIT_MAX_DEPTHS * c.length;
  let best = { residual: Infinity, scale: NaN };
  for (let step = 0; step <= FIT_STEPS; step++) {
    const scale = FIT_MIN * (maxScale / FIT_MIN) ** (step / FIT_STEPS);
    const residual = exponentialResidual(points, scale);
    if (residual < best.residual) best = { residual, scale };
  }
  return best.scale >= maxScale ? Infinity : best.scale;
}

const FIT_MIN = 0.25;
const FIT_MAX_DEPTHS = 20;
const FIT_STEPS = 240;

/** The residual sum of squares of the least-squares line of y on exp(−x/scale). */
function exponentialResidual(points: readonly (readonly [number, number])[], scale: number): number {
  const count = points.length;
  let meanU = 0;
  let meanY = 0;
  for (const [x, y] of points) {
    meanU += Math.exp(-x / scale) / count;
    meanY += y / count;
  }
  let suu = 0;
  let suy = 0;
  let syy = 0;
  for (const [x, y] of points) {
    const u = Math.exp(-x / scale) - meanU;
    suu += u * u;
    suy += u * (y - meanY);
    syy += (y - meanY) ** 2;
  }
  return suu > 0 ? syy - (suy * suy) / suu : syy;
}

/** The measured curves of one cell from its records (means over its finite copies, per layer). */
export function measuredCurves(
  config: PhaseConfig,
  records: PhaseRecords,
  cell: number,
): PhaseCurves & { nonFinite: number } {
  const { depth: L, inits: K, batch, width: n } = config;
  const q: number[] = [];
  const c: number[] = [];
  const deltaSquare: number[] = [];
  const broken = new Set<number>();
  for (let l = 1; l <= L; l++) {
    let zSum = 0;
    let cosineSum = 0;
    let deltaSum = 0;
    let count = 0;
    for (let copy = 0; copy < K; copy++) {
      const at = recordIndex(config, cell, copy, l);
      if (records.finite[at] !== 1) {
        broken.add(copy);
        continue;
      }
      zSum += records.zSquare[at];
      cosineSum += records.cosine[at];
      deltaSum += records.deltaSquare[at];
      count++;
    }
    q.push(count > 0 ? zSum / (count * 2 * batch * n) : NaN);
    c.push(count > 0 ? cosineSum / (count * batch) : NaN);
    deltaSquare.push(count > 0 ? deltaSum / (count * 2 * batch * n) : NaN);
  }
  return { q, c, deltaSquare, nonFinite: broken.size };
}

/**
 * Every cell of the grid, measured (from the records) beside the theory: `theories[cell]` when given (cell =
 * ib · cellsW + iw, phaseTheory's of that cell, e.g. cached), else phaseTheory's computed here.
 */
export function combinePhaseRecords(
  config: PhaseConfig,
  records: PhaseRecords,
  theories?: readonly PhaseTheory[],
): PhaseCell[] {
  const cells: PhaseCell[] = [];
  for (let ib = 0; ib < config.cellsB; ib++) {
    for (let iw = 0; iw < config.cellsW; iw++) {
      const sw2 = cellSw2(config, iw);
      const sb2 = cellSb2(config, ib);
      const { nonFinite, ...measured } = measuredCurves(config, records, ib * config.cellsW + iw);
      const theory =
        theories?.[ib * config.cellsW + iw] ?? phaseTheory(config.activation, sw2, sb2, config.c0, config.depth);
      const L = config.depth;
      cells.push({
        sw2,
        sb2,
        iw,
        ib,
        qStar: { measured: measured.q[L - 1], theory: theory.qStar },
        chi1: { measured: measuredChi1(measured.deltaSquare), theory: theory.chi1 },
        c: { measured: measured.c[L - 1], theory: theory.c },
        xiC: { measured: fittedDepthScale(measured.c), theory: theory.xiC },
        measured,
        theory: theory.curves,
        nonFinite,
      });
    }
  }
  return cells;
}

/** The whole measurement on the CPU (f64): records of every cell and copy, then the cells. */
export function phaseGridCpu(config: PhaseConfig, signal?: AbortSignal): PhaseCell[] {
  return combinePhaseRecords(config, phaseRecordsCpu(config, 0, config.inits, signal));
}
