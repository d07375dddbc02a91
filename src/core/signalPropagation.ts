// Mean-field theory of the order-to-chaos phase diagram (Poole et al. 2016, Schoenholz et al. 2017;
// THEORY.md "Beyond the linear approximation"). Conventions: W_ij ~ N(0, σ_w²/n), b ~ N(0, σ_b²),
// inputs of unit second moment; sw2 = σ_w², sb2 = σ_b².
// Length map:       q^l = σ_w² E[φ(√q^{l−1} z)²] + σ_b²,  q^1 = σ_w² + σ_b²,  fixed point q*.
// Correlation map:  two inputs of equal length q and correlation c,
//                   u1 = √q z1, u2 = √q (c z1 + √(1−c²) z2),  q12' = σ_w² E[φ(u1)φ(u2)] + σ_b²,
//                   c' = q12' / q',  fixed point c* (c = 1 is always one).
// χ₁ = σ_w² E[φ'(√q* z)²]: ordered < 1, critical = 1, chaotic > 1.
// χ_c = σ_w² E[φ'(u1)φ'(u2)] at (q*, c*), depth scale ξ_c = −1 / ln χ_c (trainable depth ≲ 6 ξ_c).
// Gaussian expectations: relu and linear in closed form (arc-cosine kernel for relu); tanh and
// sigmoid by the 1-D rules of meanField.ts and, in 2-D, a product Gauss–Hermite rule over (z1, z2)
// (61 × 61 by default). Like 1-D Gauss–Hermite, the product rule is accurate for q up to a few
// (tanh's q* ≤ σ_w² + σ_b²) and degrades for q ≫ 10, where φ(√q z) is a step on the node spacing.
// Speed (a 64 × 64 grid of phaseTheory must redraw in about a second): the product rule drops the node
// pairs of weight below 1e-14 and computes half its inner sums (φ and φ' are odd, even or 1 − odd), and
// the fixed points are iterated with Aitken's extrapolation, so cells near the critical line, where the
// plain iteration crawls, take tens of map evaluations instead of thousands. For tanh the product rule's inner
// sum calls Math.tanh inline (a third less time; the same numbers), and the phase theory (core/phase.ts) gets
// E[φ²] and E[φ'²] of each layer from one pass (meanSquares) and starts the q* iteration from q^L.

import { type Activation, activate, activateDerivative, TANH_CLAMP } from './activations';
import { gaussHermite } from './gaussHermite';
import { activationMeanSquare, derivativeMeanSquare, meanSquares } from './meanField';

/** Points per axis of the product Gauss–Hermite rule for the 2-D expectations. */
export const CORRELATION_POINTS = 61;
const MAX_STEPS = 10000;
const TOLERANCE = 1e-12;
const SNAP_TO_ONE = 1e-10;
/**
 * Node pairs of the product rule with w_i w_j below this are left out: |f| ≤ 1, so the sums move by at most
 * the left-out weight, 3.4e-13 of the 61-point rule, which keeps 1061 of its 3721 pairs.
 */
const PAIR_WEIGHT_FLOOR = 1e-14;

export interface FixedPointQ {
  q: number;
  converged: boolean;
}

export interface FixedPointC {
  c: number;
  converged: boolean;
}

/** q ↦ σ_w² E[φ(√q z)²] + σ_b². */
export function lengthMap(activation: Activation, sw2: number, sb2: number, q: number): number {
  return lengthFromMeanSquare(sw2, sb2, activationMeanSquare(activation, q));
}

function lengthFromMeanSquare(sw2: number, sb2: number, meanSquare: number): number {
  return (meanSquare === 0 ? 0 : sw2 * meanSquare) + sb2;
}

/** [q^1, …, q^depth] with q^1 = σ_w² + σ_b² (inputs of unit second moment). */
export function lengthSequence(activation: Activation, sw2: number, sb2: number, depth: number): number[] {
  const sequence: number[] = [];
  let q = sw2 + sb2;
  for (let l = 1; l <= depth; l++) {
    if (l > 1) q = lengthMap(activation, sw2, sb2, q);
    sequence.push(q);
  }
  return sequence;
}

