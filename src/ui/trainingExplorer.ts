// The Training explorer: K copies of a small network trained in parallel on a 2-D data set by the
// GPU engine (src/gpu/trainingEngine.ts). Every T steps a checkpoint gives the median and 10–90%
// band across copies of the training and test loss and accuracy, the share of copies at the target
// accuracy, the histogram of all weights (exact zeros counted: L1 proximal makes them) and the
// decision boundary of one copy (median, best, worst or by index) evaluated on a grid on the GPU.
// lil-gui knobs are built from TRAIN_PARAMS (one change handler restarts the run); the URL
// round-trips through writeParams / fitTrainConfig (clamped values become notices).

import GUI from 'lil-gui';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { type ParamValues, writeParams } from '../core/params';
import { fitTrainConfig, TRAIN_PARAMS } from '../core/trainConfig';
import { DEFAULT_INPUT_WINDOW } from '../core/decisionGrid';
import { trainingData, type TrainingData } from '../core/trainingData';
import { chooseCopy, COPY_CHOICES, type TrainingCheckpoint } from '../core/trainStats';
import { TrainingEngine } from '../gpu/trainingEngine';
import type { Explorer, ExplorerContext } from './explorer';

/** On a software adapter (~100x slower) the run starts small unless the URL asks otherwise. */
const SOFTWARE_DEFAULTS: Partial<Record<string, number>> = { copies: 64, points: 200, steps: 300, every: 10 };
const CLASS_COLORS = ['#48dbfb', '#ff9f43'];
const TRAIN_COLOR = '#4f9dde';
const TEST_COLOR = '#ff9f43';
const TARGET_COLOR = '#4cc38a';
const AXIS = { stroke: '#9aa6bf', grid: { stroke: '#26314a', width: 1 }, ticks: { stroke: '#26314a', width: 1 } };

function element<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

function panel(title: string, id: string): { root: HTMLElement; body: HTMLElement } {
  const root = element('section', { class: 'panel', id });
  const body = element('div');
  root.append(element('h3', {}, title), body);
  return { root, body };
}

function format(value: number | null | undefined, digits = 3): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  return Math.abs(value) >= 1e4 || (value !== 0 && Math.abs(value) < 1e-3) ? value.toExponential(2) : String(Number(value.toPrecision(digits)));
}

/** One band chart: median line and 10–90% band per series (uPlot `bands`), steps on x. */
class BandChart {
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
        axes: [{ ...AXIS, label: 'step' }, { ...AXIS, label: this.yLabel }],
        series,
        bands,
      },
      data,
      this.host,
    );
  }

  destroy(): void {
    this.observer.disconnect();
    this.plot?.destroy();
  }
}

