// Top-down contour maps side by side (J, J + λ·L1, J + λ·L2) on 2D canvases: colour from each map's
// own height scale, iso-lines, the coordinate axes w1 = 0 and w2 = 0, ticks, the minimizers and the
// descent path. Drawing only; the explorer hands it display grids (view/surfaceGrid.ts).

import type { GridWindow } from '../core/gridLoss';
import { colormap } from './colormap';
import { contourSegments, formatTick, type HeightScale, niceTicks, unitHeights } from './surfaceGrid';

export interface MapMarker {
  w: [number, number];
  color: string;
  /** A ring instead of a dot: the unpenalized minimizer shown for comparison. */
  hollow?: boolean;
}

export interface ContourMapInput {
  title: string;
  /** The D×D display grid (index j·D + i). */
  values: Float32Array;
  D: number;
  window: GridWindow;
  scale: HeightScale;
  markers: MapMarker[];
  path?: { points: ReadonlyArray<[number, number]>; color: string };
}

const SIZE = 230; // CSS pixels of the plot square
const MARGIN = { left: 34, right: 8, top: 8, bottom: 28 };
const LEVELS = 9;

export class ContourMaps {
  private readonly figures: Array<{ canvas: HTMLCanvasElement; caption: HTMLElement }> = [];

  constructor(container: HTMLElement, count: number) {
    const row = document.createElement('div');
    row.className = 'contour-maps';
    for (let k = 0; k < count; k++) {
      const figure = document.createElement('figure');
      const caption = document.createElement('figcaption');
      const canvas = document.createElement('canvas');
      canvas.style.width = `${SIZE + MARGIN.left + MARGIN.right}px`;
      canvas.style.height = `${SIZE + MARGIN.top + MARGIN.bottom}px`;
      figure.append(caption, canvas);
      row.append(figure);
      this.figures.push({ canvas, caption });
    }
    container.append(row);
  }

  update(inputs: ContourMapInput[]): void {
    inputs.forEach((input, index) => {
      const figure = this.figures[index];
      if (!figure) return;
      figure.caption.textContent = input.title;
      figure.canvas.setAttribute('aria-label', `contour map of ${input.title}`);
      this.draw(figure.canvas, input);
    });
  }

  /** The maps side by side with their titles, on one canvas (a PNG export). */
  snapshot(): HTMLCanvasElement {
    const ratio = this.figures[0] ? this.figures[0].canvas.width / (SIZE + MARGIN.left + MARGIN.right) : 1;
    const gap = 12 * ratio;
    const title = 20 * ratio;
    const canvas = document.createElement('canvas');
    canvas.width = this.figures.reduce((width, { canvas: map }) => width + map.width + gap, gap);
    canvas.height = title + Math.max(0, ...this.figures.map(({ canvas: map }) => map.height)) + gap;
    const context = canvas.getContext('2d');
    if (!context) return canvas;
    context.fillStyle = '#0b0f18';
    context.fillRect(0, 0, canvas.width, canvas.height);
    context.fillStyle = '#e6ebf5';
    context.font = `${12 * ratio}px system-ui, sans-serif`;
    context.textAlign = 'center';
    context.textBaseline = 'middle';
    let x = gap;
    for (const { canvas: map, caption } of this.figures) {
      context.fillText(caption.textContent ?? '', x + map.width / 2, title / 2 + gap / 2);
      context.drawImage(map, x, title + gap / 2);
      x += map.width + gap;
    }
    return canvas;
  }

  private draw(canvas: HTMLCanvasElement, input: ContourMapInput): void {
    const ratio = Math.min(2, globalThis.devicePixelRatio || 1);
    const width = SIZE + MARGIN.left + MARGIN.right;
    const height = SIZE + MARGIN.top + MARGIN.bottom;
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
    const context = canvas.getContext('2d');
    if (!context) return;
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    context.clearRect(0, 0, width, height);
    const heights = unitHeights(input.values, input.scale);
    const place = placement(input.window);
    drawHeat(context, heights, input.D);
    drawContours(context, heights, input.D);
    // Clipped to the plot square: the axes, the path and the markers.
    context.save();
    context.beginPath();
    context.rect(MARGIN.left, MARGIN.top, SIZE, SIZE);
    context.clip();
    drawZeroAxes(context, input.window, place);
    if (input.path && input.path.points.length > 0) drawPath(context, input.path, place);
    for (const marker of input.markers) drawMarker(context, marker, place);
    context.restore();
    drawFrame(context, input.window, place);
  }
}

/** Canvas x of w1 and y of w2 (w2 grows upwards; canvas rows grow downwards). */
interface Placement {
  px(w1: number): number;
  py(w2: number): number;
}

function placement(window: GridWindow): Placement {
  return {
    px: (w1) => MARGIN.left + ((w1 - window.w1Min) / (window.w1Max - window.w1Min)) * SIZE,
    py: (w2) => MARGIN.top + SIZE - ((w2 - window.w2Min) / (window.w2Max - window.w2Min)) * SIZE,
  };
}

