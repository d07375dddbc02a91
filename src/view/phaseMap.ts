// The phase diagram on a canvas 2D: one rectangle per cell of the (σ_w², σ_b²) grid coloured on its scale
// (view/phaseColors.ts; non-finite cells grey and hatched), the theory's critical line χ₁ = 1 on top, axes with
// ticks and labels, the colour legend on the right, a preset's marker, and outlines of the pinned and hovered
// cells. The pointer reports the cell under it (hover) and a click picks it. Drawing only.
// What is drawn is also written as data attributes on the canvas (cells, non-finite cells, line points inside
// the window, the marker's and pinned cell's pixel centres), for the tests and assistive readers.

import type { CriticalPoint } from '../core/signalPropagation';
import { drawColorBar, fillHeatCell, halfStep, hatchPattern, heatMapCanvas } from './heatMap';
import { NON_FINITE_CSS, type PhaseScale, phaseColor } from './phaseColors';
import { formatTick, niceTicks } from './surfaceGrid';

export interface PhaseMapGrid {
  sw2Min: number;
  sw2Max: number;
  sb2Min: number;
  sb2Max: number;
  cellsW: number;
  cellsB: number;
}

export interface PhaseMapInput {
  grid: PhaseMapGrid;
  /** One value per cell, index ib · cellsW + iw. */
  values: ArrayLike<number>;
  scale: PhaseScale;
  /** The legend's title, e.g. "χ₁ (measured)". */
  legendTitle: string;
  /** Diverging scales show 10^value at their ticks (the map colours log10 χ₁, the legend reads χ₁). */
  tickAsPower: boolean;
  line: readonly CriticalPoint[];
  marker?: { sw2: number; sb2: number; label: string };
  pinned?: { iw: number; ib: number };
}

const WIDTH = 600;
const HEIGHT = 440;
const MARGIN = { left: 58, right: 112, top: 16, bottom: 46 };
const TEXT = '#c9d1e3';
const MUTED = '#9aa6bf';
const LINE_COLOR = '#111111';

/** The half-width of a cell along an axis (a one-cell axis spans ±0.5 of its unit around the value). */
export class PhaseMap {
  readonly canvas: HTMLCanvasElement;
  private input: PhaseMapInput | undefined;
  private hovered: { iw: number; ib: number } | undefined;

  constructor(
    host: HTMLElement,
    private readonly events: {
      onHover?: (cell: { iw: number; ib: number } | undefined) => void;
      onPick?: (cell: { iw: number; ib: number }) => void;
    } = {},
  ) {
    this.canvas = heatMapCanvas(host, {
      id: 'phase-map-canvas',
      label: 'phase diagram: hover a cell for its curves, click to pin it',
      width: WIDTH,
      height: HEIGHT,
      cellAt: (x, y) => this.cellAt(x, y),
      sameCell: (a, b) => a?.iw === b?.iw && a?.ib === b?.ib,
      onHover: (cell) => {
        this.hovered = cell;
        this.redraw();
        this.events.onHover?.(cell);
      },
      onPick: (cell) => this.events.onPick?.(cell),
    });
  }

  draw(input: PhaseMapInput): void {
    this.input = input;
    this.redraw();
  }

  // ---- data ↔ pixels (CSS pixels of the WIDTH × HEIGHT drawing) ----

  private ranges(grid: PhaseMapGrid) {
    const hw = halfStep(grid.sw2Min, grid.sw2Max, grid.cellsW);
    const hb = halfStep(grid.sb2Min, grid.sb2Max, grid.cellsB);
    return { x0: grid.sw2Min - hw, x1: grid.sw2Max + hw, y0: grid.sb2Min - hb, y1: grid.sb2Max + hb, hw, hb };
  }

  private px(grid: PhaseMapGrid, sw2: number): number {
    const { x0, x1 } = this.ranges(grid);
    return MARGIN.left + ((sw2 - x0) / (x1 - x0)) * (WIDTH - MARGIN.left - MARGIN.right);
  }

  private py(grid: PhaseMapGrid, sb2: number): number {
    const { y0, y1 } = this.ranges(grid);
    return HEIGHT - MARGIN.bottom - ((sb2 - y0) / (y1 - y0)) * (HEIGHT - MARGIN.top - MARGIN.bottom);
  }

