// The Training explorer's panels, each with its exports: the loss and accuracy bands across copies
// (CSV of the series), one copy's decision boundary (JSON of the grid), the weights of all copies
// (JSON of the histogram) and the chosen copy's network (JSON of its parameters). Drawing is
// view/'s (trainingCharts, networkDiagram); this file places, captions and exports.

import { DEFAULT_INPUT_WINDOW } from '../core/decisionGrid';
import type { TrainConfig } from '../core/trainConfig';
import type { TrainingData } from '../core/trainingData';
import { trainLayout } from '../core/trainLayout';
import { METRICS_PER_COPY, Metric } from '../core/trainMetrics';
import { type Band, identicalHiddenUnits, type TrainingCheckpoint } from '../core/trainStats';
import { drawNetworkDiagram, networkLegend } from '../view/networkDiagram';
import {
  BandChart,
  drawBoundary,
  drawHistogram,
  format,
  TARGET_COLOR,
  TEST_COLOR,
  TRAIN_COLOR,
} from '../view/trainingCharts';
import { element, row } from './kit/dom';
import { toCsv } from './kit/exports';
import type { ExplorerFrame } from './kit/frame';

type BandOf = (checkpoint: TrainingCheckpoint) => Band;

const LOSS_SERIES: ReadonlyArray<[string, BandOf]> = [
  ['train', (c) => c.trainLoss],
  ['test', (c) => c.testLoss],
];
const ACCURACY_SERIES: ReadonlyArray<[string, BandOf]> = [
  ['train', (c) => c.trainAccuracy],
  ['test', (c) => c.testAccuracy],
];

/** uPlot columns: step, then median, p10, p90 per band. */
function bandColumns(history: readonly TrainingCheckpoint[], bands: ReadonlyArray<[string, BandOf]>) {
  const columns: Array<Array<number | null>> = [history.map((c) => c.step)];
  for (const [, get] of bands) {
    columns.push(
      history.map((c) => get(c).p50),
      history.map((c) => get(c).p10),
      history.map((c) => get(c).p90),
    );
  }
  return columns;
}

/** CSV of the bands: step, then <name>_p10, <name>_p50, <name>_p90 per band, then extra columns. */
function bandCsv(
  history: readonly TrainingCheckpoint[],
  bands: ReadonlyArray<[string, BandOf]>,
  extra: ReadonlyArray<[string, (c: TrainingCheckpoint) => number]> = [],
): string {
  const header = ['step', ...bands.flatMap(([name]) => [`${name}_p10`, `${name}_p50`, `${name}_p90`])];
  header.push(...extra.map(([name]) => name));
  const rows = history.map((c) => [
    c.step,
    ...bands.flatMap(([, get]) => [get(c).p10, get(c).p50, get(c).p90]),
    ...extra.map(([, get]) => get(c)),
  ]);
  return toCsv(header, rows);
}

/** One copy's boundary as last drawn, for its JSON. */
interface ShownBoundary {
  copy: number;
  choice: string;
  G: number;
  probabilities: Float32Array;
}

export class TrainingPanels {
  private readonly lossChart: BandChart;
  private readonly accuracyChart: BandChart;
  private readonly boundaryCanvas = element('canvas', { width: '360', height: '360', id: 'training-boundary-canvas' });
  private readonly boundaryCaption = element('p', { class: 'caption' });
  private readonly histogramCanvas = element('canvas', { width: '420', height: '200' });
  private readonly histogramCaption = element('p', { class: 'caption', id: 'training-weights-caption' });
  private readonly networkCanvas = element('canvas', { width: '560', height: '300', id: 'training-network-canvas' });
  private readonly networkCaption = element('p', { class: 'caption', id: 'training-network-caption' });
  private readonly networkLegendLine = element('p', { class: 'caption' });
  private history: readonly TrainingCheckpoint[] = [];
  private boundary: ShownBoundary | undefined;
  private network: { copy: number; step: number; config: TrainConfig; params: Float32Array } | undefined;