/** The weights' histogram (all copies, biases excluded) with the share of exact zeros. */
function drawHistogram(canvas: HTMLCanvasElement, checkpoint: TrainingCheckpoint): void {
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
function drawBoundary(canvas: HTMLCanvasElement, probabilities: ArrayLike<number>, G: number, data: TrainingData): void {
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

function bandColumns(history: TrainingCheckpoint[], pick: Array<(c: TrainingCheckpoint) => { p10: number | null; p50: number | null; p90: number | null }>) {
  const columns: Array<Array<number | null>> = [history.map((c) => c.step)];
  for (const get of pick) {
    columns.push(history.map((c) => get(c).p50), history.map((c) => get(c).p10), history.map((c) => get(c).p90));
  }
  return columns;
}

async function mount(container: HTMLElement, context: ExplorerContext): Promise<() => void> {
  const software = context.gpu.adapter.software;
  const raw: Record<string, unknown> = Object.fromEntries(context.params);
  if (software) {
    const shrunk = Object.keys(SOFTWARE_DEFAULTS).filter((key) => raw[key] === undefined);
    for (const key of shrunk) raw[key] = SOFTWARE_DEFAULTS[key];
    if (shrunk.length > 0) context.notify(`Software adapter: small defaults (${shrunk.map((key) => `${key} ${SOFTWARE_DEFAULTS[key]}`).join(', ')}).`, 'info');
  }
  const fitted = fitTrainConfig(raw);
  for (const notice of fitted.notices) context.notify(notice, 'warning');
  const settings: ParamValues = {};
  for (const spec of TRAIN_PARAMS) {
    if (spec.key === 'depth') settings.depth = fitted.config.hidden.length;
    else if (spec.key === 'width') settings.width = fitted.config.hidden[0];
    else settings[spec.key] = fitted.config[spec.key] as ParamValues[string];
  }
  const view = { copy: 'median' as (typeof COPY_CHOICES)[number] | 'index', index: 0, grid: software ? 48 : 128 };

  // ---- Layout ----
  const layout = element('div', { class: 'explorer training-explorer' });
  const mainColumn = element('div', { class: 'explorer-main' });
  const side = element('aside', { class: 'explorer-side' });
  layout.append(mainColumn, side);
  container.append(layout);
  const intro = element('p', { class: 'caption' });
  intro.textContent =
    'K networks, each from its own random initialization, learn the same data by full-batch gradient descent at once. ' +
    'The bands show the spread across copies (10–90%); diverged copies (non-finite loss) are counted, not averaged in.';
  mainColumn.append(intro);
  const status = element('div', { class: 'status-line', id: 'training-status' }, 'starting…');
  mainColumn.append(status);
  const row = element('div', { class: 'row' });
  const lossPanel = panel('Loss (cross-entropy) across copies', 'training-loss');
  const accuracyPanel = panel('Accuracy across copies', 'training-accuracy');
  row.append(lossPanel.root, accuracyPanel.root);
  const row2 = element('div', { class: 'row' });
  const boundaryPanel = panel('Decision boundary of one copy', 'training-boundary');
  const boundaryCanvas = element('canvas', { width: '360', height: '360', id: 'training-boundary-canvas' });
  const boundaryCaption = element('p', { class: 'caption' });
  boundaryPanel.body.append(boundaryCanvas, boundaryCaption);
  const histogramPanel = panel('Weights of all copies', 'training-weights');
  const histogramCanvas = element('canvas', { width: '420', height: '200' });
  const histogramCaption = element('p', { class: 'caption', id: 'training-weights-caption' });
  histogramPanel.body.append(histogramCanvas, histogramCaption);
  row2.append(boundaryPanel.root, histogramPanel.root);
  mainColumn.append(row, row2);
  const lossChart = new BandChart(lossPanel.body, 'loss', [
    { label: 'train', color: TRAIN_COLOR, band: true },
    { label: 'test', color: TEST_COLOR, band: true },
  ]);
  const accuracyChart = new BandChart(accuracyPanel.body, 'accuracy', [
    { label: 'train', color: TRAIN_COLOR, band: true },
    { label: 'test', color: TEST_COLOR, band: true },
    { label: 'share ≥ target', color: TARGET_COLOR, band: false },
  ]);

  // ---- Engine and run loop ----
  const engine = await TrainingEngine.create(context.gpu.device);
  let controller = new AbortController();
  let running = true;
  let config = fitted.config;
  let data = trainingData(config.dataset, config.points, config.noise, config.testShare, config.seed);
  let history: TrainingCheckpoint[] = [];
  let generation = 0;

  const drawCheckpoint = async (checkpoint: TrainingCheckpoint): Promise<void> => {
    lossChart.update(bandColumns(history, [(c) => c.trainLoss, (c) => c.testLoss]));
    const accuracy = bandColumns(history, [(c) => c.trainAccuracy, (c) => c.testAccuracy]);
    accuracy.push(history.map((c) => c.aboveTarget));
    accuracyChart.update(accuracy);
    drawHistogram(histogramCanvas, checkpoint);
    const w = checkpoint.weights;
    histogramCaption.textContent = `exact zeros ${format(100 * w.zeroShare)}% · std ${format(w.std)} · max |w| ${format(w.maxAbs)}${w.nonFinite > 0 ? ` · non-finite ${w.nonFinite}` : ''}`;
    const choice = view.copy === 'index' ? Math.min(view.index, config.copies - 1) : view.copy;
    const copy = chooseCopy(checkpoint.copyMetrics, choice);
    if (copy === null) {
      boundaryCaption.textContent = 'every copy diverged: no boundary to draw';
      return;
    }
    const probabilities = await engine.decisionGrid(copy, view.grid);
    drawBoundary(boundaryCanvas, probabilities, view.grid, data);
    const m = checkpoint.copyMetrics;
    boundaryCaption.textContent = `copy ${copy} (${view.copy}): test accuracy ${format(m[4 * copy + 3])}, test loss ${format(m[4 * copy + 2])}; filled: training points, rings: test points`;
  };

  // Runs never overlap: restart() retires the current one at once (generation, abort) and the next
  // one starts when it has returned, so two resets never race on the engine.
  const run = async (mine: number, signal: AbortSignal): Promise<void> => {
    if (mine !== generation) return;
    data = trainingData(config.dataset, config.points, config.noise, config.testShare, config.seed);
    history = [];
    await engine.reset(config);
    const record = async () => {
      const checkpoint = await engine.checkpoint();
      if (mine !== generation) return;
      history.push(checkpoint);
      await drawCheckpoint(checkpoint);
      status.textContent =
        `step ${checkpoint.step}/${config.steps} · ${config.copies} copies · diverged ${checkpoint.diverged} · ` +
        `≥ ${format(config.target)} test accuracy: ${format(100 * checkpoint.aboveTarget)}% now, ${format(100 * checkpoint.reachedTarget)}% reached`;
      status.dataset.step = String(checkpoint.step);
    };
    await record();
    while (mine === generation && engine.stepCount < config.steps) {
      if (!running) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        continue;
      }
      try {
        await engine.step(Math.min(config.every, config.steps - engine.stepCount), { signal });
      } catch (error) {
        if ((error as Error).name === 'AbortError') return;
        throw error;
      }
      if (mine !== generation) return;
      await record();
      await new Promise((resolve) => requestAnimationFrame(resolve));
    }
  };
  let queue: Promise<void> = Promise.resolve();
  const restart = () => {
    const mine = ++generation;
    controller.abort();
    controller = new AbortController();
    const { signal } = controller;
    queue = queue
      .then(() => run(mine, signal))
      .catch((error) => context.notify(`Training failed: ${error instanceof Error ? error.message : String(error)}`, 'error'));
  };

  // ---- Knobs ----
  const guiHost = element('div');
  side.append(guiHost);
  const gui = new GUI({ container: guiHost, title: 'Training', width: 288 });
  const onChange = () => {
    const next = fitTrainConfig({ ...settings });
    for (const notice of next.notices) context.notify(notice, 'warning');
    config = next.config;
    context.setParams(writeParams(TRAIN_PARAMS, settings));
    restart();
  };
  for (const spec of TRAIN_PARAMS) {
    const controllerFor =
      spec.kind === 'choice'
        ? gui.add(settings, spec.key, [...(spec.choices ?? [])])
        : spec.log
          ? gui.add(settings, spec.key).min(spec.min ?? -Infinity).max(spec.max ?? Infinity).step(spec.kind === 'int' ? 1 : 1e-4)
          : gui.add(settings, spec.key, spec.min, spec.max, spec.kind === 'int' ? 1 : 0.01);
    controllerFor.name(spec.label).onFinishChange(onChange);
    controllerFor.domElement.title = spec.help;
  }
  const viewFolder = gui.addFolder('View');
  viewFolder.add(view, 'copy', [...COPY_CHOICES, 'index']).name('boundary of copy').onChange(() => history.length > 0 && void drawCheckpoint(history[history.length - 1]));
  viewFolder.add(view, 'index', 0, 4095, 1).name('copy index').onFinishChange(() => history.length > 0 && void drawCheckpoint(history[history.length - 1]));
  const actions = {
    pause: () => {
      running = !running;
      pauseController.name(running ? 'pause' : 'resume');
    },
    restart,
  };
  const pauseController = gui.add(actions, 'pause');
  gui.add(actions, 'restart');

  restart();
  return () => {
    generation++;
    running = false;
    controller.abort();
    lossChart.destroy();
    accuracyChart.destroy();
    gui.destroy();
    // Let an in-flight submission finish before the buffers go.
    void context.gpu.device.queue.onSubmittedWorkDone().then(() => engine.destroy());
  };
}

export const trainingExplorer: Explorer = {
  id: 'training',
  title: 'Training',
  summary: 'Train K copies of a small network at once: loss and accuracy bands across copies, exact zeros under L1, decision boundaries.',
  mount,
};
