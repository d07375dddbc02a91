// The regularization path w*(λ) (uPlot): both coordinates of the L1 and L2 minimizers against λ on a
// log axis, with the current λ as a vertical line. L1 coordinates hit exactly 0 at finite λ; L2
// coordinates only shrink towards 0. Drawing only.

import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { RegularizationPathPoint } from '../core/regPath';

export const L1_COLOR = '#ff9f43';
export const L2_COLOR = '#48dbfb';

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
        { label: 'L1: w1', stroke: L1_COLOR, width: 2 },
        { label: 'L1: w2', stroke: L1_COLOR, width: 2, dash: [5, 4] },
        { label: 'L2: w1', stroke: L2_COLOR, width: 2 },
        { label: 'L2: w2', stroke: L2_COLOR, width: 2, dash: [5, 4] },
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