/**
 * lengthSequence and E[φ'(√q^l z)²] at each of its q^l (derivativeMeanSquare), the same numbers, from one pass
 * over the quadrature per layer (meanSquares) instead of two.
 */
export function lengthAndDerivativeSequences(
  activation: Activation,
  sw2: number,
  sb2: number,
  depth: number,
): { q: number[]; derivativeMeanSquare: number[] } {
  const q: number[] = [];
  const derivative: number[] = [];
  let length = sw2 + sb2;
  for (let l = 1; l <= depth; l++) {
    q.push(length);
    if (l === depth) {
      derivative.push(derivativeMeanSquare(activation, length));
      break;
    }
    const squares = meanSquares(activation, length);
    derivative.push(squares.derivative);
    length = lengthFromMeanSquare(sw2, sb2, squares.activation);
  }
  return { q, derivativeMeanSquare: derivative };
}

/**
 * q* of the length map. relu (E[φ²] = q/2) and linear (q) are affine: q* = σ_b² / (1 − m σ_w²) for
 * m σ_w² < 1; m σ_w² = 1 with σ_b = 0 keeps q^1 = σ_w²; otherwise q diverges ({ Infinity, false }).
 * tanh, sigmoid: iterate from q^1 to relative change ≤ 1e-12 (at most 10000 steps). Near the critical
 * line the iteration slows to a crawl (at σ_b = 0, σ_w² → 1 for tanh the rate is 1 − |σ_w² − 1|), so
 * when it has not converged the root of L(q)/q − 1 is bisected (geometrically, which keeps the root
 * q = 0 of σ_b = 0 out of the bracket) between 1e-300 and the last iterate; no sign change at 1e-300
 * (σ_b = 0 and σ_w² φ'(0)² ≤ 1) means q* = 0. `start` (positive, finite) replaces q^1 as the iteration's
 * start: the end of a lengthSequence, which saves the steps that sequence took.
 */
export function fixedPointQ(activation: Activation, sw2: number, sb2: number, start = sw2 + sb2): FixedPointQ {
  if (activation === 'relu' || activation === 'linear') {
    const gain = activation === 'relu' ? sw2 / 2 : sw2;
    if (gain < 1) return { q: sb2 / (1 - gain), converged: true };
    if (gain === 1 && sb2 === 0) return { q: sw2, converged: true };
    return { q: Infinity, converged: false };
  }
  const excess = (x: number) => lengthMap(activation, sw2, sb2, x) / x - 1;
  // L(q)/q falls with q (E[φ(√q z)²]/q does for tanh; sigmoid's is infinite at 0), so no gain at q → 0 means
  // the iteration decays to 0, as slowly as σ_w² → 1 makes it: it would take the 10000 steps and bisect.
  const low = 1e-300;
  if (sb2 === 0 && !(excess(low) > 0)) return { q: 0, converged: true };
  const iterated = fixedPointIteration(
    (x) => lengthMap(activation, sw2, sb2, x),
    start > 0 && start < Infinity ? start : sw2 + sb2,
    (x, next) => Math.abs(next - x) <= TOLERANCE * Math.abs(next) || next === x,
    (x) => x > 0 && x < Infinity,
  );
  if (iterated.converged) return { q: iterated.x, converged: true };
  const q = iterated.x;
  let bracketLow = low;
  let high = Math.max(q, lengthMap(activation, sw2, sb2, q));
  if (!(excess(bracketLow) > 0)) return { q, converged: false };
  if (!(excess(high) < 0)) return { q, converged: false };
  while (high / bracketLow - 1 > TOLERANCE) {
    const middle = Math.sqrt(bracketLow * high);
    if (middle <= bracketLow || middle >= high) break;
    if (excess(middle) > 0) bracketLow = middle;
    else high = middle;
  }
  return { q: Math.sqrt(bracketLow * high), converged: true };
}