  /** The cell under a pointer event, or undefined outside the plot. */
  private cellAt(x: number, y: number): { iw: number; ib: number } | undefined {
    const input = this.input;
    if (!input) return undefined;
    const { grid } = input;
    const plotW = WIDTH - MARGIN.left - MARGIN.right;
    const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
    const fx = (x - MARGIN.left) / plotW;
    const fy = (HEIGHT - MARGIN.bottom - y) / plotH;
    if (fx < 0 || fx > 1 || fy < 0 || fy > 1) return undefined;
    return {
      iw: Math.min(grid.cellsW - 1, Math.floor(fx * grid.cellsW)),
      ib: Math.min(grid.cellsB - 1, Math.floor(fy * grid.cellsB)),
    };
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
    const { grid, values, scale } = input;
    const cellW = (WIDTH - MARGIN.left - MARGIN.right) / grid.cellsW;
    const cellH = (HEIGHT - MARGIN.top - MARGIN.bottom) / grid.cellsB;
    const hatch = hatchPattern(context);
    let nonFinite = 0;
    for (let ib = 0; ib < grid.cellsB; ib++) {
      for (let iw = 0; iw < grid.cellsW; iw++) {
        const x = MARGIN.left + iw * cellW;
        const y = HEIGHT - MARGIN.bottom - (ib + 1) * cellH;
        const color = phaseColor(scale, values[ib * grid.cellsW + iw]);
        if (!color) nonFinite++;
        fillHeatCell(context, { x, y, width: cellW, height: cellH }, color, hatch);
      }
    }
    this.canvas.dataset.cells = String(grid.cellsW * grid.cellsB);
    this.canvas.dataset.nonFinite = String(nonFinite);
    this.drawLine(context, input);
    this.drawAxes(context, grid);
    this.drawLegend(context, input);
    this.outline(context, grid, input.pinned, '#ffffff', 2.5, 'pinned');
    this.outline(context, grid, this.hovered, '#f0b429', 1.5, 'hovered');
    this.drawMarker(context, input);
  }

  private drawLine(context: CanvasRenderingContext2D, input: PhaseMapInput): void {
    const { grid } = input;
    const left = MARGIN.left;
    const right = WIDTH - MARGIN.right;
    const top = MARGIN.top;
    const bottom = HEIGHT - MARGIN.bottom;
    context.save();
    context.beginPath();
    context.rect(left, top, right - left, bottom - top);
    context.clip();
    let inside = 0;
    for (const [color, width] of [
      ['rgba(255,255,255,0.85)', 5],
      [LINE_COLOR, 2.5],
    ] as const) {
      context.strokeStyle = color;
      context.lineWidth = width;
      context.setLineDash([]);
      context.beginPath();
      let drawing = false;
      inside = 0;
      for (const point of input.line) {
        if (!Number.isFinite(point.sw2)) {
          drawing = false;
          continue;
        }
        const x = this.px(grid, point.sw2);
        const y = this.py(grid, point.sb2);
        if (x >= left && x <= right && y >= top && y <= bottom) inside++;
        if (drawing) context.lineTo(x, y);
        else context.moveTo(x, y);
        drawing = true;
      }
      context.stroke();
    }
    context.restore();
    this.canvas.dataset.linePoints = String(input.line.length);
    this.canvas.dataset.linePointsInside = String(inside);
    // The label at the line's top end inside the window.
    const last = [...input.line].reverse().find((point) => {
      const x = this.px(grid, point.sw2);
      return Number.isFinite(point.sw2) && x >= left && x <= right - 40;
    });
    if (last) {
      context.fillStyle = '#ffffff';
      context.font = '600 12px system-ui, sans-serif';
      context.textAlign = 'left';
      context.textBaseline = 'top';
      context.fillText('χ₁ = 1', this.px(grid, last.sw2) + 6, Math.max(top + 2, this.py(grid, last.sb2)));
    }
  }

