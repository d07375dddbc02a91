// Colours of the phase diagram, pure functions: a diverging scale for log χ₁ (blue = ordered, χ₁ < 1; white at
// χ₁ = 1; red = chaotic, χ₁ > 1), symmetric about 0 so equal factors above and below 1 look equally strong, and
// a sequential scale (viridis, view/colormap.ts) for c^L. Non-finite cells (an exploded network, a χ₁ that
// cannot be measured) get no colour (null: the map hatches them) and never enter a scale's range.

import { colormap, type Rgb } from './colormap';

export type { Rgb };

export interface PhaseScale {
  kind: 'diverging' | 'sequential';
  /** Value at the low end (diverging: −hi). */
  lo: number;
  hi: number;
  /** Cells whose value is not finite (left out of lo … hi). */
  nonFinite: number;
}

/** Blue (ordered) → white → red (chaotic): ColorBrewer's RdBu, its ends darkened less for a dark page. */
const DIVERGING_STOPS: readonly Rgb[] = [
  [0.13, 0.4, 0.67],
  [0.26, 0.58, 0.78],
  [0.57, 0.77, 0.87],
  [0.82, 0.9, 0.94],
  [0.97, 0.97, 0.97],
  [0.99, 0.86, 0.78],
  [0.96, 0.65, 0.51],
  [0.84, 0.38, 0.3],
  [0.7, 0.09, 0.17],
];

/** The diverging colour at t ∈ [−1, 1] (clamped): −1 ordered blue, 0 white, +1 chaotic red. */
export function divergingColor(t: number): Rgb {
  const clamped = Math.min(1, Math.max(-1, t));
  const position = ((clamped + 1) / 2) * (DIVERGING_STOPS.length - 1);
  const index = Math.min(DIVERGING_STOPS.length - 2, Math.floor(position));
  const f = position - index;
  const a = DIVERGING_STOPS[index];
  const b = DIVERGING_STOPS[index + 1];
  return [a[0] + f * (b[0] - a[0]), a[1] + f * (b[1] - a[1]), a[2] + f * (b[2] - a[2])];
}

/** Smallest half-range of the log10 χ₁ scale: a factor of 1.5 either way, so a near-critical map is not all red. */
export const MIN_LOG_RANGE = Math.log10(1.5);

/** The value at this quantile of |value| sets the diverging range: one runaway cell does not wash out the rest. */
const RANGE_QUANTILE = 0.98;

function finiteValues(values: ArrayLike<number>): number[] {
  const finite: number[] = [];
  for (let index = 0; index < values.length; index++) if (Number.isFinite(values[index])) finite.push(values[index]);
  return finite;
}

/** The diverging scale of log10 χ₁ values: ±(98% quantile of |value|), at least ±MIN_LOG_RANGE. */
export function divergingScale(values: ArrayLike<number>): PhaseScale {
  const finite = finiteValues(values);
  const magnitudes = finite.map(Math.abs).sort((a, b) => a - b);
  const quantile = magnitudes.length > 0 ? magnitudes[Math.floor(RANGE_QUANTILE * (magnitudes.length - 1))] : 0;
  const hi = Math.max(MIN_LOG_RANGE, quantile);
  return { kind: 'diverging', lo: -hi, hi, nonFinite: values.length - finite.length };
}

/** The sequential scale of c^L: from min(0, smallest c) to 1 (c ≤ 1; 1 is where ordered inputs collapse). */
export function sequentialScale(values: ArrayLike<number>): PhaseScale {
  const finite = finiteValues(values);
  const lo = Math.min(0, ...finite);
  const hi = Math.max(1, ...finite);
  return { kind: 'sequential', lo, hi, nonFinite: values.length - finite.length };
}

/** The colour of a value on its scale; null when the value is not finite (drawn hatched). */
export function phaseColor(scale: PhaseScale, value: number): Rgb | null {
  if (!Number.isFinite(value)) return null;
  if (scale.kind === 'diverging') return divergingColor(scale.hi > 0 ? value / scale.hi : 0);
  return colormap(scale.hi > scale.lo ? (value - scale.lo) / (scale.hi - scale.lo) : 0.5);
}

export function rgbCss([r, g, b]: Rgb): string {
  return `rgb(${Math.round(r * 255)}, ${Math.round(g * 255)}, ${Math.round(b * 255)})`;
}

/** The grey of non-finite cells (with a hatch over it on the map). */
export const NON_FINITE_CSS = '#5a5f6b';
