// The regularization path w*(λ) (uPlot): both coordinates of the L1 and L2 minimizers against λ on a
// log axis, with the current λ as a vertical line. L1 coordinates hit exactly 0 at finite λ; L2
// coordinates only shrink towards 0. Drawing only.

import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { RegularizationPathPoint } from '../core/regPath';

export const L1_COLOR = '#ff9f43';
export const L2_COLOR = '#48dbfb';

/** The page's panel background, under an exported chart (the chart's own canvas is transparent). */
const BACKGROUND = '#161d2d';

/** The four curves: solid w1*, dashed w2*, per penalty. */
const SERIES: ReadonlyArray<{ label: string; color: string; dash?: number[] }> = [
  { label: 'L1: w1', color: L1_COLOR },
  { label: 'L1: w2', color: L1_COLOR, dash: [5, 4] },
  { label: 'L2: w1', color: L2_COLOR },
  { label: 'L2: w2', color: L2_COLOR, dash: [5, 4] },
];

const AXIS = { stroke: '#9aa6bf', grid: { stroke: '#26314a', width: 1 }, ticks: { stroke: '#26314a', width: 1 } };

function isDecade(v: number): boolean {
  return v > 0 && Math.abs(Math.log10(v) - Math.round(Math.log10(v))) < 1e-6;
}

export class RegPathChart {
  private plot: uPlot | undefined;
  private readonly host: HTMLElement;
  private readonly resizeObserver: ResizeObserver;
  private lambda = 0;

  constructor(private readonly container: HTMLElement) {
    this.host = document.createElement('div');
    container.append(this.host);
    this.resizeObserver = new ResizeObserver(() => this.plot?.setSize(this.size()));
    this.resizeObserver.observe(container);
  }

  private size(): { width: number; height: number } {
    return { width: Math.max(260, this.container.clientWidth), height: 230 };
  }

  update(points: readonly RegularizationPathPoint[], lambda: number): void {
    this.lambda = lambda;
    const data: uPlot.AlignedData = [
      points.map((point) => point.lambda),
      points.map((point) => point.l1[0]),
      points.map((point) => point.l1[1]),
      points.map((point) => point.l2[0]),
      points.map((point) => point.l2[1]),
    ];
    if (!this.plot) this.create(data);
    else this.plot.setData(data);
  }

  /**
   * The chart on the page's background with its legend drawn under it (uPlot's legend is HTML), on one
   * canvas (a PNG export); undefined before the first path.
   */
  snapshot(): HTMLCanvasElement | undefined {
    const chart = this.plot?.ctx.canvas;
    if (!chart) return undefined;
    const ratio = chart.width / Math.max(1, chart.clientWidth || chart.width);
    const legend = 28 * ratio;
    const canvas = document.createElement('canvas');
    canvas.width = chart.width;
    canvas.height = chart.height + legend;
    const context = canvas.getContext('2d');
    if (!context) return canvas;
    context.fillStyle = BACKGROUND;
    context.fillRect(0, 0, canvas.width, canvas.height);
    context.drawImage(chart, 0, 0);
    context.font = `${12 * ratio}px system-ui, sans-serif`;
    context.textBaseline = 'middle';
    const y = chart.height + legend / 2;
    let x = 48 * ratio;
    for (const { label, color, dash } of SERIES) {
      context.strokeStyle = color;
      context.lineWidth = 2 * ratio;
      context.setLineDash(dash ? dash.map((d) => d * ratio) : []);
      context.beginPath();
      context.moveTo(x, y);
      context.lineTo(x + 22 * ratio, y);
      context.stroke();
      context.fillStyle = AXIS.stroke;
      context.fillText(label, x + 28 * ratio, y);
      x += 28 * ratio + context.measureText(label).width + 22 * ratio;
    }
    return canvas;
  }

  /** Moves the current-λ line without new data. */
  setLambda(lambda: number): void {
    this.lambda = lambda;
    this.plot?.redraw(false, false);
  }

  private create(data: uPlot.AlignedData): void {
    const opts: uPlot.Options = {
      ...this.size(),
      legend: { show: true, live: false },
      cursor: { drag: { x: false, y: false } },
      scales: { x: { distr: 3, time: false }, y: { auto: true } },
      axes: [
        {
          ...AXIS,
          label: 'λ (log scale)',
          labelSize: 18,
          values: (_u, splits) => splits.map((v) => (isDecade(v) ? `1e${Math.round(Math.log10(v))}` : '')),
        },
        { ...AXIS, label: 'minimizer w*(λ)', labelSize: 18, size: 46 },
      ],
      series: [
        { label: 'λ' },
        ...SERIES.map(({ label, color, dash }) => ({ label, stroke: color, width: 2, ...(dash ? { dash } : {}) })),
      ],
      hooks: {
        draw: [
          (u) => {
            const context = u.ctx;
            context.save();
            // y = 0: where L1 coordinates land and stay.
            const y0 = u.valToPos(0, 'y', true);
            context.strokeStyle = 'rgba(230, 235, 245, 0.5)';
            context.lineWidth = 1;
            context.beginPath();
            context.moveTo(u.bbox.left, y0);
            context.lineTo(u.bbox.left + u.bbox.width, y0);
            context.stroke();
            // The current λ (a λ of 0 sits off the log axis).
            if (this.lambda > 0) {
              const x = u.valToPos(this.lambda, 'x', true);
              context.strokeStyle = '#f0b429';
              context.setLineDash([4, 3]);
              context.beginPath();
              context.moveTo(x, u.bbox.top);
              context.lineTo(x, u.bbox.top + u.bbox.height);
              context.stroke();
              context.setLineDash([]);
              context.fillStyle = '#f0b429';
              context.font = `${11 * devicePixelRatio}px system-ui, sans-serif`;
              context.fillText(`λ = ${Number(this.lambda.toPrecision(3))}`, x + 4, u.bbox.top + 12 * devicePixelRatio);
            }
            context.restore();
          },
        ],
      },
    };
    this.plot = new uPlot(opts, data, this.host);
  }

  destroy(): void {
    this.resizeObserver.disconnect();
    this.plot?.destroy();
    this.host.remove();
  }
}
