// The Training explorer's charts, drawing only: the loss and accuracy bands across copies (uPlot,
// median line and 10–90% band per series), the histogram of all copies' weights and one copy's
// decision boundary σ(z) on the grid with the data points on top (canvas 2D).

import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { DEFAULT_INPUT_WINDOW } from '../core/decisionGrid';
import type { TrainingData } from '../core/trainingData';
import type { TrainingCheckpoint } from '../core/trainStats';

export const CLASS_COLORS = ['#48dbfb', '#ff9f43'];
export const TRAIN_COLOR = '#4f9dde';
export const TEST_COLOR = '#ff9f43';
export const TARGET_COLOR = '#4cc38a';
const AXIS = { stroke: '#9aa6bf', grid: { stroke: '#26314a', width: 1 }, ticks: { stroke: '#26314a', width: 1 } };

/** A number for a caption: 3 significant digits, exponent for the very large or small, '–' when missing. */
export function format(value: number | null | undefined, digits = 3): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  return Math.abs(value) >= 1e4 || (value !== 0 && Math.abs(value) < 1e-3)
    ? value.toExponential(2)
    : String(Number(value.toPrecision(digits)));
}

/** One band chart: median line and 10–90% band per series (uPlot `bands`), steps on x. */
export class BandChart {
  private plot: uPlot | undefined;
  private readonly observer: ResizeObserver;

  constructor(
    private readonly host: HTMLElement,
    private readonly yLabel: string,
    private readonly series: Array<{ label: string; color: string; band: boolean }>,
  ) {
    this.observer = new ResizeObserver(() => this.plot?.setSize(this.size()));
    this.observer.observe(host);
  }

  private size() {
    return { width: Math.max(260, this.host.clientWidth), height: 210 };
  }

  /** columns: x, then per series p50 (and p10, p90 when banded). */
  update(columns: Array<Array<number | null>>): void {
    const data = columns as uPlot.AlignedData;
    if (this.plot) {
      this.plot.setData(data);
      return;
    }
    const series: uPlot.Series[] = [{ label: 'step' }];
    const bands: uPlot.Band[] = [];
    for (const spec of this.series) {
      series.push({ label: spec.band ? `${spec.label} (median)` : spec.label, stroke: spec.color, width: 2 });
      if (spec.band) {
        series.push({ label: `${spec.label} p10`, stroke: `${spec.color}55`, width: 1 });
        series.push({ label: `${spec.label} p90`, stroke: `${spec.color}55`, width: 1 });
        bands.push({ series: [series.length - 1, series.length - 2], fill: `${spec.color}33` });
      }
    }
    this.plot = new uPlot(
      {
        ...this.size(),
        legend: { show: true, live: false },
        cursor: { drag: { x: false, y: false } },
        scales: { x: { time: false } },
        axes: [
          { ...AXIS, label: 'step' },
          { ...AXIS, label: this.yLabel },
        ],
        series,
        bands,
      },
      data,
      this.host,
    );
  }

  /** The chart's canvas (axes and lines; the legend is HTML), once it has data. */
  get canvas(): HTMLCanvasElement | undefined {
    return this.plot?.ctx.canvas;
  }

  destroy(): void {
    this.observer.disconnect();
    this.plot?.destroy();
  }
}

/** The weights' histogram (all copies, biases excluded) with the share of exact zeros. */
export function drawHistogram(canvas: HTMLCanvasElement, checkpoint: TrainingCheckpoint): void {
  const context = canvas.getContext('2d');
  if (!context) return;
  const { width, height } = canvas;
  context.fillStyle = '#0b0f18';
  context.fillRect(0, 0, width, height);
  const { counts, lo, hi } = checkpoint.weights.histogram;
  const peak = Math.max(1, ...counts);
  const barWidth = width / counts.length;
  context.fillStyle = TRAIN_COLOR;
  counts.forEach((count, bin) => {
    const barHeight = (count / peak) * (height - 20);
    context.fillRect(bin * barWidth + 0.5, height - 14 - barHeight, Math.max(1, barWidth - 1), barHeight);
  });
  context.fillStyle = '#9aa6bf';
  context.font = '11px system-ui';
  context.fillText(format(lo), 2, height - 2);
  context.fillText('0', width / 2 - 3, height - 2);
  context.fillText(format(hi), width - 40, height - 2);
}

/** σ(z) of one copy on the G×G grid (x1 rows from the bottom), the points on top (test hollow). */
export function drawBoundary(
  canvas: HTMLCanvasElement,
  probabilities: ArrayLike<number>,
  G: number,
  data: TrainingData,
): void {
  const context = canvas.getContext('2d');
  if (!context) return;
  const image = context.createImageData(G, G);
  for (let j = 0; j < G; j++) {
    for (let i = 0; i < G; i++) {
      const p = probabilities[j * G + i];
      const row = G - 1 - j;
      const at = 4 * (row * G + i);
      const t = Number.isFinite(p) ? p : 0.5;
      // Blue (class 0) to orange (class 1), darker near the boundary σ = 0.5.
      const strength = Math.abs(2 * t - 1);
      image.data[at] = t > 0.5 ? 60 + 150 * strength : 30;
      image.data[at + 1] = 40 + 60 * strength;
      image.data[at + 2] = t > 0.5 ? 30 : 60 + 150 * strength;
      image.data[at + 3] = 255;
    }
  }
  const scratch = document.createElement('canvas');
  scratch.width = G;
  scratch.height = G;
  scratch.getContext('2d')?.putImageData(image, 0, 0);
  context.imageSmoothingEnabled = true;
  context.drawImage(scratch, 0, 0, canvas.width, canvas.height);
  const window = DEFAULT_INPUT_WINDOW;
  const toX = (x0: number) => ((x0 - window.x0Min) / (window.x0Max - window.x0Min)) * canvas.width;
  const toY = (x1: number) => (1 - (x1 - window.x1Min) / (window.x1Max - window.x1Min)) * canvas.height;
  const count = data.trainCount + data.testCount;
  for (let n = 0; n < count; n++) {
    context.beginPath();
    context.arc(toX(data.inputs[2 * n]), toY(data.inputs[2 * n + 1]), 3, 0, 2 * Math.PI);
    const color = CLASS_COLORS[data.labels[n]];
    if (n < data.trainCount) {
      context.fillStyle = color;
      context.fill();
      context.strokeStyle = '#0b0f18';
    } else context.strokeStyle = color;
    context.stroke();
  }
}
