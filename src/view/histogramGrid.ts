// Per-layer histograms have their own bins (ranges from the theory of each layer), so before
// layers can share one value axis each histogram is resampled onto a common grid: a source bin's
// count is spread over the common bins it overlaps, in proportion to the overlap (values assumed
// uniform inside a bin). Mass outside the grid goes to `below` / `above` (the edge rows of the
// landscape); NaN is counted apart and never drawn. Pure functions, unit-tested.

export interface HistogramLike {
  edges: readonly number[];
  counts: readonly number[];
  underflow: number;
  overflow: number;
  nan: number;
  posInf: number;
  negInf: number;
}

export interface CommonGrid {
  lo: number;
  hi: number;
  bins: number;
}

export interface ResampledHistogram {
  /** Fraction of all values of the layer (finite, ±∞ and NaN) in each common bin. */
  fractions: Float64Array;
  /** Fractions beyond the grid: below lo (incl. −∞) and above hi (incl. +∞). */
  below: number;
  above: number;
  /** Fraction that is NaN. */
  nan: number;
  /** Number of values the fractions are of. */
  total: number;
}

export function histogramTotal(h: HistogramLike): number {
  return h.counts.reduce((sum, c) => sum + c, 0) + h.underflow + h.overflow + h.nan + h.posInf + h.negInf;
}

/** The grid spanning one histogram's own range (the reference layer's bins, kept exactly). */
export function gridOf(h: HistogramLike): CommonGrid {
  return { lo: h.edges[0], hi: h.edges[h.edges.length - 1], bins: h.counts.length };
}

export function resampleHistogram(h: HistogramLike, grid: CommonGrid): ResampledHistogram {
  const { lo, hi, bins } = grid;
  const total = histogramTotal(h);
  const fractions = new Float64Array(bins);
  const result: ResampledHistogram = { fractions, below: 0, above: 0, nan: 0, total };
  if (total === 0) return result;
  const step = (hi - lo) / bins;
  let below = h.negInf;
  let above = h.posInf;
  /** Adds `count` spread uniformly over [a, b] (a ≤ b). */
  const spread = (a: number, b: number, count: number): void => {
    if (count === 0) return;
    if (!(b > a)) {
      // A zero-width interval: all at one point.
      if (a < lo) below += count;
      else if (a > hi) above += count;
      else fractions[Math.min(bins - 1, Math.floor((a - lo) / step))] += count;
      return;
    }
    const width = b - a;
    if (a < lo) below += (count * (Math.min(b, lo) - a)) / width;
    if (b > hi) above += (count * (b - Math.max(a, hi))) / width;
    const from = Math.max(a, lo);
    const to = Math.min(b, hi);
    if (!(to > from)) return;
    const first = Math.max(0, Math.floor((from - lo) / step));
    const last = Math.min(bins - 1, Math.ceil((to - lo) / step) - 1);
    for (let i = first; i <= last; i++) {
      const binLo = lo + i * step;
      const overlap = Math.min(to, binLo + step) - Math.max(from, binLo);
      if (overlap > 0) fractions[i] += (count * overlap) / width;
    }
  };
  const edges = h.edges;
  for (let i = 0; i < h.counts.length; i++) spread(edges[i], edges[i + 1], h.counts[i]);
  // Finite values beyond the source range: their place is unknown, so they sit just past its edge
  // (inside the grid when the source range is narrower, in the edge row when it is wider).
  const sourceLo = edges[0];
  const sourceHi = edges[edges.length - 1];
  const nudge = (sourceHi - sourceLo) * 1e-9;
  spread(sourceLo - nudge, sourceLo - nudge, h.underflow);
  spread(sourceHi + nudge, sourceHi + nudge, h.overflow);
  for (let i = 0; i < bins; i++) fractions[i] /= total;
  result.below = below / total;
  result.above = above / total;
  result.nan = h.nan / total;
  return result;
}

/** Bin centres of a grid. */
export function gridCentres(grid: CommonGrid): number[] {
  const step = (grid.hi - grid.lo) / grid.bins;
  return Array.from({ length: grid.bins }, (_, i) => grid.lo + (i + 0.5) * step);
}

/** Lowest fraction the log density shows: below it a bin is drawn empty. */
export const LOG_FLOOR = 1e-5;

/**
 * Height in [0, 1] of a fraction: log: (log10 f − log10 floor) / −log10 floor (0 for f ≤ floor);
 * linear: f / max (max = the largest fraction drawn).
 */
export function densityHeight(fraction: number, density: 'log' | 'linear', max: number): number {
  if (!(fraction > 0)) return 0;
  if (density === 'linear') return max > 0 ? Math.min(1, fraction / max) : 0;
  const floor = Math.log10(LOG_FLOOR);
  return Math.max(0, Math.min(1, (Math.log10(fraction) - floor) / -floor));
}