/** Heat image: one pixel per display cell, w2 growing upwards. */
function drawHeat(context: CanvasRenderingContext2D, heights: Float32Array, D: number): void {
  const image = new ImageData(D, D);
  for (let j = 0; j < D; j++) {
    for (let i = 0; i < D; i++) {
      const [r, g, b] = colormap(heights[j * D + i]);
      const pixel = ((D - 1 - j) * D + i) * 4;
      image.data[pixel] = Math.round(r * 255);
      image.data[pixel + 1] = Math.round(g * 255);
      image.data[pixel + 2] = Math.round(b * 255);
      image.data[pixel + 3] = 255;
    }
  }
  const heat = document.createElement('canvas');
  heat.width = D;
  heat.height = D;
  heat.getContext('2d')?.putImageData(image, 0, 0);
  context.imageSmoothingEnabled = true;
  context.drawImage(heat, MARGIN.left, MARGIN.top, SIZE, SIZE);
}

/** Iso-lines at evenly spaced heights. */
function drawContours(context: CanvasRenderingContext2D, heights: Float32Array, D: number): void {
  const gx = (i: number) => MARGIN.left + (i / (D - 1)) * SIZE;
  const gy = (j: number) => MARGIN.top + SIZE - (j / (D - 1)) * SIZE;
  const levels = Array.from({ length: LEVELS }, (_, k) => (k + 1) / (LEVELS + 1));
  const segments = contourSegments(heights, D, levels);
  context.strokeStyle = 'rgba(255, 255, 255, 0.45)';
  context.lineWidth = 0.8;
  context.beginPath();
  for (let k = 0; k < segments.length; k += 4) {
    context.moveTo(gx(segments[k]), gy(segments[k + 1]));
    context.lineTo(gx(segments[k + 2]), gy(segments[k + 3]));
  }
  context.stroke();
}

/** The coordinate axes, dashed: an L1 minimizer on one of them has an exact zero. */
function drawZeroAxes(context: CanvasRenderingContext2D, window: GridWindow, { px, py }: Placement): void {
  context.setLineDash([4, 3]);
  context.strokeStyle = 'rgba(230, 235, 245, 0.85)';
  context.lineWidth = 1;
  context.beginPath();
  if (window.w1Min < 0 && window.w1Max > 0) {
    context.moveTo(px(0), MARGIN.top);
    context.lineTo(px(0), MARGIN.top + SIZE);
  }
  if (window.w2Min < 0 && window.w2Max > 0) {
    context.moveTo(MARGIN.left, py(0));
    context.lineTo(MARGIN.left + SIZE, py(0));
  }
  context.stroke();
  context.setLineDash([]);
}

function drawPath(
  context: CanvasRenderingContext2D,
  path: NonNullable<ContourMapInput['path']>,
  { px, py }: Placement,
): void {
  context.strokeStyle = path.color;
  context.lineWidth = 1.5;
  context.beginPath();
  for (const [index, [w1, w2]] of path.points.entries()) {
    if (index === 0) context.moveTo(px(w1), py(w2));
    else context.lineTo(px(w1), py(w2));
  }
  context.stroke();
  const [s1, s2] = path.points[0];
  context.fillStyle = '#ffffff';
  context.beginPath();
  context.arc(px(s1), py(s2), 2.5, 0, 2 * Math.PI);
  context.fill();
}

function drawMarker(context: CanvasRenderingContext2D, marker: MapMarker, { px, py }: Placement): void {
  context.beginPath();
  context.arc(px(marker.w[0]), py(marker.w[1]), marker.hollow ? 5 : 4.5, 0, 2 * Math.PI);
  if (marker.hollow) {
    context.strokeStyle = marker.color;
    context.lineWidth = 1.6;
    context.stroke();
  } else {
    context.fillStyle = marker.color;
    context.fill();
    context.strokeStyle = '#0b0f18';
    context.lineWidth = 1;
    context.stroke();
  }
}

/** Frame, ticks and axis names. */
function drawFrame(context: CanvasRenderingContext2D, window: GridWindow, { px, py }: Placement): void {
  context.strokeStyle = '#6f7d99';
  context.lineWidth = 1;
  context.strokeRect(MARGIN.left, MARGIN.top, SIZE, SIZE);
  context.fillStyle = '#9aa6bf';
  context.font = '10px system-ui, sans-serif';
  context.textAlign = 'center';
  context.textBaseline = 'top';
  for (const w1 of niceTicks(window.w1Min, window.w1Max, 5)) {
    context.fillText(formatTick(w1), px(w1), MARGIN.top + SIZE + 3);
  }
  context.fillText('w1', MARGIN.left + SIZE / 2 + 40, MARGIN.top + SIZE + 15);
  context.textAlign = 'right';
  context.textBaseline = 'middle';
  for (const w2 of niceTicks(window.w2Min, window.w2Max, 5)) context.fillText(formatTick(w2), MARGIN.left - 4, py(w2));
  context.save();
  context.translate(9, MARGIN.top + SIZE / 2 - 30);
  context.rotate(-Math.PI / 2);
  context.textAlign = 'center';
  context.fillText('w2', 0, 0);
  context.restore();
}
