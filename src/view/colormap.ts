// The colour map of the loss landscapes: viridis (perceptually uniform: equal steps of t look like equal
// steps of colour, lightness rises monotonically, readable by colour-blind people and in greyscale).
// Pure functions of t ∈ [0, 1]. The Initialization explorer uses it too, through view/densityColor.ts.

export type Rgb = [number, number, number];

/** Viridis at 11 evenly spaced stops (matplotlib's table), linear in between. */
export const VIRIDIS_STOPS: readonly Rgb[] = [
  [0.267, 0.005, 0.329],
  [0.283, 0.141, 0.458],
  [0.254, 0.265, 0.53],
  [0.207, 0.372, 0.553],
  [0.164, 0.471, 0.558],
  [0.128, 0.567, 0.551],
  [0.135, 0.659, 0.518],
  [0.267, 0.749, 0.441],
  [0.478, 0.821, 0.318],
  [0.741, 0.873, 0.15],
  [0.993, 0.906, 0.144],
];

/**
 * Viridis at t, components in [0, 1]. t is clamped to [0, 1]; a non-finite t (an overflowing cell)
 * gets the top colour, like a value clipped at the high end, so it never breaks the picture.
 */
export function colormap(t: number): Rgb {
  const clamped = Number.isFinite(t) ? Math.min(1, Math.max(0, t)) : 1;
  const position = clamped * (VIRIDIS_STOPS.length - 1);
  const index = Math.min(VIRIDIS_STOPS.length - 2, Math.floor(position));
  const f = position - index;
  const a = VIRIDIS_STOPS[index];
  const b = VIRIDIS_STOPS[index + 1];
  return [a[0] + f * (b[0] - a[0]), a[1] + f * (b[1] - a[1]), a[2] + f * (b[2] - a[2])];
}

/** The same colour as a CSS string. */
export function colormapCss(t: number, alpha = 1): string {
  const [r, g, b] = colormap(t);
  return `rgba(${Math.round(r * 255)}, ${Math.round(g * 255)}, ${Math.round(b * 255)}, ${alpha})`;
}

/** Relative luminance (Rec. 709 weights on linearized sRGB), for the monotonicity test and text contrast. */
export function relativeLuminance([r, g, b]: Rgb): number {
  const linear = (c: number) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
  return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
}
