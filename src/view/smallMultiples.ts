// Small multiples: one small histogram per layer on the common value axis (like the course's
// per-layer MNIST figure), bars coloured by the same density colour map as the landscape, mass
// beyond the axis as red bars at the edges. Canvas 2D. Drawing only; a click reports the layer.

import { densityCss, OVERFLOW_RGB } from './densityColor';
import { type CommonGrid, densityHeight, type ResampledHistogram } from './histogramGrid';

export interface MultipleInput {
  layer: number;
  histogram: ResampledHistogram;
  /** A short line under the plot, e.g. "rms 0.31". */
  note: string;
}

/** At most this many plots; deeper nets show evenly spaced layers (always the first and the last). */
export const MAX_MULTIPLES = 30;

export function pickLayers(depth: number, max = MAX_MULTIPLES): number[] {
  if (depth <= max) return Array.from({ length: depth }, (_, i) => i + 1);
  const picked = new Set<number>();
  for (let i = 0; i < max; i++) picked.add(1 + Math.round((i * (depth - 1)) / (max - 1)));
  return [...picked].sort((a, b) => a - b);
}

const WIDTH = 132;
const HEIGHT = 64;
const EDGE = 7; // px of each edge bar (below / above the axis)
const OVERFLOW_CSS = `rgb(${OVERFLOW_RGB.map((c) => Math.round(c * 255)).join(', ')})`;

function formatEnd(value: number): string {
  const magnitude = Math.abs(value);
  if (magnitude !== 0 && (magnitude >= 1e4 || magnitude < 1e-2)) return value.toExponential(0).replace('e+', 'e');
  return String(Number(value.toPrecision(2)));
}

export class SmallMultiples {
  private readonly grid: HTMLElement;
  private readonly note: HTMLElement;

  constructor(
    container: HTMLElement,
    private readonly onSelect: (layer: number) => void = () => {},
  ) {
    this.grid = document.createElement('div');
    this.grid.className = 'multiples';
    this.note = document.createElement('p');
    this.note.className = 'caption';
    container.append(this.grid, this.note);
  }

  update(
    items: readonly MultipleInput[],
    axis: CommonGrid,
    density: 'log' | 'linear',
    selectedLayer: number,
    depth: number,
  ): void {
    let max = 0;
    for (const { histogram } of items) {
      for (const f of histogram.fractions) max = Math.max(max, f);
      max = Math.max(max, histogram.below, histogram.above);
    }
    const figures = items.map((item) => this.figure(item, axis, density, max, item.layer === selectedLayer));
    this.grid.replaceChildren(...figures);
    this.note.textContent = items.length < depth ? `Showing ${items.length} of ${depth} layers (evenly spaced). ` : '';
    this.note.textContent +=
      `Common value axis ${formatEnd(axis.lo)} … ${formatEnd(axis.hi)}; red edge bars: values beyond it. ` +
      'Click a layer to inspect it in the derivation.';
  }

  private figure(
    item: MultipleInput,
    axis: CommonGrid,
    density: 'log' | 'linear',
    max: number,
    selected: boolean,
  ): HTMLElement {
    const figure = document.createElement('figure');
    figure.dataset.layer = String(item.layer);
    figure.style.cursor = 'pointer';
    if (selected) figure.style.outline = '1px solid #f0b429';
    figure.addEventListener('click', () => this.onSelect(item.layer));
    const canvas = document.createElement('canvas');
    const ratio = Math.min(2, window.devicePixelRatio || 1);
    canvas.width = WIDTH * ratio;
    canvas.height = HEIGHT * ratio;
    canvas.style.width = '100%';
    canvas.style.aspectRatio = `${WIDTH} / ${HEIGHT}`;
    const context = canvas.getContext('2d');
    if (context) {
      context.scale(ratio, ratio);
      this.draw(context, item.histogram, axis, density, max);
    }
    const caption = document.createElement('figcaption');
    caption.textContent = `layer ${item.layer} · ${item.note}`;
    figure.append(canvas, caption);
    return figure;
  }

  private draw(
    context: CanvasRenderingContext2D,
    histogram: ResampledHistogram,
    axis: CommonGrid,
    density: 'log' | 'linear',
    max: number,
  ): void {
    const plotLeft = EDGE + 2;
    const plotWidth = WIDTH - 2 * (EDGE + 2);
    const plotHeight = HEIGHT - 12;
    const bins = histogram.fractions.length;
    context.fillStyle = '#0b0f18';
    context.fillRect(0, 0, WIDTH, HEIGHT);
    for (let i = 0; i < bins; i++) {
      const h = densityHeight(histogram.fractions[i], density, max);
      if (h <= 0) continue;
      context.fillStyle = densityCss(h);
      const x = plotLeft + (i * plotWidth) / bins;
      context.fillRect(x, plotHeight * (1 - h), Math.max(1, plotWidth / bins), plotHeight * h);
    }
    context.fillStyle = OVERFLOW_CSS;
    for (const [fraction, x] of [
      [histogram.below, 0],
      [histogram.above, WIDTH - EDGE],
    ] as const) {
      const h = densityHeight(fraction, density, max);
      if (h > 0) context.fillRect(x, plotHeight * (1 - h), EDGE, plotHeight * h);
    }
    // Baseline, zero mark and the axis ends.
    context.strokeStyle = '#6f7d99';
    context.lineWidth = 1;
    context.beginPath();
    context.moveTo(plotLeft, plotHeight + 0.5);
    context.lineTo(plotLeft + plotWidth, plotHeight + 0.5);
    if (axis.lo < 0 && axis.hi > 0) {
      const zero = plotLeft + (-axis.lo / (axis.hi - axis.lo)) * plotWidth;
      context.moveTo(zero + 0.5, plotHeight);
      context.lineTo(zero + 0.5, plotHeight + 3);
    }
    context.stroke();
    context.fillStyle = '#9aa6bf';
    context.font = '9px system-ui, sans-serif';
    context.textBaseline = 'top';
    context.textAlign = 'left';
    context.fillText(formatEnd(axis.lo), plotLeft, plotHeight + 2);
    context.textAlign = 'right';
    context.fillText(formatEnd(axis.hi), plotLeft + plotWidth, plotHeight + 2);
    if (axis.lo < 0 && axis.hi > 0) {
      context.textAlign = 'center';
      context.fillText('0', plotLeft + (-axis.lo / (axis.hi - axis.lo)) * plotWidth, plotHeight + 2);
    }
  }

  destroy(): void {
    this.grid.remove();
    this.note.remove();
  }
}
