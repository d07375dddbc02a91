// The per-layer charts of one phase-diagram cell, drawing only: q^l, c^l and E[δ²]^l against the layer, measured
// (solid, points) beside the mean-field theory (dashed), in uPlot (q and δ² on a log axis: log10 of the values on
// a linear axis, as view/varianceChart.ts does); and the C-map on a canvas 2D: the theory's map c ↦ c' at q*, the
// identity (where the fixed points c* lie), and the measured steps (c^{l−1}, c^l) as a cobweb.

import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { decadeSplits } from './varianceChart';

const AXIS = { stroke: '#9aa6bf', grid: { stroke: '#26314a', width: 1 }, ticks: { stroke: '#26314a', width: 1 } };
export const MEASURED_COLOR = '#4f9dde';
export const THEORY_COLOR = '#f0b429';

/** log10 of a positive finite value, else null (a gap on a log axis). */
const logOrNull = (value: number): number | null => (value > 0 && Number.isFinite(value) ? Math.log10(value) : null);
const finiteOrNull = (value: number): number | null => (Number.isFinite(value) ? value : null);

/** The y range of a chart's columns with some air; [lo, hi] of `fallback` when nothing is finite. */
export function chartRange(columns: ReadonlyArray<ReadonlyArray<number | null>>, log: boolean): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const column of columns) {
    for (const value of column) {
      if (value === null) continue;
      lo = Math.min(lo, value);
      hi = Math.max(hi, value);
    }
  }
  if (!(lo <= hi)) return log ? [-3, 1] : [0, 1];
  if (log) return [Math.floor(lo - 0.2) + 0, Math.ceil(hi + 0.2) + 0];
  const air = Math.max(0.02, (hi - lo) * 0.08);
  return [lo - air, hi + air];
}

/** One per-layer chart: measured and theory of one quantity. */
export class LayerChart {
  private plot: uPlot | undefined;
  private readonly observer: ResizeObserver;
  private columns: Array<Array<number | null>> = [];

  constructor(
    private readonly host: HTMLElement,
    private readonly label: string,
    private readonly log: boolean,
  ) {
    this.observer = new ResizeObserver(() => this.plot?.setSize(this.size()));
    this.observer.observe(host);
  }

  private size() {
    return { width: Math.max(220, this.host.clientWidth), height: 190 };
  }

  update(measured: readonly number[], theory: readonly number[]): void {
    const transform = this.log ? logOrNull : finiteOrNull;
    const layers = measured.map((_, index) => index + 1);
    this.columns = [layers, measured.map(transform), theory.map(transform)];
    const data = this.columns as uPlot.AlignedData;
    if (this.plot) {
      this.plot.setData(data);
      return;
    }
    this.plot = new uPlot(
      {
        ...this.size(),
        legend: { show: true, live: false },
        cursor: { drag: { x: false, y: false } },
        scales: {
          x: { time: false, range: () => [0.8, Math.max(1, this.columns[0]?.length ?? 1) + 0.2] },
          y: { range: () => chartRange(this.columns.slice(1), this.log) },
        },
        axes: [
          {
            ...AXIS,
            label: 'layer l',
            labelSize: 16,
            values: (_u, splits) => splits.map((v) => (Number.isInteger(v) ? String(v) : '')),
          },
          this.log
            ? {
                ...AXIS,
                label: `${this.label} (log)`,
                labelSize: 16,
                size: 52,
                splits: (_u, _axis, min, max) => decadeSplits(min, max),
                values: (_u, splits) => splits.map((k) => `1e${k}`),
              }
            : { ...AXIS, label: this.label, labelSize: 16, size: 52 },
        ],
        series: [
          { label: 'layer' },
          {
            label: 'measured',
            stroke: MEASURED_COLOR,
            width: 2,
            points: { show: true, size: 5, fill: MEASURED_COLOR },
          },
          { label: 'theory', stroke: THEORY_COLOR, width: 1.5, dash: [6, 4], points: { show: false } },
        ],
      },
      data,
      this.host,
    );
  }

  get canvas(): HTMLCanvasElement | undefined {
    return this.plot?.ctx.canvas;
  }

  destroy(): void {
    this.observer.disconnect();
    this.plot?.destroy();
  }
}

export interface CorrelationMapInput {
  /** The theory's map at q*: points (c, c'). */
  curve: ReadonlyArray<readonly [number, number]>;
  /** Measured steps (c^{l−1}, c^l), l = 2 … L (c^0 = c₀ first). */
  steps: ReadonlyArray<readonly [number, number]>;
  /** Lower end of both axes (−1 or 0); the upper end is 1. */
  lo: number;
}

