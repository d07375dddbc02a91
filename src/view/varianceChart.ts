// Second moments against depth on a log axis (uPlot): measured E[a²], E[z²], E[δ²], E[(∂L/∂W)²]
// per layer (solid), the 5–95% band across initializations (shaded), and the mean-field theory
// (dashed, same colour) on top. Values that are 0, negative, NaN or ±∞ become gaps (null): a log
// axis cannot show them, and they must never break the chart. Drawing only.

import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { InitStatsResult, LayerStats, QuantityStats } from '../core/stats';

export interface MomentSeries {
  key: 'a' | 'z' | 'delta' | 'dW';
  label: string;
  color: string;
  measured: (number | null)[];
  theory: (number | null)[];
  p5: (number | null)[];
  p95: (number | null)[];
}

const COLORS = { a: '#4f9dde', z: '#b58cf0', delta: '#f0b429', dW: '#4cc38a' } as const;
const LABELS = { a: 'E[a²]', z: 'E[z²]', delta: 'E[δ²]', dW: 'E[(∂L/∂W)²]' } as const;

/** Positive finite numbers pass; everything else (0 on a log axis, NaN, ±∞, null) is a gap. */
export function logValue(x: number | null | undefined): number | null {
  return typeof x === 'number' && Number.isFinite(x) && x > 0 ? x : null;
}

/** Every number as it is (0 and non-finite values kept; only missing ones are null): for the exports. */
export function rawValue(x: number | null | undefined): number | null {
  return typeof x === 'number' ? x : null;
}

/**
 * The four moment series of a result (layers 1..L). `keep` filters each value: logValue (the
 * default) makes what a log axis cannot show a gap; rawValue keeps the numbers for the CSV.
 */
export function momentSeries(result: InitStatsResult, keep = logValue): MomentSeries[] {
  const { config, layers } = result;
  const shiftedBand = (stats: QuantityStats, quantile: number | null): number | null => {
    // initVarianceQuantiles are of each init's variance; adding the pooled mean² puts the band on the
    // second-moment scale of the line (it matters for sigmoid, whose mean is ½).
    if (quantile === null) return null;
    const mean = stats.mean ?? 0;
    return keep(quantile + mean * mean);
  };
  const quantity = (key: 'a' | 'z' | 'delta', theory: (layer: LayerStats) => number | null): MomentSeries => ({
    key,
    label: LABELS[key],
    color: COLORS[key],
    measured: layers.map((layer) => keep(layer[key].meanSquare)),
    theory: layers.map((layer) => keep(theory(layer))),
    p5: layers.map((layer) => shiftedBand(layer[key], layer[key].initVarianceQuantiles.p5)),
    p95: layers.map((layer) => shiftedBand(layer[key], layer[key].initVarianceQuantiles.p95)),
  });
  const weightCount = (layer: LayerStats): number =>
    config.width * (layer.layer === 1 ? config.inputWidth : config.width);
  const normToMoment = (layer: LayerStats, norm: number | null): number | null =>
    norm === null ? null : keep((norm * norm) / weightCount(layer));
  return [
    quantity('a', (layer) => layer.theory.aMeanSquare),
    quantity('z', (layer) => layer.theory.zMeanSquare),
    quantity('delta', (layer) => layer.theory.deltaMeanSquare),
    {
      key: 'dW',
      label: LABELS.dW,
      color: COLORS.dW,
      measured: layers.map((layer) => keep(layer.dW.meanSquare)),
      theory: layers.map((layer) => keep(layer.theory.dWMeanSquare)),
      p5: layers.map((layer) => normToMoment(layer, layer.dW.normQuantiles.p5)),
      p95: layers.map((layer) => normToMoment(layer, layer.dW.normQuantiles.p95)),
    },
  ];
}

function withAlpha(hex: string, alpha: number): string {
  const n = parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}

/**
 * The y range in decades (log10 units) over every positive value, with some air; [-3, 1] when there
 * is none. The chart plots log10 of the moments on a linear axis: uPlot's own log axis walks its
 * decades with a rounding table that ends near 1e-16, and a vanishing δ² of 1e-55 (depth 200)
 * froze the page for 15 s in its tick loop.
 */