/**
 * x = map(x) by iteration from start until done(x, map(x)) (then map(x) is returned), at most 10000 steps.
 * The maps here increase, so the iterates move monotonically towards the first fixed point on their way,
 * at the rate r = map'(x*). After two steps in the same direction with 0 < r < 1, Aitken's Δ² jumps to
 * x_{n+1} + Δx_{n+1} r/(1 − r), the limit of that geometric tail (exact for a geometric sequence), when
 * `allowed` takes it; the plain steps after it correct the jump, and the stopping test is the plain
 * iteration's own, so the limit is the same. Steps near the critical line fall from thousands to tens.
 */
function fixedPointIteration(
  map: (x: number) => number,
  start: number,
  done: (x: number, next: number) => boolean,
  allowed: (x: number) => boolean,
): { x: number; converged: boolean } {
  let x = start;
  let lastStep = NaN;
  for (let step = 0; step < MAX_STEPS; step++) {
    const next = map(x);
    if (done(x, next)) return { x: next, converged: true };
    const stepSize = next - x;
    const rate = stepSize / lastStep;
    if (rate > 0 && rate < 1) {
      const jump = next + (stepSize * rate) / (1 - rate);
      if (allowed(jump)) {
        x = jump;
        lastStep = NaN;
        continue;
      }
    }
    lastStep = stepSize;
    x = next;
  }
  return { x, converged: false };
}

/** E[relu(u1) relu(u2)] / q (arc-cosine kernel of degree 1) and E[relu'(u1) relu'(u2)]. */
function reluKernel(c: number): number {
  return (Math.sqrt(Math.max(0, 1 - c * c)) + (Math.PI - Math.acos(c)) * c) / (2 * Math.PI);
}

function reluDerivativeKernel(c: number): number {
  return (Math.PI - Math.acos(c)) / (2 * Math.PI);
}

function clampCorrelation(c: number): number {
  return Math.min(1, Math.max(-1, c));
}

/**
 * An integrand of the product rule, f = φ or φ' of tanh or sigmoid, with its reflection
 * f(−z) = shift + sign·f(z): tanh is odd (0, −1), sigmoid is 1 − itself mirrored (1, −1), and both
 * derivatives are even (0, 1).
 */
interface Integrand {
  f: (z: number) => number;
  shift: number;
  sign: number;
  /** f is activate('tanh', ·). */
  tanh?: boolean;
}

function integrandOf(activation: 'tanh' | 'sigmoid', derivative: boolean): Integrand {
  if (derivative) return { f: (z) => activateDerivative(activation, z), shift: 0, sign: 1 };
  const tanh = activation === 'tanh';
  return { f: (z) => activate(activation, z), shift: tanh ? 0 : 1, sign: -1, tanh };
}

/**
 * The product rule of `points` per axis without its node pairs of w_i w_j < 1e-14: node i pairs with
 * the band of nodes j ∈ [points − 1 − bandEnd[i], bandEnd[i]] (weights fall away from the middle), whose
 * weights sum to bandMass[i]; bandEnd[i] = −1 when not even the middle node reaches the floor.
 */
interface ProductRule {
  nodes: Float64Array;
  weights: Float64Array;
  bandEnd: Int32Array;
  bandMass: Float64Array;
}

const productRules = new Map<number, ProductRule>();

function productRule(points: number): ProductRule {
  const cached = productRules.get(points);
  if (cached) return cached;
  const { nodes, weights } = gaussHermite(points);
  const bandEnd = new Int32Array(points);
  const bandMass = new Float64Array(points);
  const middle = Math.floor(points / 2);
  for (let i = 0; i < points; i++) {
    if (weights[i] * weights[middle] < PAIR_WEIGHT_FLOOR) {
      bandEnd[i] = -1;
      continue;
    }
    let end = middle;
    while (end + 1 < points && weights[i] * weights[end + 1] >= PAIR_WEIGHT_FLOOR) end++;
    bandEnd[i] = end;
    for (let j = points - 1 - end; j <= end; j++) bandMass[i] += weights[j];
  }
  const rule = { nodes, weights, bandEnd, bandMass };
  productRules.set(points, rule);
  return rule;
}