  private drawAxes(context: CanvasRenderingContext2D, grid: PhaseMapGrid): void {
    const { x0, x1, y0, y1 } = this.ranges(grid);
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
      const x = this.px(grid, tick);
      context.beginPath();
      context.moveTo(x, bottom);
      context.lineTo(x, bottom + 5);
      context.stroke();
      context.fillText(formatTick(tick), x, bottom + 7);
    }
    context.textAlign = 'right';
    context.textBaseline = 'middle';
    for (const tick of niceTicks(Math.max(0, y0), y1, 6)) {
      if (tick < y0 || tick > y1) continue;
      const y = this.py(grid, tick);
      context.beginPath();
      context.moveTo(left - 5, y);
      context.lineTo(left, y);
      context.stroke();
      context.fillText(formatTick(tick), left - 7, y);
    }
    context.font = '600 12px system-ui, sans-serif';
    context.textAlign = 'center';
    context.textBaseline = 'bottom';
    context.fillText(
      'weight variance σ_w²  (W ~ N(0, σ_w²/n))',
      left + (WIDTH - MARGIN.left - MARGIN.right) / 2,
      HEIGHT - 4,
    );
    context.save();
    context.translate(14, MARGIN.top + (bottom - MARGIN.top) / 2);
    context.rotate(-Math.PI / 2);
    context.textBaseline = 'middle';
    context.fillText('bias variance σ_b²', 0, 0);
    context.restore();
  }

  private drawLegend(context: CanvasRenderingContext2D, input: PhaseMapInput): void {
    const { scale } = input;
    const x = WIDTH - MARGIN.right + 18;
    const top = MARGIN.top + 18;
    const height = HEIGHT - MARGIN.top - MARGIN.bottom - 70;
    const width = 16;
    drawColorBar(
      context,
      { x, y: top, width, height },
      (t) => phaseColor(scale, scale.lo + (scale.hi - scale.lo) * t),
      MUTED,
    );
    context.fillStyle = TEXT;
    context.font = '600 11px system-ui, sans-serif';
    context.textAlign = 'left';
    context.textBaseline = 'bottom';
    context.fillText(input.legendTitle, x - 14, top - 4);
    context.font = '11px system-ui, sans-serif';
    context.textBaseline = 'middle';
    const ticks = input.tickAsPower
      ? [scale.hi, scale.hi / 2, 0, scale.lo / 2, scale.lo]
      : niceTicks(scale.lo, scale.hi, 5);
    for (const tick of ticks) {
      const y = top + ((scale.hi - tick) / (scale.hi - scale.lo || 1)) * height;
      context.fillText(
        input.tickAsPower ? formatTick(Number((10 ** tick).toPrecision(2))) : formatTick(tick),
        x + width + 4,
        y,
      );
    }
    if (input.tickAsPower) {
      context.fillStyle = MUTED;
      context.fillText('chaotic ↑', x - 14, top + height + 12);
      context.fillText('ordered ↓', x - 14, top + height + 26);
    }
    // The swatch of non-finite cells.
    const swatchY = top + height + (input.tickAsPower ? 38 : 14);
    context.fillStyle = NON_FINITE_CSS;
    context.fillRect(x, swatchY, width, 12);
    const hatch = hatchPattern(context);
    if (hatch) {
      context.fillStyle = hatch;
      context.fillRect(x, swatchY, width, 12);
    }
    context.fillStyle = MUTED;
    context.fillText(`not finite (${scale.nonFinite})`, x + width + 4, swatchY + 6);
  }

  private outline(
    context: CanvasRenderingContext2D,
    grid: PhaseMapGrid,
    cell: { iw: number; ib: number } | undefined,
    color: string,
    width: number,
    name: 'pinned' | 'hovered',
  ): void {
    if (name === 'pinned') delete this.canvas.dataset.pinned;
    if (!cell || cell.iw >= grid.cellsW || cell.ib >= grid.cellsB) return;
    const cellW = (WIDTH - MARGIN.left - MARGIN.right) / grid.cellsW;
    const cellH = (HEIGHT - MARGIN.top - MARGIN.bottom) / grid.cellsB;
    const x = MARGIN.left + cell.iw * cellW;
    const y = HEIGHT - MARGIN.bottom - (cell.ib + 1) * cellH;
    context.strokeStyle = '#000000';
    context.lineWidth = width + 2;
    context.strokeRect(x + 1, y + 1, cellW - 2, cellH - 2);
    context.strokeStyle = color;
    context.lineWidth = width;
    context.strokeRect(x + 1, y + 1, cellW - 2, cellH - 2);
    if (name === 'pinned') this.canvas.dataset.pinned = `${cell.iw},${cell.ib}`;
  }

  private drawMarker(context: CanvasRenderingContext2D, input: PhaseMapInput): void {
    delete this.canvas.dataset.markerX;
    delete this.canvas.dataset.markerY;
    const { marker, grid } = input;
    if (!marker) return;
    const x = this.px(grid, marker.sw2);
    const y = this.py(grid, marker.sb2);
    const { x0, x1, y0, y1 } = this.ranges(grid);
    if (marker.sw2 < x0 || marker.sw2 > x1 || marker.sb2 < y0 || marker.sb2 > y1) return;
    context.beginPath();
    context.arc(x, y, 6, 0, 2 * Math.PI);
    context.fillStyle = '#f0b429';
    context.fill();
    context.lineWidth = 2;
    context.strokeStyle = '#000000';
    context.stroke();
    context.font = '600 12px system-ui, sans-serif';
    context.textAlign = x > WIDTH - MARGIN.right - 90 ? 'right' : 'left';
    context.textBaseline = 'bottom';
    const tx = x + (context.textAlign === 'right' ? -9 : 9);
    const ty = Math.max(MARGIN.top + 14, y - 6);
    context.lineWidth = 3;
    context.strokeStyle = '#000000';
    context.strokeText(marker.label, tx, ty);
    context.fillStyle = '#f0b429';
    context.fillText(marker.label, tx, ty);
    this.canvas.dataset.markerX = x.toFixed(1);
    this.canvas.dataset.markerY = y.toFixed(1);
  }
}