export function logRange(series: readonly MomentSeries[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of series) {
    for (const list of [s.measured, s.theory, s.p5, s.p95]) {
      for (const v of list) {
        if (v === null || !(v > 0)) continue;
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    }
  }
  if (!(lo <= hi)) return [-3, 1];
  return [Math.floor(Math.log10(lo) - 0.3) + 0, Math.ceil(Math.log10(hi) + 0.3) + 0]; // + 0: no −0
}

/** Whole decades in [lo, hi], at most ~8 of them (every k-th), for the y ticks and grid. */
export function decadeSplits(lo: number, hi: number): number[] {
  const first = Math.ceil(lo);
  const last = Math.floor(hi);
  const stride = Math.max(1, Math.ceil((last - first + 1) / 8));
  const splits: number[] = [];
  for (let k = Math.ceil(first / stride) * stride; k <= last; k += stride) splits.push(k);
  return splits;
}

const log10OrNull = (v: number | null): number | null => (v === null ? null : Math.log10(v));

const AXIS = { stroke: '#9aa6bf', grid: { stroke: '#26314a', width: 1 }, ticks: { stroke: '#26314a', width: 1 } };

export class VarianceChart {
  private plot: uPlot | undefined;
  private readonly plotHost: HTMLElement;
  private readonly legend: HTMLElement;
  private readonly readout: HTMLElement;
  private readonly resizeObserver: ResizeObserver;
  private series: MomentSeries[] = [];
  private layers: number[] = [];

  constructor(
    private readonly container: HTMLElement,
    private readonly onHoverLayer: (layer: number | null) => void = () => {},
  ) {
    this.legend = document.createElement('div');
    this.legend.className = 'chart-legend';
    this.legend.style.cssText =
      'display:flex;flex-wrap:wrap;gap:0.3rem 1rem;font-size:0.8rem;color:#9aa6bf;margin-bottom:0.3rem';
    this.plotHost = document.createElement('div');
    this.readout = document.createElement('div');
    this.readout.className = 'chart-readout';
    this.readout.style.cssText = 'font-size:0.78rem;color:#9aa6bf;min-height:1.2em;font-family:ui-monospace,monospace';
    container.append(this.legend, this.plotHost, this.readout);
    this.resizeObserver = new ResizeObserver(() => this.plot?.setSize(this.size()));
    this.resizeObserver.observe(container);
  }

  private size(): { width: number; height: number } {
    return { width: Math.max(240, this.container.clientWidth), height: 250 };
  }

  /** The chart's canvas (axes, lines, bands; the legend is HTML), once it has data. */
  get canvas(): HTMLCanvasElement | undefined {
    return this.plot?.ctx.canvas;
  }

  update(series: MomentSeries[]): void {
    this.series = series;
    const L = series[0]?.measured.length ?? 0;
    this.layers = Array.from({ length: L }, (_, i) => i + 1);
    // Column order: per moment: measured, theory, p5, p95.
    const data: (number | null)[][] = [this.layers];
    for (const s of series) data.push(...[s.measured, s.theory, s.p5, s.p95].map((list) => list.map(log10OrNull)));
    this.plot ??= this.create(series);
    this.plot.setData(data as uPlot.AlignedData); // rescales through the range functions below
    this.drawLegend();
  }

  private create(series: MomentSeries[]): uPlot {
    const uSeries: uPlot.Series[] = [{ label: 'layer' }];
    const bands: uPlot.Band[] = [];
    series.forEach((s, i) => {
      const base = 1 + 4 * i;
      uSeries.push(
        { label: `${s.label} measured`, stroke: s.color, width: 2, points: { show: true, size: 5, fill: s.color } },
        { label: `${s.label} theory`, stroke: s.color, width: 1.5, dash: [6, 4], points: { show: false } },
        { label: `${s.label} p5`, stroke: 'transparent', width: 0, points: { show: false } },
        { label: `${s.label} p95`, stroke: 'transparent', width: 0, points: { show: false } },
      );
      bands.push({ series: [base + 3, base + 2], fill: withAlpha(s.color, 0.16) });
    });
    const opts: uPlot.Options = {
      ...this.size(),
      legend: { show: false },
      cursor: { drag: { x: false, y: false }, points: { show: false } },
      scales: {
        x: { time: false, range: () => [0.8, Math.max(1, this.layers.length) + 0.2] },
        y: { range: () => logRange(this.series) },
      },
      axes: [
        {
          ...AXIS,
          label: 'layer l',
          labelSize: 18,
          incrs: [1, 2, 5, 10, 20, 50, 100],
          values: (_u, splits) => splits.map((v) => (Number.isInteger(v) ? String(v) : '')),
        },
        {
          ...AXIS,
          label: 'second moment (log scale)',
          labelSize: 18,
          size: 62,
          splits: (_u, _axis, min, max) => decadeSplits(min, max),
          values: (_u, splits) => splits.map((k) => `1e${k}`),
        },
      ],
      series: uSeries,
      bands,
      hooks: {
        setCursor: [
          (u) => {
            const idx = u.cursor.idx;
            if (idx === null || idx === undefined) {
              this.readout.textContent = '';
              this.onHoverLayer(null);
              return;
            }
            this.showReadout(idx);
            this.onHoverLayer(idx + 1);
          },
        ],
      },
    };
    return new uPlot(opts, [[]], this.plotHost);
  }

  private showReadout(index: number): void {
    const format = (v: number | null): string => (v === null ? '—' : v.toPrecision(3));
    const parts = this.series.map((s) => `${s.label} ${format(s.measured[index])} (theory ${format(s.theory[index])})`);
    this.readout.textContent = `layer ${index + 1}: ${parts.join(' · ')}`;
  }

  private drawLegend(): void {
    const entries: string[] = this.series.map((s) => {
      const gaps = s.measured.filter((v) => v === null).length;
      const why =
        gaps === s.measured.length
          ? 'all values 0 or not finite: nothing to draw on a log axis'
          : `${gaps} gap${gaps > 1 ? 's' : ''}: 0 or not finite`;
      const note = gaps > 0 ? ` <span style="color:#ef5d5d">(${why})</span>` : '';
      return `<span><b style="color:${s.color}">━</b> ${s.label}${note}</span>`;
    });
    const bandSwatch = '<span style="background:rgba(230,235,245,0.16);padding:0 0.4em">band</span>';
    entries.push(`<span>━ measured · <b>╌</b> mean-field theory · ${bandSwatch} 5–95% over initializations</span>`);
    this.legend.innerHTML = entries.join('');
  }

  destroy(): void {
    this.resizeObserver.disconnect();
    this.plot?.destroy();
    this.plot = undefined;
    this.container.replaceChildren();
  }
}