/**
 * Σ_ij w_i w_j f(u1) f(u2) and Σ_ij w_i w_j f(u1)² over the product rule, u as in the header. Only the
 * nodes x_i ≥ 0 are summed over j: at the mirrored node −x_i the pairs are those of x_i mirrored (the
 * nodes and bands are symmetric), so there f1 and the inner sum are shift + sign·(theirs at x_i), with
 * shift·bandMass for the inner sum. The second sum is the first's with u2 = u1 (c = 1), band included.
 */
function productExpectations(
  integrand: Integrand,
  q: number,
  c: number,
  points: number,
): { cross: number; square: number } {
  const { nodes, weights, bandEnd, bandMass } = productRule(points);
  const { f, shift, sign } = integrand;
  const sd = Math.sqrt(q);
  const s = Math.sqrt(Math.max(0, 1 - c * c));
  let cross = 0;
  let square = 0;
  for (let i = Math.floor(points / 2); i < points; i++) {
    const mirror = points - 1 - i;
    const end = bandEnd[i];
    if (end < 0) continue;
    const f1 = f(sd * nodes[i]);
    if (f1 === 0 && shift === 0) continue; // both this node's terms and its mirror's are 0
    const a = sd * c * nodes[i];
    const b = sd * s;
    let inner = 0;
    if (integrand.tanh) {
      // activate('tanh', ·) inlined: the inner sums are most of the theory's time
      for (let j = points - 1 - end; j <= end; j++) {
        inner += weights[j] * Math.tanh(Math.min(TANH_CLAMP, Math.max(-TANH_CLAMP, a + b * nodes[j])));
      }
    } else {
      for (let j = points - 1 - end; j <= end; j++) inner += weights[j] * f(a + b * nodes[j]);
    }
    cross += weights[i] * f1 * inner;
    square += weights[i] * f1 * f1 * bandMass[i];
    if (mirror === i) continue;
    const f1Mirrored = shift + sign * f1;
    cross += weights[mirror] * f1Mirrored * (shift * bandMass[i] + sign * inner);
    square += weights[mirror] * f1Mirrored * f1Mirrored * bandMass[i];
  }
  return { cross, square };
}

/**
 * c ↦ c' for two inputs of length q (use q* for the stationary map). tanh, sigmoid: q' is the same
 * product rule's σ_w² E[φ(u1)²] + σ_b², consistent with q12' (it differs from lengthMap by the
 * quadrature error, ~1e-9 at q ≤ 4). q = 0 with σ_b = 0 (tanh's ordered q* = 0) returns the
 * small-q limit: c for tanh and linear, the normalized arc-cosine kernel for relu.
 */
export function correlationMap(
  activation: Activation,
  sw2: number,
  sb2: number,
  q: number,
  c: number,
  points = CORRELATION_POINTS,
): number {
  c = clampCorrelation(c);
  if (c === 1) return 1;
  const scaleFree = q === Infinity || (q === 0 && sb2 === 0);
  switch (activation) {
    case 'linear':
      return scaleFree ? c : (sw2 * q * c + sb2) / (sw2 * q + sb2);
    case 'relu':
      return scaleFree ? 2 * reluKernel(c) : (sw2 * q * reluKernel(c) + sb2) / ((sw2 * q) / 2 + sb2);
    case 'tanh':
    case 'sigmoid': {
      if (q === 0 && sb2 === 0) return activation === 'tanh' ? c : 1;
      const { cross, square } = productExpectations(integrandOf(activation, false), q, c, points);
      return clampCorrelation((sw2 * cross + sb2) / (sw2 * square + sb2));
    }
  }
}

export interface CorrelationSequenceOptions {
  /** Use q* at every layer (the stationary map) instead of the per-layer q^l of unit-length inputs. */
  atFixedPoint?: boolean;
  /** The per-layer q^1 … q^depth when the caller has them (lengthSequence's), so they are not recomputed. */
  lengths?: readonly number[];
  points?: number;
}

/**
 * [c^1, …, c^depth] for two unit-length inputs of correlation c0. c^1 = (σ_w² c0 + σ_b²)/(σ_w² + σ_b²)
 * (the first layer is linear in the inputs); then c^l = correlationMap(q^{l−1}, c^{l−1}) with the
 * per-layer lengths of lengthSequence, or with q* throughout when atFixedPoint.
 */
