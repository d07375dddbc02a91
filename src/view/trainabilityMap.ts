// The trainable-depth map on a canvas 2D: σ_w² across (evenly spaced columns), depth up (one row per depth of the
// list, placed on a log₂ scale so the theory's curves have a place between rows), each cell coloured by the share
// of its copies that learned on a fixed 0–1 scale (viridis; grey and hatched where every copy diverged, hatched
// over the colour where some did), the theory's 6 ξ_c (solid) and ξ_c (dashed) over σ_w², axes, the legend, and
// outlines of the pinned and hovered cells. The pointer reports the cell under it; a click pins it. Drawing only
// (shared cell, hatch and colour-bar drawing: view/heatMap.ts).
// What is drawn is also written as data attributes on the canvas (cells, coloured, hatched and all-diverged
// cells, the learned shares row by row, curve points inside the plot, the pinned cell), for tests and readers.

import { colormap, type Rgb } from './colormap';
import { drawColorBar, fillHeatCell, halfStep, hatchPattern, heatMapCanvas } from './heatMap';
import { formatTick, niceTicks } from './surfaceGrid';

export interface DepthMapCell {
  /** The colour's value in 0…1 (the share that learned); NaN: no colour (grey, hatched). */
  value: number;
  /** A hatch over the colour (some copies diverged). */
  hatched: boolean;
}

export interface DepthCurvePoint {
  sw2: number;
  /** ξ_c: Infinity at criticality, ≤ 0 or NaN where the theory has no depth scale (not drawn). */
  xi: number;
}

export interface DepthMapInput {
  sw2Min: number;
  sw2Max: number;
  sw2Cells: number;
  depths: readonly number[];
  /** Row-major (row · sw2Cells + column); absent before the first training run (the grid drawn empty). */
  cells?: readonly DepthMapCell[];
  curve: readonly DepthCurvePoint[];
  pinned?: { column: number; row: number };
}

export type DepthMapAt = { column: number; row: number };

const WIDTH = 600;
const HEIGHT = 400;
const MARGIN = { left: 58, right: 128, top: 16, bottom: 46 };
const TEXT = '#c9d1e3';
const MUTED = '#9aa6bf';
const EMPTY_CSS = '#1b2233';

/** The colour of a learned share: viridis from 0 (none learned) to 1 (all learned); null for NaN. */
export function depthShareColor(value: number): Rgb | null {
  return Number.isFinite(value) ? colormap(Math.min(1, Math.max(0, value))) : null;
}

/** Row edges on the log₂ depth scale: midway between neighbours, half a neighbour gap past the ends. */
export function depthRowEdges(depths: readonly number[]): number[] {
  const at = depths.map(Math.log2);
  if (at.length === 1) return [at[0] - 0.5, at[0] + 0.5];
  const edges = [at[0] - (at[1] - at[0]) / 2];
  for (let row = 1; row < at.length; row++) edges.push((at[row - 1] + at[row]) / 2);
  edges.push(at[at.length - 1] + (at[at.length - 1] - at[at.length - 2]) / 2);
  return edges;
}

export class TrainabilityMap {
  readonly canvas: HTMLCanvasElement;
  private input: DepthMapInput | undefined;
  private hovered: DepthMapAt | undefined;

  constructor(
    host: HTMLElement,
    private readonly events: {
      onHover?: (at: DepthMapAt | undefined) => void;
      onPick?: (at: DepthMapAt) => void;
    } = {},
  ) {
    this.canvas = heatMapCanvas(host, {
      id: 'depth-map-canvas',
      label: 'trainable depth: share of copies that learned per σ_w² and depth',
      width: WIDTH,
      height: HEIGHT,
      cellAt: (x, y) => this.cellAt(x, y),
      sameCell: (a, b) => a?.column === b?.column && a?.row === b?.row,
      onHover: (at) => {
        this.hovered = at;
        this.redraw();
        this.events.onHover?.(at);
      },
      onPick: (at) => this.events.onPick?.(at),
    });
  }

  draw(input: DepthMapInput): void {
    this.input = input;
    this.redraw();
  }

  // ---- data ↔ pixels (CSS pixels of the WIDTH × HEIGHT drawing) ----

  private xRange(input: DepthMapInput): [number, number] {
    const { sw2Min, sw2Max, sw2Cells } = input;
    const half = halfStep(sw2Min, sw2Max, sw2Cells);
    return [sw2Min - half, sw2Max + half];
  }

  private px(input: DepthMapInput, sw2: number): number {
    const [x0, x1] = this.xRange(input);
    return MARGIN.left + ((sw2 - x0) / (x1 - x0)) * (WIDTH - MARGIN.left - MARGIN.right);
  }

