// Pure helpers between a computed G×G landscape (index j·G + i, w1 along i, w2 along j) and what is
// drawn: the display grid (≤ 256 per side, subsampled), a height scale robust to outliers (clipped at
// a high quantile, optionally logarithmic), contour segments (marching squares) and axis ticks.

/** Largest side of the mesh and the 2D maps; the compute grid may be larger and is subsampled. */
export const MAX_DISPLAY_GRID = 256;

/** Side of the display grid for a compute grid G. */
export function displayGridSize(G: number, max = MAX_DISPLAY_GRID): number {
  return Math.min(G, max);
}

/** Compute-grid index of each display index: round(k·(G − 1)/(D − 1)), so both window edges are kept. */
export function subsampleIndices(G: number, D: number): Int32Array {
  const indices = new Int32Array(D);
  for (let k = 0; k < D; k++) indices[k] = D === 1 ? 0 : Math.round((k * (G - 1)) / (D - 1));
  return indices;
}

/** The D×D display grid of a G×G grid (same layout, index j·D + i). */
export function subsampleGrid(values: ArrayLike<number>, G: number, D: number): Float32Array {
  if (values.length !== G * G) throw new RangeError(`grid has ${values.length} values, expected G·G = ${G * G}`);
  const indices = subsampleIndices(G, D);
  const out = new Float32Array(D * D);
  for (let j = 0; j < D; j++) {
    const row = indices[j] * G;
    for (let i = 0; i < D; i++) out[j * D + i] = values[row + indices[i]];
  }
  return out;
}

export interface HeightScale {
  /** Smallest finite value: height 0. */
  lo: number;
  /** The clip value (a high quantile of the finite values): height 1; everything above is clipped. */
  hi: number;
  log: boolean;
  /**
   * Offset of the log scale, log(1 + (v − lo)/epsilon): the spread of the lowest LOG_FOOT_QUANTILE of
   * the cells (at least 10^-3 of the range), so the bottom is stretched by what the landscape has there
   * and a single low cell does not become a spike.
   */
  epsilon: number;
  /** Cells drawn at the clip: above hi, or not finite. */
  clipped: number;
  /** Cells that were ±Inf or NaN. */
  nonFinite: number;
}

export interface HeightScaleOptions {
  log: boolean;
  /** Quantile of the finite values that maps to the top (default 0.98): a few huge cells cannot flatten the rest. */
  clipQuantile?: number;
}

/** A height scale for the values: robust to outliers (quantile clip) and to non-finite cells (clipped). */
export function heightScale(values: ArrayLike<number>, options: HeightScaleOptions): HeightScale {
  const finite: number[] = [];
  for (let index = 0; index < values.length; index++) if (Number.isFinite(values[index])) finite.push(values[index]);
  const nonFinite = values.length - finite.length;
  if (finite.length === 0) return { lo: 0, hi: 1, log: options.log, epsilon: 1, clipped: values.length, nonFinite };
  finite.sort((a, b) => a - b);
  const q = Math.min(1, Math.max(0, options.clipQuantile ?? 0.98));
  const lo = finite[0];
  let hi = finite[Math.floor(q * (finite.length - 1))];
  if (!(hi > lo)) hi = finite[finite.length - 1];
  if (!(hi > lo)) hi = lo + Math.max(1, Math.abs(lo)); // a flat landscape
  let clipped = nonFinite;
  for (const value of finite) if (value > hi) clipped++;
  const foot = finite[Math.floor(LOG_FOOT_QUANTILE * (finite.length - 1))] - lo;
  const epsilon = Math.min(hi - lo, Math.max(foot, LOG_MIN_EPSILON * (hi - lo)));
  return { lo, hi, log: options.log, epsilon, clipped, nonFinite };
}

/** The log scale's offset is the spread of this lowest fraction of the cells… */
const LOG_FOOT_QUANTILE = 0.05;
/** …but at least this fraction of the range (the log then shows at most 3 decades). */
const LOG_MIN_EPSILON = 1e-3;

/** Height in [0, 1] of a value; non-finite and above-clip values give 1, below lo gives 0. */
export function unitHeight(scale: HeightScale, value: number): number {
  if (!Number.isFinite(value)) return 1;
  const span = scale.hi - scale.lo;
  const x = Math.min(1, Math.max(0, (value - scale.lo) / span));
  if (!scale.log) return x;
  // log(1 + x/ε) / log(1 + 1/ε), ε relative to the range: near the minimum the log stretches small differences.
  const epsilon = scale.epsilon / span;
  return Math.log1p(x / epsilon) / Math.log1p(1 / epsilon);
}

/** The value at a height (inverse of unitHeight on [0, 1]), for labelling the height axis. */
export function valueAtHeight(scale: HeightScale, h: number): number {
  const span = scale.hi - scale.lo;
  if (!scale.log) return scale.lo + h * span;
  const epsilon = scale.epsilon / span;
  return scale.lo + span * epsilon * Math.expm1(h * Math.log1p(1 / epsilon));
}