export function correlationSequence(
  activation: Activation,
  sw2: number,
  sb2: number,
  c0: number,
  depth: number,
  options: CorrelationSequenceOptions = {},
): number[] {
  const lengths = options.atFixedPoint
    ? Array<number>(depth).fill(fixedPointQ(activation, sw2, sb2).q)
    : (options.lengths ?? lengthSequence(activation, sw2, sb2, depth));
  const sequence: number[] = [];
  let c = clampCorrelation((sw2 * c0 + sb2) / (sw2 + sb2));
  for (let l = 1; l <= depth; l++) {
    if (l > 1) c = correlationMap(activation, sw2, sb2, lengths[l - 2], c, options.points);
    sequence.push(c);
  }
  return sequence;
}

/**
 * c* by iterating the map at q* from c0 (default 0) to |Δc| ≤ 1e-12, at most 10000 steps. Ordered
 * phase: c* = 1; chaotic: c* < 1 (c = 1 is then unstable, any c0 < 1 leaves it). A converged c within
 * 1e-10 of 1 is returned as exactly 1: the iteration stops ~1e-12·χ/(1 − χ) short of it, and relu's χ_c
 * depends on arccos c ≈ √(2(1 − c)), which would turn that into an error of ~1e-6.
 * The ordered phase is answered without iterating: E[φ(u1)φ(u2)] = Σ_k a_k² c^k (Mehler's expansion, a_k
 * the Hermite coefficients of φ(√q z)) is convex in c ≥ 0, so map(c) − c is convex on [0, 1], 0 at 1 with
 * slope χ₁ − 1 < 0 there, hence positive below 1: from any c0 ∈ [0, 1) the iterates rise to 1 (only
 * 0 < q* < ∞ gives the map that slope; the small-q limit of σ_b = 0 is the identity). At χ₁ = 1 (relu
 * at σ_w² = 2, σ_b = 0) strict convexity still gives 1, where the plain iteration crawls towards it like
 * 1/l²; not for linear, whose map is then the identity. q* = 0 iterates (relu's χ₁ is 0 there, while
 * its χ_c is the small-q limit σ_w²/2 at any c < 1; tanh's map is the identity). Elsewhere the
 * iteration is Aitken-accelerated (fixedPointIteration) and never jumps onto c = ±1, the fixed points
 * it has to leave.
 */
export function fixedPointC(
  activation: Activation,
  sw2: number,
  sb2: number,
  c0 = 0,
  points = CORRELATION_POINTS,
): FixedPointC {
  const { q } = fixedPointQ(activation, sw2, sb2);
  return fixedPointCAt(activation, sw2, sb2, q, chi1At(activation, sw2, q), c0, points);
}

function fixedPointCAt(
  activation: Activation,
  sw2: number,
  sb2: number,
  q: number,
  chi1: number,
  c0: number,
  points: number,
): FixedPointC {
  const start = clampCorrelation(c0);
  const affine = activation === 'linear'; // its map is affine in c: the identity when χ₁ = 1
  const ordered = q > 0 && q < Infinity && (chi1 < 1 || (chi1 === 1 && !affine));
  if (ordered && start >= 0 && start < 1) return { c: 1, converged: true };
  const { x, converged } = fixedPointIteration(
    (c) => correlationMap(activation, sw2, sb2, q, c, points),
    start,
    (c, next) => Math.abs(next - c) <= TOLERANCE,
    (c) => c > -1 && c < 1,
  );
  return { c: converged && 1 - x <= SNAP_TO_ONE ? 1 : x, converged };
}

/** χ₁ = σ_w² E[φ'(√q* z)²]. */
export function chi1(activation: Activation, sw2: number, sb2: number): number {
  return chi1At(activation, sw2, fixedPointQ(activation, sw2, sb2).q);
}

function chi1At(activation: Activation, sw2: number, q: number): number {
  return sw2 * derivativeMeanSquare(activation, q);
}

/**
 * χ_c = σ_w² E[φ'(u1)φ'(u2)] at (q*, c*); c* = 1 gives χ₁ (1-D rule). relu: σ_w² (π − arccos c)/(2π),
 * linear: σ_w². Pass c to skip the fixed-point search.
 */