  constructor(frame: ExplorerFrame) {
    const loss = frame.panel('Loss (cross-entropy) across copies', 'training-loss', {
      name: 'training-loss',
      png: () => this.lossChart.canvas,
      csv: () => (this.history.length ? bandCsv(this.history, LOSS_SERIES) : undefined),
    });
    const accuracy = frame.panel('Accuracy across copies', 'training-accuracy', {
      name: 'training-accuracy',
      png: () => this.accuracyChart.canvas,
      csv: () =>
        this.history.length
          ? bandCsv(this.history, ACCURACY_SERIES, [['share_above_target', (c) => c.aboveTarget]])
          : undefined,
    });
    const boundary = frame.panel('Decision boundary of one copy', 'training-boundary', {
      name: 'training-boundary',
      png: () => (this.boundary ? this.boundaryCanvas : undefined),
      json: () =>
        this.boundary && { ...this.boundary, window: DEFAULT_INPUT_WINDOW, layout: 'row j·G + i, x0 along i' },
    });
    const weights = frame.panel('Weights of all copies', 'training-weights', {
      name: 'training-weights',
      png: () => (this.history.length ? this.histogramCanvas : undefined),
      json: () => this.history.at(-1)?.weights,
    });
    const network = frame.panel('Network of the chosen copy', 'training-network', {
      name: 'training-network',
      png: () => (this.network ? this.networkCanvas : undefined),
      json: () => this.network && { ...this.network, layout: trainLayout(this.network.config.hidden) },
    });
    this.networkCanvas.style.maxWidth = '100%';
    this.networkCanvas.style.height = 'auto';
    boundary.body.append(this.boundaryCanvas, this.boundaryCaption);
    weights.body.append(this.histogramCanvas, this.histogramCaption);
    network.body.append(this.networkCanvas, this.networkCaption, this.networkLegendLine);
    frame.main.append(row(loss, accuracy), row(boundary, weights), row(network));
    this.lossChart = new BandChart(loss.body, 'loss', [
      { label: 'train', color: TRAIN_COLOR, band: true },
      { label: 'test', color: TEST_COLOR, band: true },
    ]);
    this.accuracyChart = new BandChart(accuracy.body, 'accuracy', [
      { label: 'train', color: TRAIN_COLOR, band: true },
      { label: 'test', color: TEST_COLOR, band: true },
      { label: 'share ≥ target', color: TARGET_COLOR, band: false },
    ]);
  }

  /** The bands up to the latest checkpoint, and the weights histogram of the latest. */
  drawHistory(history: readonly TrainingCheckpoint[]): void {
    this.history = history;
    const last = history.at(-1);
    if (!last) return;
    this.lossChart.update(bandColumns(history, LOSS_SERIES));
    const accuracy = bandColumns(history, ACCURACY_SERIES);
    accuracy.push(history.map((c) => c.aboveTarget));
    this.accuracyChart.update(accuracy);
    drawHistogram(this.histogramCanvas, last);
    const w = last.weights;
    this.histogramCaption.textContent =
      `exact zeros ${format(100 * w.zeroShare)}% · std ${format(w.std)} · max |w| ${format(w.maxAbs)}` +
      (w.nonFinite > 0 ? ` · non-finite ${w.nonFinite}` : '');
  }

  /** Every copy diverged: nothing to pick. */
  drawNoCopy(): void {
    this.boundary = undefined;
    this.network = undefined;
    this.boundaryCaption.textContent = 'every copy diverged: no boundary to draw';
    this.networkCaption.textContent = 'every copy diverged: no network to draw';
  }

  drawBoundary(shown: ShownBoundary, data: TrainingData, metrics: Float64Array): void {
    this.boundary = shown;
    drawBoundary(this.boundaryCanvas, shown.probabilities, shown.G, data);
    const at = METRICS_PER_COPY * shown.copy;
    this.boundaryCaption.textContent =
      `copy ${shown.copy} (${shown.choice}): test accuracy ${format(metrics[at + Metric.testAccuracy])}, ` +
      `test loss ${format(metrics[at + Metric.testLoss])}; filled: training points, rings: test points`;
  }

  /** The copy's network from all copies' parameters (K·P) at `step`. */
  drawNetwork(copy: number, step: number, config: TrainConfig, allParams: Float32Array): void {
    const layout = trainLayout(config.hidden);
    // A knob changed and the new run has not started yet: these parameters are the old network's.
    if (allParams.length !== config.copies * layout.paramCount) return;
    const params = allParams.slice(copy * layout.paramCount, (copy + 1) * layout.paramCount);
    this.network = { copy, step, config, params };
    const scale = drawNetworkDiagram(this.networkCanvas, layout, params);
    this.networkLegendLine.textContent = networkLegend(scale);
    const identical = identicalHiddenUnits(layout, params);
    const symmetric = identical.every(Boolean) && config.hidden.some((width) => width > 1);
    const sameLayers = identical.flatMap((same, l) => (same ? [l + 1] : []));
    const partly =
      sameLayers.length > 0 && config.hidden.length > 1 ? ` (identical within layer ${sameLayers.join(', ')})` : '';
    this.networkCaption.textContent =
      `copy ${copy} at step ${step}: ${config.hidden.join('–')} hidden units, ${config.activation}. ` +
      (symmetric
        ? `All hidden units of each layer are identical (same incoming, outgoing weights and bias): the ` +
          `${config.scheme} initialization did not break the symmetry, so the network computes like one unit ` +
          `per layer.${scale === 0 ? ' Every weight is still exactly 0.' : ''}`
        : `Hidden units differ${partly}.`);
  }

  destroy(): void {
    this.lossChart.destroy();
    this.accuracyChart.destroy();
  }
}