/** unitHeight of every cell. */
export function unitHeights(values: ArrayLike<number>, scale: HeightScale): Float32Array {
  const out = new Float32Array(values.length);
  for (let index = 0; index < values.length; index++) out[index] = unitHeight(scale, values[index]);
  return out;
}

/** Bilinear sample of a D×D field at fractional grid coordinates (fi, fj), clamped to the grid. */
export function sampleGrid(field: ArrayLike<number>, D: number, fi: number, fj: number): number {
  const x = Math.min(D - 1, Math.max(0, fi));
  const y = Math.min(D - 1, Math.max(0, fj));
  const i = Math.min(D - 2, Math.floor(x));
  const j = Math.min(D - 2, Math.floor(y));
  const u = x - i;
  const v = y - j;
  const a = field[j * D + i];
  const b = field[j * D + i + 1];
  const c = field[(j + 1) * D + i];
  const d = field[(j + 1) * D + i + 1];
  return (1 - v) * ((1 - u) * a + u * b) + v * ((1 - u) * c + u * d);
}

/**
 * Iso-lines of a D×D field (finite values) by marching squares: a flat list of segments
 * [i0, j0, i1, j1, …] in fractional grid coordinates, for every level. Saddles are split by the
 * cell's centre value. Cells with a non-finite corner are skipped.
 */
export function contourSegments(field: ArrayLike<number>, D: number, levels: readonly number[]): number[] {
  const segments: number[] = [];
  for (const level of levels) {
    for (let j = 0; j + 1 < D; j++) {
      for (let i = 0; i + 1 < D; i++) {
        // Corners counter-clockwise from (i, j): a (i, j), b (i+1, j), c (i+1, j+1), d (i, j+1).
        const a = field[j * D + i];
        const b = field[j * D + i + 1];
        const c = field[(j + 1) * D + i + 1];
        const d = field[(j + 1) * D + i];
        if (!Number.isFinite(a) || !Number.isFinite(b) || !Number.isFinite(c) || !Number.isFinite(d)) continue;
        const code = (a >= level ? 1 : 0) | (b >= level ? 2 : 0) | (c >= level ? 4 : 0) | (d >= level ? 8 : 0);
        if (code === 0 || code === 15) continue;
        const t = (p: number, q: number) => (p === q ? 0.5 : (level - p) / (q - p));
        // Crossing points on the four edges.
        const bottom = () => [i + t(a, b), j];
        const right = () => [i + 1, j + t(b, c)];
        const top = () => [i + t(d, c), j + 1];
        const left = () => [i, j + t(a, d)];
        const push = (p: number[], q: number[]) => segments.push(p[0], p[1], q[0], q[1]);
        switch (code) {
          case 1:
          case 14:
            push(left(), bottom());
            break;
          case 2:
          case 13:
            push(bottom(), right());
            break;
          case 3:
          case 12:
            push(left(), right());
            break;
          case 4:
          case 11:
            push(right(), top());
            break;
          case 6:
          case 9:
            push(bottom(), top());
            break;
          case 7:
          case 8:
            push(left(), top());
            break;
          case 5:
          case 10: {
            // Saddle: a and c on one side, b and d on the other; the centre decides which pairs connect.
            const centreAbove = (a + b + c + d) / 4 >= level;
            const aAbove = code === 5;
            if (centreAbove === aAbove) {
              push(left(), top());
              push(bottom(), right());
            } else {
              push(left(), bottom());
              push(right(), top());
            }
            break;
          }
        }
      }
    }
  }
  return segments;
}

/** Round numbers (1, 2 or 5 × 10^k apart) inside [lo, hi], at most about maxCount of them. */
export function niceTicks(lo: number, hi: number, maxCount: number): number[] {
  if (!(hi > lo) || !Number.isFinite(lo) || !Number.isFinite(hi)) return [lo];
  const raw = (hi - lo) / Math.max(1, maxCount);
  const power = 10 ** Math.floor(Math.log10(raw));
  let step = 10 * power;
  for (const m of [1, 2, 5]) {
    if (m * power >= raw) {
      step = m * power;
      break;
    }
  }
  const ticks: number[] = [];
  for (let k = Math.ceil(lo / step - 1e-9); k * step <= hi + step * 1e-9; k++) {
    const value = k * step;
    ticks.push(Math.abs(value) < step * 1e-9 ? 0 : Number(value.toPrecision(12)));
  }
  return ticks;
}

/** Short tick text: 3 significant digits, exponent form for very large or small magnitudes. */
export function formatTick(value: number): string {
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  if (magnitude >= 1e4 || magnitude < 1e-3) return value.toExponential(1).replace('e+', 'e');
  return String(Number(value.toPrecision(3)));
}