  /** The pixel row of log₂ depth `level`. */
  private py(edges: readonly number[], level: number): number {
    const y0 = edges[0];
    const y1 = edges[edges.length - 1];
    return HEIGHT - MARGIN.bottom - ((level - y0) / (y1 - y0)) * (HEIGHT - MARGIN.top - MARGIN.bottom);
  }

  private cellAt(x: number, y: number): DepthMapAt | undefined {
    const input = this.input;
    if (!input) return undefined;
    const fx = (x - MARGIN.left) / (WIDTH - MARGIN.left - MARGIN.right);
    if (fx < 0 || fx > 1 || y < MARGIN.top || y > HEIGHT - MARGIN.bottom) return undefined;
    const edges = depthRowEdges(input.depths);
    const row = input.depths.findIndex((_, r) => y <= this.py(edges, edges[r]) && y >= this.py(edges, edges[r + 1]));
    if (row < 0) return undefined;
    return { column: Math.min(input.sw2Cells - 1, Math.floor(fx * input.sw2Cells)), row };
  }

  private cellRect(input: DepthMapInput, edges: readonly number[], at: DepthMapAt) {
    const cellW = (WIDTH - MARGIN.left - MARGIN.right) / input.sw2Cells;
    const top = this.py(edges, edges[at.row + 1]);
    return { x: MARGIN.left + at.column * cellW, y: top, width: cellW, height: this.py(edges, edges[at.row]) - top };
  }

  private redraw(): void {
    const input = this.input;
    const context = this.canvas.getContext('2d');
    if (!input || !context) return;
    const ratio = this.canvas.width / WIDTH;
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    context.clearRect(0, 0, WIDTH, HEIGHT);
    context.fillStyle = '#0b0f18';
    context.fillRect(0, 0, WIDTH, HEIGHT);
    const edges = depthRowEdges(input.depths);
    const hatch = hatchPattern(context);
    let colored = 0;
    let hatched = 0;
    let diverged = 0;
    for (let row = 0; row < input.depths.length; row++) {
      for (let column = 0; column < input.sw2Cells; column++) {
        const rect = this.cellRect(input, edges, { column, row });
        const cell = input.cells?.[row * input.sw2Cells + column];
        if (!cell) {
          context.fillStyle = EMPTY_CSS;
          context.fillRect(rect.x, rect.y, rect.width + 0.5, rect.height + 0.5);
          continue;
        }
        const color = depthShareColor(cell.value);
        if (color) colored++;
        else diverged++;
        if (cell.hatched || !color) hatched++;
        fillHeatCell(context, rect, color, hatch, cell.hatched);
      }
    }
    const { dataset } = this.canvas;
    dataset.cells = String(input.sw2Cells * input.depths.length);
    dataset.trained = String(input.cells !== undefined);
    dataset.colored = String(colored);
    dataset.hatched = String(hatched);
    dataset.diverged = String(diverged);
    dataset.learned = input.cells ? input.cells.map((cell) => String(cell.value)).join(',') : '';
    this.drawCurves(context, input, edges);
    this.drawAxes(context, input, edges);
    this.drawLegend(context, hatch);
    this.outline(context, input, edges, input.pinned, '#ffffff', 2.5, 'pinned');
    this.outline(context, input, edges, this.hovered, '#f0b429', 1.5, 'hovered');
  }

  /** 6 ξ_c solid and ξ_c dashed, clipped to the plot; a break where the theory has no depth scale. */
  private drawCurves(context: CanvasRenderingContext2D, input: DepthMapInput, edges: readonly number[]): void {
    const left = MARGIN.left;
    const right = WIDTH - MARGIN.right;
    const top = MARGIN.top;
    const bottom = HEIGHT - MARGIN.bottom;
    context.save();
    context.beginPath();
    context.rect(left, top, right - left, bottom - top);
    context.clip();
    let inside = 0;
    for (const [factor, dash] of [
      [6, []],
      [1, [6, 5]],
    ] as const) {
      const trace = () => {
        context.beginPath();
        let drawing = false;
        for (const point of input.curve) {
          const depth = factor * point.xi;
          if (!(depth > 0)) {
            drawing = false;
            continue;
          }
          const x = this.px(input, point.sw2);
          // Infinity (criticality) and very deep values go just past the top (clipped).
          const y = Math.max(top - 20, this.py(edges, Math.log2(Math.min(depth, 2 ** 20))));
          if (factor === 6 && y >= top && y <= bottom) inside++;
          if (drawing) context.lineTo(x, y);
          else context.moveTo(x, y);
          drawing = true;
        }
      };
      context.setLineDash([...dash]);
      trace();
      context.strokeStyle = 'rgba(0, 0, 0, 0.8)';
      context.lineWidth = 4.5;
      context.stroke();
      context.strokeStyle = '#ffffff';
      context.lineWidth = 2;
      context.stroke();
    }
    context.restore();
    this.canvas.dataset.curvePoints = String(input.curve.length);
    this.canvas.dataset.curvePointsInside = String(inside);
  }

