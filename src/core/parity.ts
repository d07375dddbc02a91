// GPU against CPU twin, as pure functions over plain numbers: the parity cases and their tolerances, shared
// by the GPU tests (tests/gpu/initStats.test.ts, rng.test.ts, gridLoss.test.ts) and the self-check that
// runs them on a user's adapter (src/gpu/selfcheck.ts: `npm run cli -- selfcheck`, the page's GPU view).
// A comparison returns checks (what, error, tolerance) instead of asserting; a test fails on any failed
// check with its name (case, layer, quantity), the self-check reports the worst one per case.

import type { InitConfig, KernelFamily } from './initConfig';
import { validateInitConfig } from './initConfig';
import type { RegularizationDataOptions } from './regularizationModels';
import { uniformFromWord } from './rng';
import { inputValue } from './schemes';
import type { LayerAccumulators, QuantityAccumulator } from './stats';

/** One comparison: passes when error ≤ tolerance (a NaN error fails: the poison of an unwritten output). */
export interface ParityCheck {
  what: string;
  error: number;
  tolerance: number;
}

export interface ParityVerdict {
  /** The error and tolerance of the check closest to (or furthest past) its tolerance. */
  maxError: number;
  tolerance: number;
  /** What that check compared, e.g. "layer 2 δ sum of squares". */
  worst: string;
  pass: boolean;
  /** "layer 2 δ sum of squares: error 3.1e-4 > tolerance 1e-4", one per failed check. */
  failures: string[];
}

export function check(what: string, error: number, tolerance: number): ParityCheck {
  return { what, error: Number.isNaN(error) ? Infinity : error, tolerance };
}

/** "0", "2.00e-4", "1.50", "Infinity": errors and tolerances in a failure's message. */
export function formatParity(value: number): string {
  if (value === 0 || !Number.isFinite(value)) return String(value);
  return Math.abs(value) < 0.01 || Math.abs(value) >= 1e4 ? value.toExponential(2) : value.toPrecision(3);
}

const passes = (c: ParityCheck) => c.error <= c.tolerance;
/** How close a check is to failing: error/tolerance (0 for an exact match, ∞ for any miss of an exact check). */
const closeness = (c: ParityCheck) => (c.error === 0 ? 0 : c.tolerance === 0 ? Infinity : c.error / c.tolerance);

export function parityVerdict(checks: readonly ParityCheck[]): ParityVerdict {
  if (checks.length === 0) throw new Error('parityVerdict: no checks (a comparison that checks nothing cannot pass)');
  let worst = checks[0];
  for (const c of checks) if (closeness(c) > closeness(worst)) worst = c;
  const failures = checks
    .filter((c) => !passes(c))
    .map((c) => `${c.what}: error ${formatParity(c.error)} > tolerance ${formatParity(c.tolerance)}`);
  return {
    maxError: worst.error,
    tolerance: worst.tolerance,
    worst: worst.what,
    pass: failures.length === 0,
    failures,
  };
}

/** A verdict for a case that threw (a GPU validation error, a lost device): failed, with the message. */
export function failedVerdict(message: string): ParityVerdict {
  return { maxError: Infinity, tolerance: 0, worst: 'the run (it threw)', pass: false, failures: [message] };
}

// ---------------------------------------------------------------------------------------------------
// The initialization engine (src/gpu/initStats.ts) against its CPU twin (src/core/initStats.ts).

/** The parity cases' shape unless a case says otherwise: small, so that the software adapter runs them fast. */
export const INIT_PARITY_BASE: Partial<InitConfig> = { depth: 4, width: 12, batch: 5, inits: 6, bins: 32 };

export const INIT_PARITY_CASES: readonly Partial<InitConfig>[] = [
  { activation: 'tanh', scheme: 'xavier-normal' },
  { activation: 'tanh', scheme: 'xavier-uniform', width: 9, inputWidth: 7 },
  // Rows back to back (ld = width): initWeights' contiguous path.
  { activation: 'tanh', scheme: 'he-uniform', width: 32, inputWidth: 16, biasStd: 0.2 },
  { activation: 'sigmoid', scheme: 'glorot-normal', biasStd: 0.5 },
  { activation: 'sigmoid', scheme: 'glorot-uniform' },
  { activation: 'relu', scheme: 'he-normal' },
  { activation: 'relu', scheme: 'he-uniform', batch: 3 },
  { activation: 'tanh', scheme: 'he-normal', batch: 9, width: 20 }, // 8-row batch tiles, one padded
  // 16-row batch tiles, one padded.
  { activation: 'sigmoid', scheme: 'xavier-uniform', batch: 19, width: 17, biasStd: 0.3 },
  { activation: 'linear', scheme: 'normal', scale: 0.3 },
  { activation: 'linear', scheme: 'uniform', scale: 0.5 },
  { activation: 'tanh', scheme: 'zeros' },
  { activation: 'relu', scheme: 'constant' },
  { activation: 'tanh', scheme: 'xavier-normal', scale: 4, depth: 6 }, // saturating
  { activation: 'linear', scheme: 'xavier-normal', scale: 6, depth: 8 }, // exploding (36^8 ≈ 3e12), still finite
  { activation: 'tanh', scheme: 'xavier-normal', scale: 0.2, depth: 8 }, // vanishing (δ ~ 1e-6)
  // A hardware-like width: sixteen 64-unit workgroup blocks per batch tile, 32 slabs of input columns.
  { activation: 'tanh', scheme: 'xavier-normal', width: 1024, depth: 2, batch: 16, inits: 2, biasStd: 0.1 },
];