export function chiC(
  activation: Activation,
  sw2: number,
  sb2: number,
  c?: number,
  points = CORRELATION_POINTS,
): number {
  const { q } = fixedPointQ(activation, sw2, sb2);
  const chi1 = chi1At(activation, sw2, q);
  return chiCAt(activation, sw2, q, chi1, c ?? fixedPointCAt(activation, sw2, sb2, q, chi1, 0, points).c, points);
}

function chiCAt(activation: Activation, sw2: number, q: number, chi1: number, c: number, points: number): number {
  c = clampCorrelation(c);
  if (c === 1) return chi1;
  switch (activation) {
    case 'linear':
      return sw2;
    case 'relu':
      return sw2 * reluDerivativeKernel(c);
    case 'tanh':
    case 'sigmoid': {
      const { cross } = productExpectations(integrandOf(activation, true), q, c, points);
      return sw2 * cross;
    }
  }
}

/**
 * ξ_c = −1 / ln χ_c: the depth over which c^l approaches c*. Infinity where |χ_c − 1| ≤ 1e-12
 * (critical); negative where χ_c > 1 (c* repels, e.g. relu above σ_w² = 2, where q* diverges too).
 */
export function depthScale(activation: Activation, sw2: number, sb2: number, c?: number): number {
  return depthScaleOf(chiC(activation, sw2, sb2, c));
}

function depthScaleOf(chi: number): number {
  if (Math.abs(chi - 1) <= TOLERANCE) return Infinity;
  return -1 / Math.log(chi);
}

export interface StationaryTheory {
  q: number;
  chi1: number;
  c: number;
  chiC: number;
  xiC: number;
}

/**
 * q*, χ₁, c* (from c0 = 0), χ_c and ξ_c of one setting: what fixedPointQ, chi1, fixedPointC, chiC and
 * depthScale return one by one, with q* and c* found once; qStart as fixedPointQ's start.
 */
export function stationaryTheory(
  activation: Activation,
  sw2: number,
  sb2: number,
  qStart = sw2 + sb2,
): StationaryTheory {
  const { q } = fixedPointQ(activation, sw2, sb2, qStart);
  const chi1 = chi1At(activation, sw2, q);
  const { c } = fixedPointCAt(activation, sw2, sb2, q, chi1, 0, CORRELATION_POINTS);
  const chiC = chiCAt(activation, sw2, q, chi1, c, CORRELATION_POINTS);
  return { q, chi1, c, chiC, xiC: depthScaleOf(chiC) };
}

export interface CriticalPoint {
  sb2: number;
  /** σ_w² with χ₁ = 1, NaN where χ₁ − 1 does not change sign on [0.01, 100]. */
  sw2: number;
}

const SW2_MIN = 0.01;
const SW2_MAX = 100;

/** The critical line χ₁(σ_w², σ_b²) = 1 at count evenly spaced σ_b² in [sb2Min, sb2Max]. */
export function criticalLine(activation: Activation, sb2Min: number, sb2Max: number, count: number): CriticalPoint[] {
  const line: CriticalPoint[] = [];
  for (let k = 0; k < count; k++) {
    const sb2 = count === 1 ? sb2Min : sb2Min + ((sb2Max - sb2Min) * k) / (count - 1);
    line.push({ sb2, sw2: criticalWeightVariance(activation, sb2) });
  }
  return line;
}

/** Bisection on σ_w² ∈ [0.01, 100] for χ₁ = 1 (χ₁ grows with σ_w² for these activations). */
export function criticalWeightVariance(activation: Activation, sb2: number): number {
  const excess = (sw2: number) => chi1(activation, sw2, sb2) - 1;
  let low = SW2_MIN;
  let high = SW2_MAX;
  if (!(excess(low) < 0 && excess(high) >= 0)) return NaN;
  while (high - low > 1e-12 * high) {
    const middle = 0.5 * (low + high);
    if (middle <= low || middle >= high) break;
    if (excess(middle) < 0) low = middle;
    else high = middle;
  }
  return 0.5 * (low + high);
}