const MAP_SIZE = 320;
const MAP_MARGIN = { left: 44, right: 12, top: 12, bottom: 38 };

/** The C-map on a canvas: map curve, identity, cobweb of the measured steps. */
export function drawCorrelationMap(canvas: HTMLCanvasElement, input: CorrelationMapInput): void {
  const ratio = Math.min(2, globalThis.devicePixelRatio || 1);
  canvas.width = MAP_SIZE * ratio;
  canvas.height = MAP_SIZE * ratio;
  const context = canvas.getContext('2d');
  if (!context) return;
  context.setTransform(ratio, 0, 0, ratio, 0, 0);
  context.fillStyle = '#0b0f18';
  context.fillRect(0, 0, MAP_SIZE, MAP_SIZE);
  const plot = MAP_SIZE - MAP_MARGIN.left - MAP_MARGIN.right;
  const plotH = MAP_SIZE - MAP_MARGIN.top - MAP_MARGIN.bottom;
  const { lo } = input;
  const clamp = (c: number) => Math.min(1, Math.max(lo, c));
  const x = (c: number) => MAP_MARGIN.left + ((clamp(c) - lo) / (1 - lo)) * plot;
  const y = (c: number) => MAP_SIZE - MAP_MARGIN.bottom - ((clamp(c) - lo) / (1 - lo)) * plotH;
  // Frame, ticks, labels.
  context.strokeStyle = '#26314a';
  context.fillStyle = '#c9d1e3';
  context.font = '11px system-ui, sans-serif';
  const ticks = lo < 0 ? [-1, -0.5, 0, 0.5, 1] : [0, 0.25, 0.5, 0.75, 1];
  for (const tick of ticks) {
    context.beginPath();
    context.moveTo(x(tick), MAP_MARGIN.top);
    context.lineTo(x(tick), MAP_SIZE - MAP_MARGIN.bottom);
    context.moveTo(MAP_MARGIN.left, y(tick));
    context.lineTo(MAP_SIZE - MAP_MARGIN.right, y(tick));
    context.stroke();
    context.textAlign = 'center';
    context.textBaseline = 'top';
    context.fillText(String(tick), x(tick), MAP_SIZE - MAP_MARGIN.bottom + 4);
    context.textAlign = 'right';
    context.textBaseline = 'middle';
    context.fillText(String(tick), MAP_MARGIN.left - 5, y(tick));
  }
  context.font = '600 12px system-ui, sans-serif';
  context.textAlign = 'center';
  context.textBaseline = 'bottom';
  context.fillText('c^(l−1)', MAP_MARGIN.left + plot / 2, MAP_SIZE - 4);
  context.save();
  context.translate(12, MAP_MARGIN.top + plotH / 2);
  context.rotate(-Math.PI / 2);
  context.textBaseline = 'middle';
  context.fillText('c^l', 0, 0);
  context.restore();
  // The identity: where c' = c (fixed points).
  context.strokeStyle = '#9aa6bf';
  context.setLineDash([3, 3]);
  context.lineWidth = 1;
  context.beginPath();
  context.moveTo(x(lo), y(lo));
  context.lineTo(x(1), y(1));
  context.stroke();
  context.setLineDash([]);
  // The theory's map.
  context.strokeStyle = THEORY_COLOR;
  context.lineWidth = 2;
  context.beginPath();
  input.curve.forEach(([c, next], index) => {
    if (index === 0) context.moveTo(x(c), y(next));
    else context.lineTo(x(c), y(next));
  });
  context.stroke();
  // The cobweb: (c^{l−1}, c^{l−1}) → (c^{l−1}, c^l) → (c^l, c^l).
  const steps = input.steps.filter(([a, b]) => Number.isFinite(a) && Number.isFinite(b));
  context.strokeStyle = MEASURED_COLOR;
  context.lineWidth = 1.5;
  context.beginPath();
  steps.forEach(([previous, next], index) => {
    if (index === 0) context.moveTo(x(previous), y(previous));
    context.lineTo(x(previous), y(next));
    context.lineTo(x(next), y(next));
  });
  context.stroke();
  context.fillStyle = MEASURED_COLOR;
  for (const [previous, next] of steps) {
    context.beginPath();
    context.arc(x(previous), y(next), 2.5, 0, 2 * Math.PI);
    context.fill();
  }
  canvas.dataset.steps = String(steps.length);
  canvas.dataset.curvePoints = String(input.curve.length);
}