/** Cases at hardware-like sizes (width ≥ 1024): seconds on a software adapter, whose page leaves them out. */
export function isHardwareSized(overrides: Partial<InitConfig>): boolean {
  return (overrides.width ?? INIT_PARITY_BASE.width ?? 0) >= 1024;
}

/** "tanh xavier-normal width=1024 depth=2 …": a case's overrides in words. */
export function initCaseName(overrides: Partial<InitConfig>): string {
  const { activation, scheme, ...rest } = overrides;
  const sizes = Object.entries(rest).map(([key, value]) => `${key}=${String(value)}`);
  return [activation, scheme, ...sizes].filter(Boolean).join(' ');
}

export function initParityConfig(overrides: Partial<InitConfig>, seed: number, kernels: KernelFamily): InitConfig {
  return validateInitConfig({ ...INIT_PARITY_BASE, seed, ...overrides, kernels });
}

/**
 * Tolerances, f32 on the GPU against f64 on the CPU: a dot product of n terms in f32 carries a relative
 * error of about n·2^-24 ≈ 1e-6 for the widths here, amplified a little per layer, so sums of squares
 * agree to 1e-4 relative. Two kinds of case are ill-conditioned and get 1e-3 on the sums of squares:
 * - constant init: δ[l−1]_j = c·Σ_i δ_i[l]·φ' is a cancelling sum of random-signed terms, whose f32
 *   relative error is 2^-24·Σ|δ_i|/|Σ δ_i|, not bounded by the width;
 * - saturating tanh (scale ≥ 4): φ'(z) = sech² z ≈ 4e^{−2|z|} turns an absolute error dz of z into a
 *   relative error 2·dz of φ', and |z| ~ 10 there, so the f32 rounding of z grows ~20× per layer of
 *   δ (a seed gave 1.02e-4 at layer 1 of 6).
 * For constant init ‖dW‖² = ‖(1/B) Σ_b δ_b a_bᵀ‖² itself is a cancelling sum over the batch (every
 * unit of a layer carries the same random-signed value), so a relative bound means nothing there (a
 * seed gave 0.29). It is checked against the size of its terms instead: by Cauchy–Schwarz
 * Σ_{b,c} |δ_b·δ_c| |a_b·a_c| ≤ Σ_b‖δ_b‖² · Σ_b‖a_b‖², so |GPU − CPU| ≤ 1e-4 · that / B².
 */
export function initParityTolerance(config: InitConfig): { squares: number; dWAgainstTerms: boolean } {
  const illConditioned = config.scheme === 'constant' || (config.activation === 'tanh' && config.scale >= 4);
  return { squares: illConditioned ? 1e-3 : 1e-4, dWAgainstTerms: config.scheme === 'constant' };
}

/**
 * One quantity (z, a or δ) of one layer. Counts and non-finite counts must be equal; sums agree to
 * 1e-5 of √(count·Σx²); sums of squares (whole and per init) to `squaresTolerance` relative. Histogram
 * counts agree except for values within f32 rounding of a bin edge: 0.5% of the values (at least 2) may
 * change bins.
 */
