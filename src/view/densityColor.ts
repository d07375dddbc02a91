// The colour of a density for the Initialization explorer's landscape and small multiples: the
// shared viridis map of view/colormap.ts, with one difference that matters for densities: a NaN
// density (no value) gets the low end, not the top. Plus the red of the edge rows.

import { colormap, type Rgb } from './colormap';

export type { Rgb };

/** Viridis at t (clamped to [0, 1]; NaN gives the low end), components in [0, 1]. */
export function densityColor(t: number): Rgb {
  return colormap(Number.isNaN(t) ? 0 : t);
}

/** The same colour as a CSS string. */
export function densityCss(t: number, alpha = 1): string {
  const [r, g, b] = densityColor(t);
  return `rgba(${Math.round(r * 255)}, ${Math.round(g * 255)}, ${Math.round(b * 255)}, ${alpha})`;
}

/** Colour of the overflow/underflow rows (mass beyond the common value axis): a warm red. */
export const OVERFLOW_RGB: Rgb = [0.94, 0.36, 0.36];