  private drawAxes(context: CanvasRenderingContext2D, input: DepthMapInput, edges: readonly number[]): void {
    const [x0, x1] = this.xRange(input);
    const left = MARGIN.left;
    const bottom = HEIGHT - MARGIN.bottom;
    context.strokeStyle = MUTED;
    context.lineWidth = 1;
    context.strokeRect(left, MARGIN.top, WIDTH - MARGIN.left - MARGIN.right, bottom - MARGIN.top);
    context.fillStyle = TEXT;
    context.font = '11px system-ui, sans-serif';
    context.textAlign = 'center';
    context.textBaseline = 'top';
    for (const tick of niceTicks(Math.max(0, x0), x1, 7)) {
      if (tick < x0 || tick > x1) continue;
      const x = this.px(input, tick);
      context.beginPath();
      context.moveTo(x, bottom);
      context.lineTo(x, bottom + 5);
      context.stroke();
      context.fillText(formatTick(tick), x, bottom + 7);
    }
    context.textAlign = 'right';
    context.textBaseline = 'middle';
    for (const depth of input.depths) {
      const y = this.py(edges, Math.log2(depth));
      context.beginPath();
      context.moveTo(left - 5, y);
      context.lineTo(left, y);
      context.stroke();
      context.fillText(String(depth), left - 7, y);
    }
    context.font = '600 12px system-ui, sans-serif';
    context.textAlign = 'center';
    context.textBaseline = 'bottom';
    context.fillText('weight variance σ_w²', left + (WIDTH - MARGIN.left - MARGIN.right) / 2, HEIGHT - 4);
    context.save();
    context.translate(14, MARGIN.top + (bottom - MARGIN.top) / 2);
    context.rotate(-Math.PI / 2);
    context.textBaseline = 'middle';
    context.fillText('depth L (hidden layers, log scale)', 0, 0);
    context.restore();
  }

  private drawLegend(context: CanvasRenderingContext2D, hatch: CanvasPattern | null): void {
    const x = WIDTH - MARGIN.right + 16;
    const top = MARGIN.top + 18;
    const width = 16;
    const height = 150;
    drawColorBar(context, { x, y: top, width, height }, depthShareColor, MUTED);
    context.fillStyle = TEXT;
    context.font = '600 11px system-ui, sans-serif';
    context.textAlign = 'left';
    context.textBaseline = 'bottom';
    context.fillText('share learned', x - 10, top - 4);
    context.font = '11px system-ui, sans-serif';
    context.textBaseline = 'middle';
    for (const tick of [0, 0.5, 1]) context.fillText(`${tick * 100}%`, x + width + 4, top + (1 - tick) * height);
    let y = top + height + 16;
    const swatch = (label: string, draw: () => void) => {
      draw();
      context.fillStyle = MUTED;
      context.fillText(label, x + width + 4, y + 6);
      y += 20;
    };
    swatch('all diverged', () => fillHeatCell(context, { x, y, width, height: 12 }, null, hatch));
    swatch('some diverged', () => fillHeatCell(context, { x, y, width, height: 12 }, colormap(0.6), hatch, true));
    swatch('not trained', () => {
      context.fillStyle = EMPTY_CSS;
      context.fillRect(x, y, width, 12);
      context.strokeStyle = MUTED;
      context.strokeRect(x, y, width, 12);
    });
    for (const [label, dash] of [
      ['6 ξ_c (theory)', []],
      ['ξ_c', [4, 3]],
    ] as const) {
      context.setLineDash([...dash]);
      context.strokeStyle = '#ffffff';
      context.lineWidth = 2;
      context.beginPath();
      context.moveTo(x, y + 6);
      context.lineTo(x + width, y + 6);
      context.stroke();
      context.setLineDash([]);
      context.fillStyle = MUTED;
      context.fillText(label, x + width + 4, y + 6);
      y += 20;
    }
    context.lineWidth = 1;
  }

  private outline(
    context: CanvasRenderingContext2D,
    input: DepthMapInput,
    edges: readonly number[],
    at: DepthMapAt | undefined,
    color: string,
    width: number,
    name: 'pinned' | 'hovered',
  ): void {
    if (name === 'pinned') delete this.canvas.dataset.pinned;
    if (!at || at.column >= input.sw2Cells || at.row >= input.depths.length) return;
    const rect = this.cellRect(input, edges, at);
    context.setLineDash([]);
    context.strokeStyle = '#000000';
    context.lineWidth = width + 2;
    context.strokeRect(rect.x + 1, rect.y + 1, rect.width - 2, rect.height - 2);
    context.strokeStyle = color;
    context.lineWidth = width;
    context.strokeRect(rect.x + 1, rect.y + 1, rect.width - 2, rect.height - 2);
    if (name === 'pinned') this.canvas.dataset.pinned = `${at.column},${at.row}`;
  }
}