export function compareQuantity(
  gpu: QuantityAccumulator,
  cpu: QuantityAccumulator,
  what: string,
  squaresTolerance = 1e-4,
): ParityCheck[] {
  const checks = [
    check(`${what} count`, Math.abs(gpu.count - cpu.count), 0),
    check(`${what} NaN count`, Math.abs(gpu.nan - cpu.nan), 0),
    check(`${what} +Inf count`, Math.abs(gpu.posInf - cpu.posInf), 0),
    check(`${what} −Inf count`, Math.abs(gpu.negInf - cpu.negInf), 0),
  ];
  const scale = Math.sqrt(cpu.count * cpu.sumSquares) + 1e-300;
  checks.push(check(`${what} sum`, Math.abs(gpu.sum - cpu.sum) / scale, 1e-5));
  checks.push(
    check(
      `${what} sum of squares`,
      Math.abs(gpu.sumSquares - cpu.sumSquares) / (cpu.sumSquares + 1e-300),
      squaresTolerance,
    ),
  );
  let moved = Math.abs(gpu.underflow - cpu.underflow) + Math.abs(gpu.overflow - cpu.overflow);
  for (let bin = 0; bin < cpu.histogram.length; bin++) moved += Math.abs(gpu.histogram[bin] - cpu.histogram[bin]);
  checks.push(check(`${what} histogram (values moved)`, moved, Math.max(2, 0.005 * cpu.count)));
  for (let k = 0; k < cpu.initCount.length; k++) {
    checks.push(check(`${what} init ${k} count`, Math.abs(gpu.initCount[k] - cpu.initCount[k]), 0));
    const initScale = cpu.initSumSquares[k] + 1e-300;
    const error = Math.abs(gpu.initSumSquares[k] - cpu.initSumSquares[k]) / initScale;
    checks.push(check(`${what} init ${k} sum of squares`, error, squaresTolerance));
  }
  return checks;
}

/** Every layer's z, a, δ, ‖∂L/∂W‖² per init and symmetry, with the tolerances of initParityTolerance. */
export function compareInitLayers(
  config: InitConfig,
  gpuLayers: readonly LayerAccumulators[],
  cpuLayers: readonly LayerAccumulators[],
  tolerances = initParityTolerance(config),
): ParityCheck[] {
  const checks = [check('number of layers', Math.abs(gpuLayers.length - cpuLayers.length), 0)];
  if (gpuLayers.length !== cpuLayers.length) return checks;
  const inputSquares = (k: number) => {
    let sum = 0;
    for (let e = 0; e < config.batch * config.inputWidth; e++) {
      const b = Math.floor(e / config.inputWidth);
      sum += inputValue(config.seed, k, b, e % config.inputWidth, config.inputWidth) ** 2;
    }
    return sum;
  };
  cpuLayers.forEach((cpu, index) => {
    const on = gpuLayers[index];
    const layer = `layer ${index + 1}`;
    checks.push(...compareQuantity(on.z, cpu.z, `${layer} z`, tolerances.squares));
    checks.push(...compareQuantity(on.a, cpu.a, `${layer} a`, tolerances.squares));
    checks.push(...compareQuantity(on.delta, cpu.delta, `${layer} δ`, tolerances.squares));
    for (let k = 0; k < cpu.dWNormSquared.length; k++) {
      const expected = cpu.dWNormSquared[k];
      const error = Math.abs(on.dWNormSquared[k] - expected);
      if (tolerances.dWAgainstTerms) {
        const belowSquares = index === 0 ? inputSquares(k) : cpuLayers[index - 1].a.initSumSquares[k];
        const terms = (cpu.delta.initSumSquares[k] * belowSquares) / config.batch ** 2;
        // Relative to the size of the terms: error/terms ≤ 1e-4.
        const relative = error === 0 ? 0 : error / terms;
        checks.push(check(`${layer} ‖dW‖² init ${k} (against its terms, ${formatParity(terms)})`, relative, 1e-4));
      } else {
        checks.push(check(`${layer} ‖dW‖² init ${k}`, error / (expected + 1e-300), tolerances.squares));
      }
    }
    if (cpu.symmetry === 0) checks.push(check(`${layer} symmetry`, Math.abs(on.symmetry), 0));
    else checks.push(check(`${layer} symmetry`, Math.abs(on.symmetry - cpu.symmetry) / cpu.symmetry, 1e-4));
  });
  return checks;
}

// ---------------------------------------------------------------------------------------------------
// The generator (shaders/rngWords.wgsl against src/core/rng.ts).

/**
 * Words bit for bit; normals within RNG_NORMAL_TOLERANCE · ε · r (ε = 2^-24, r the pair's Box–Muller radius
 * from the CPU twin), the bound WGSL's accuracy table allows a GPU (division 2.5 ULP, sqrt through
 * 1/inverseSqrt, …): derived term by term in tests/gpu/rng.test.ts, which also runs the kernel with division
 * and sqrt rewritten to the edges of those bounds. An absolute bound in ε·r because c = cos/sin crosses 0, so
 * no relative bound holds for the normal itself; the error reported is in units of ε·r.
 */
export const RNG_NORMAL_TOLERANCE = 24;
const EPSILON = 2 ** -24;

/** Worst |n_GPU − n_CPU| / (ε·r) over the pairs (NaN counts as ∞); words[i] of an even i is the pair's first. */
export function worstNormalError(
  words: ArrayLike<number>,
  gpuNormals: ArrayLike<number>,
  cpuNormals: ArrayLike<number>,
): number {
  if (gpuNormals.length !== cpuNormals.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < cpuNormals.length; i++) {
    const radius = Math.sqrt(-2 * Math.log(uniformFromWord(words[i - (i % 2)])));
    const error = Math.abs(gpuNormals[i] - cpuNormals[i]) / (EPSILON * radius);
    if (!(error <= worst)) worst = Number.isNaN(error) ? Infinity : error;
  }
  return worst;
}

export function compareRngWords(
  gpu: { words: ArrayLike<number>; normals: ArrayLike<number> },
  cpu: { words: ArrayLike<number>; normals: ArrayLike<number> },
): ParityCheck[] {
  let mismatches = Math.abs(gpu.words.length - cpu.words.length);
  for (let i = 0; i < cpu.words.length; i++) if (gpu.words[i] !== cpu.words[i]) mismatches++;
  const worst = worstNormalError(cpu.words, gpu.normals, cpu.normals);
  return [check('words differing', mismatches, 0), check('normals (in ε·r)', worst, RNG_NORMAL_TOLERANCE)];
}

// ---------------------------------------------------------------------------------------------------
// The regularization grid loss (shaders/gridLoss.wgsl against src/core/gridLoss.ts).

/** G = 67 is not a multiple of the 8 cells per invocation; N = 200 not a multiple of the 64-term sum blocks. */
export const GRID_LOSS_PARITY_SHAPE = { G: 67, N: 200 } as const;

/**
 * f32 has ε ≈ 6e-8. The grid weights are rounded to f32 too (relative ε·|w|), which moves J by about
 * |∇J|·ε·|w|: largest where J is small but its parts are large (Rosenbrock's valley, Himmelblau's
 * minima). So the tolerance is relative to the loss scale of the window, not to each cell:
 * |J_gpu − J_cpu| ≤ 2e-5 · max(|J_cpu|, median |J_cpu| over the grid). Observed worst: ~1e-6.
 * tanh-net: the kernel's tanh is the exp-based one of shaders/common/activations.wgsl. Under WGSL's bounds
 * (https://www.w3.org/TR/WGSL/#concrete-float-accuracy: exp 3 + 2|x| ULP, x / y 2.5 ULP) its error is
 * ≤ 5e-7 absolute; through J = mean (y − w2·t)², |ΔJ| ≤ 2|w2|·Δt·√J, which relative to max(J, median) is
 * ≤ 2·3·Δt / √median: 3.4e-6 at the parity knobs (median J ≥ 0.77 over 200 seeds). The built-in tanh,
 * allowed 1e-5 absolute, could give 6.8e-5 and fail on a GPU that used its allowance.
 */
export const GRID_LOSS_TOLERANCE = 2e-5;

/** Deterministic per-seed knobs in [lo, hi). */
function knob(seed: number, index: number, lo: number, hi: number): number {
  const x = Math.sin(seed * 12.9898 + index * 78.233) * 43758.5453;
  return lo + (x - Math.floor(x)) * (hi - lo);
}

/** The data of the grid-loss parity cases: every knob of the models drawn from the seed. */
export function gridLossParityOptions(seed: number): RegularizationDataOptions {
  return {
    seed,
    points: GRID_LOSS_PARITY_SHAPE.N,
    correlation: knob(seed, 1, -0.8, 0.8),
    eccentricity: knob(seed, 2, 1, 4),
    noise: knob(seed, 3, 0.1, 1.5),
    trueW1: knob(seed, 4, -2, 2),
    trueW2: knob(seed, 5, -2, 2),
    h1: knob(seed, 6, 0.5, 4),
    h2: knob(seed, 7, 0.2, 2),
    a1: knob(seed, 8, -1.5, 1.5),
    a2: knob(seed, 9, -1.5, 1.5),
  };
}

function medianMagnitude(values: ArrayLike<number>): number {
  const sorted = Array.from(values, Math.abs).sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Every cell (NaN, the poison of an unwritten cell, fails). */
export function compareGridLoss(gpu: ArrayLike<number>, cpu: ArrayLike<number>): ParityCheck[] {
  const scale = medianMagnitude(cpu);
  let worst = gpu.length === cpu.length ? 0 : Infinity;
  for (let index = 0; index < cpu.length; index++) {
    const error = Math.abs(gpu[index] - cpu[index]) / Math.max(Math.abs(cpu[index]), scale);
    if (!(error <= worst)) worst = Number.isNaN(error) ? Infinity : error;
  }
  return [check('loss per cell (relative to max(|J|, median |J|))', worst, GRID_LOSS_TOLERANCE)];
}

/** The generator cases' counters: init counter 17, element counters from 4·10⁹ (high bits set). */
export const RNG_PARITY = { layer: 3, counter0: 17, firstCounter1: 4_000_000_000 } as const;
