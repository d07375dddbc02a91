// The Regularization explorer: loss landscapes J(w1, w2) of two-weight models on a G×G grid on the GPU
// (src/gpu/regularization.ts), the penalized surfaces J + λ·L1 and J + λ·L2, their minimizers, a descent
// path, and the regularization path w*(λ). lil-gui knobs are built from REGULARIZATION_PARAMS (one change
// handler); the URL round-trips through readParams / writeParams. Evaluations are coalesced: while
// one runs, only the latest requested configuration waits, so dragging a slider never queues work.
// Thin over view/: the 3D scene, the contour maps and the chart draw; this file owns state and the GUI.

import katex from 'katex';
import GUI, { type Controller } from 'lil-gui';
import { type DescentPath, type DescentRule, descentPath, descentWarnings } from '../core/descent';
import type { Penalty, RefinedMinimum } from '../core/gridLoss';
import { parseParam } from '../core/params';
import { logSpace, type RegularizationPathPoint } from '../core/regPath';
import {
  LAMBDA_LOG_FLOOR,
  type RegularizationConfig,
  type RegularizationParamSpec,
  regularizationStart,
} from '../core/regularizationConfig';
import {
  defaultStart,
  defaultWindow,
  REGULARIZATION_MODEL_INFO,
  type RegularizationModel,
} from '../core/regularizationModels';
import { describeAdapter } from '../gpu/device';
import {
  RegularizationEngine,
  type RegularizationMinimum,
  type RegularizationResult,
  type RegularizationSurface,
} from '../gpu/regularization';
import { type ContourMapInput, ContourMaps } from '../view/contourMaps';
import { LandscapeScene, type SceneMarker } from '../view/landscapeScene';
import { L1_COLOR, L2_COLOR, RegPathChart } from '../view/regPathChart';
import {
  CONVENTION,
  MODEL_TEX,
  PENALTY_LABEL,
  PENALTY_TEX,
  QUADRATIC_CLOSED_FORMS_TEX,
  RULE_TEX,
} from '../view/regularizationFormulas';
import { displayGridSize, heightScale, subsampleGrid } from '../view/surfaceGrid';
import type { Explorer, ExplorerContext } from './explorer';
import { type RefineJob, RegularizationJobs } from './regularizationJobs';
import {
  changeKind,
  knobMatters,
  onAxis,
  type RegularizationView,
  readRegularizationUrl,
  regularizationTable,
  rulePenalty,
  SOFTWARE_DEFAULTS,
  writeRegularizationUrl,
} from './regularizationState';

const J_COLOR = '#ffffff';
const ELASTIC_COLOR = '#e056fd';
const PATH_COLOR = '#ff4d6d';
/** Descent paths of at most this many gradient terms (steps × N) run on the page; longer ones in a worker. */
const INLINE_PATH_WORK = 200_000;
const MARKER_COLOR: Record<Penalty, string> = { none: J_COLOR, l1: L1_COLOR, l2: L2_COLOR, elastic: ELASTIC_COLOR };
const MARKER_LABEL: Record<Penalty, string> = { none: 'J', l1: 'L1', l2: 'L2', elastic: 'elastic' };
const MARKER_MEANING: Record<Penalty, string> = {
  none: 'minimizer of J',
  l1: 'minimizer of J + λ·L1',
  l2: 'minimizer of J + λ·L2',
  elastic: 'minimizer of J + λ·elastic',
};
/** λ values of the regularization path chart: the log slider's range. */
const REG_PATH_LAMBDAS = logSpace(LAMBDA_LOG_FLOOR, 10, 41);
const LOG_INT_CHOICES: Partial<Record<keyof RegularizationConfig, number[]>> = {
  points: [16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 10000],
  steps: [10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000],
  grid: [64, 96, 128, 192, 256, 384, 512, 768, 1024, 1536, 2048],
};
const FOLDERS: Array<{ title: string; keys: Array<keyof RegularizationConfig>; closed?: boolean }> = [
  {
    title: 'Model and data',
    keys: [
      'model',
      'points',
      'correlation',
      'eccentricity',
      'noise',
      'trueW1',
      'trueW2',
      'h1',
      'h2',
      'a1',
      'a2',
      'seed',
    ],
  },
  { title: 'Penalty', keys: ['penalty', 'lambda', 'mix'] },
  { title: 'Descent path (click the surface to start there)', keys: ['rule', 'alpha', 'steps', 'startW1', 'startW2'] },
  { title: 'Grid and window', keys: ['grid', 'w1Min', 'w1Max', 'w2Min', 'w2Max'], closed: true },
];

function formatNumber(value: number, digits = 4): string {
  if (value === 0) return '0';
  if (!Number.isFinite(value)) return String(value);
  const magnitude = Math.abs(value);
  if (magnitude >= 1e5 || magnitude < 1e-4) return value.toExponential(2);
  return String(Number(value.toPrecision(digits)));
}

function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string> = {},
  text?: string,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

function panel(title: string, id?: string): { root: HTMLElement; heading: HTMLElement } {
  const root = element('section', { class: 'panel', ...(id ? { id } : {}) });
  const heading = element('h3', {}, title);
  root.append(heading);
  return { root, heading };
}

async function mount(container: HTMLElement, context: ExplorerContext): Promise<() => void> {
  const software = context.gpu.adapter.software;
  const initial = readRegularizationUrl(context.params, software);
  for (const notice of initial.notices) context.notify(notice, 'warning');
  let config: RegularizationConfig = initial.config;
  let view: RegularizationView = initial.view;
  let lastNonzeroLambda = config.lambda > 0 ? config.lambda : 0.5;

  // ---- Layout ----
  const layout = element('div', { class: 'explorer regularization-explorer' });
  const mainColumn = element('div', { class: 'explorer-main' });
  const side = element('aside', { class: 'explorer-side' });
  layout.append(mainColumn, side);
  container.append(layout);

  const intro = element('p', { class: 'regularization-intro' });
  intro.textContent =
    'A model with two weights has a loss landscape J(w1, w2) you can see. A penalty reshapes it: λ·L1 = λ(|w1| + |w2|) ' +
    'adds a pyramid whose corners sit on the axes, so its minimizer snaps onto an axis (an exact zero: sparsity); ' +
    'λ·L2 = λ(w1² + w2²) adds a round bowl that only shrinks the minimizer towards the origin.';
  mainColumn.append(intro);

  const surfacePanel = panel('Loss surface');
  surfacePanel.heading.id = 'surface-title';
  const viewport = element('div', { class: 'viewport landscape-viewport', id: 'landscape-viewport' });
  const legend = element('div', { class: 'landscape-legend', id: 'landscape-legend' });
  const surfaceCaption = element('p', { class: 'caption' });
  surfaceCaption.textContent =
    'Height and colour: the objective (viridis, low = dark), clipped at its 98th percentile so outliers cannot flatten ' +
    'the rest; overflowing cells are drawn at the clip. White lines: contours and the axes w1 = 0, w2 = 0. ' +
    'Drag to orbit, wheel to zoom, click the surface to start the descent path there.';
  surfacePanel.root.append(viewport, legend, surfaceCaption);

  const mapsPanel = panel('Top-down contours, side by side: J, J + λ·L1, J + λ·L2');
  const mapsHost = element('div', { id: 'contour-maps' });
  const mapsCaption = element('p', { class: 'caption' });
  mapsCaption.textContent =
    'Each map has its own colour scale. Dots: the minimizer of that objective; ring: the unpenalized minimizer of J, for ' +
    'comparison. Dashed: the axes. The descent path is drawn on the map of the objective its rule minimizes.';
  mapsPanel.root.append(mapsHost, mapsCaption);

  const lowerRow = element('div', { class: 'row' });
  const pathPanel = panel('Regularization path w*(λ)');
  const chartHost = element('div', { id: 'reg-path-chart' });
  const pathCaption = element('p', { class: 'caption', id: 'reg-path-caption' }, 'Computing the path…');
  pathPanel.root.append(chartHost, pathCaption);
  const formulaPanel = panel('What is minimized');
  const formulaHost = element('div', { class: 'formula', id: 'formula' });
  const convention = element('p', { class: 'caption convention' }, CONVENTION);
  const warningList = element('ul', { class: 'descent-warnings', id: 'descent-warnings' });
  formulaPanel.root.append(formulaHost, convention, warningList);
  lowerRow.append(pathPanel.root, formulaPanel.root);

  const minimaPanel = panel('Minimizers (refined on the CPU from the GPU grid minimum)');
  const minimaTable = element('table', { class: 'steps minimizers', id: 'minimizers' });
  minimaPanel.root.append(minimaTable);
  mainColumn.append(surfacePanel.root, mapsPanel.root, lowerRow, minimaPanel.root);

  const guiHost = element('div', { class: 'gui-host' });
  const statusPanel = element('div', { class: 'panel' });
  const status = element(
    'div',
    { class: 'status-line', id: 'regularization-status', 'data-state': 'starting', 'data-updates': '0' },
    'starting the GPU engine…',
  );
  const adapterNote = element('p', { class: 'caption', id: 'adapter-note' });
  adapterNote.textContent = software
    ? `Software adapter (${describeAdapter(context.gpu.adapter)}): the kernels run on the CPU, about 100× slower than a GPU, ` +
      `so the defaults are a ${SOFTWARE_DEFAULTS.grid}×${SOFTWARE_DEFAULTS.grid} grid and N = ${SOFTWARE_DEFAULTS.points} points ` +
      'to keep every change interactive. Raise the grid under "Grid and window" if you can wait.'
    : `Hardware adapter: ${describeAdapter(context.gpu.adapter)}.`;
  statusPanel.append(status, adapterNote);
  side.append(guiHost, statusPanel);

  // ---- Engines and views ----
  let engine: RegularizationEngine;
  let scene: LandscapeScene;
  const maps = new ContourMaps(mapsHost, 3);
  const chart = new RegPathChart(chartHost);
  try {
    engine = await RegularizationEngine.create(context.gpu.device);
  } catch (error) {
    chart.destroy();
    throw error;
  }
  try {
    scene = await LandscapeScene.create(viewport, context.gpu.device, { onPick: (w) => pickStart(w) });
  } catch (error) {
    engine.destroy();
    chart.destroy();
    throw error;
  }

  // ---- State bound to lil-gui: one object, one change handler ----
  let table: RegularizationParamSpec[] = regularizationTable(config.model, software);
  const specOf = (key: string) => table.find((spec) => spec.key === key);
  const logKeys = new Set<string>(table.filter((spec) => spec.log && spec.kind === 'float').map((spec) => spec.key));
  const guiState: Record<string, unknown> = {
    ...config,
    lambdaOff: config.lambda === 0,
    logHeight: view.height === 'log',
  };
  const logFloor = (spec: RegularizationParamSpec) => spec.sliderMin ?? spec.min ?? 1e-6;
  const syncLogProxies = () => {
    for (const key of logKeys) {
      const spec = specOf(key)!;
      guiState[`${key}Log10`] = Math.log10(Math.max(config[spec.key] as number, logFloor(spec)));
    }
  };
  syncLogProxies();

  const gui = new GUI({ container: guiHost, title: 'Landscape', width: 288 });
  const controllers = new Map<string, Controller>();
  for (const folderSpec of FOLDERS) {
    const folder = gui.addFolder(folderSpec.title);
    if (folderSpec.closed) folder.close();
    for (const key of folderSpec.keys) {
      const spec = specOf(key)!;
      let controller: Controller;
      if (spec.kind === 'choice') {
        controller = folder.add(guiState, key, [...(spec.choices ?? [])]);
      } else if (logKeys.has(key)) {
        controller = folder.add(guiState, `${key}Log10`, Math.log10(logFloor(spec)), Math.log10(spec.max ?? 10), 0.01);
        controller.domElement.classList.add('log-slider');
      } else if (spec.log && spec.kind === 'int' && LOG_INT_CHOICES[key]) {
        const choices = [...new Set([...LOG_INT_CHOICES[key]!, config[key] as number])].sort((a, b) => a - b);
        controller = folder.add(guiState, key, choices);
      } else if (spec.min !== undefined && spec.max !== undefined && spec.max - spec.min <= 100) {
        controller = folder.add(guiState, key, spec.min, spec.max, spec.kind === 'int' ? 1 : 0.01);
      } else {
        // Wide ranges (window, start, seed): a number box; the table clamps typed values.
        controller = folder.add(guiState, key).step(spec.kind === 'int' ? 1 : 0.01);
      }
      controller.domElement.dataset.key = key;
      controller.domElement.title = spec.help;
      controllers.set(key, controller);
      if (key === 'lambda') {
        const off = folder.add(guiState, 'lambdaOff').name('λ = 0 (no penalty strength)');
        off.domElement.dataset.key = 'lambdaOff';
        controllers.set('lambdaOff', off);
      }
    }
  }
  const viewFolder = gui.addFolder('View');
  const logHeightController = viewFolder.add(guiState, 'logHeight').name('log height (robust to outliers)');
  logHeightController.domElement.dataset.key = 'logHeight';

  function syncGui(): void {
    for (const spec of table) guiState[spec.key] = config[spec.key];
    guiState.lambdaOff = config.lambda === 0;
    guiState.logHeight = view.height === 'log';
    syncLogProxies();
    for (const [key, controller] of controllers) {
      const spec = specOf(key);
      if (spec) {
        const value = config[spec.key];
        controller.name(logKeys.has(spec.key) ? `${spec.label} = ${formatNumber(value as number, 3)}` : spec.label);
        controller.enable(knobMatters(spec.key, config) && !(key === 'lambda' && config.lambda === 0));
      }
      controller.updateDisplay();
    }
    logHeightController.updateDisplay();
  }
  syncGui();

  function writeUrl(): void {
    context.setParams(writeRegularizationUrl(config, view, software));
  }

  /** Sets one value through the table (clamped or refused with a notice) and starts what it needs. */
  function applyValue(key: keyof RegularizationConfig, raw: unknown): void {
    const spec = specOf(key);
    if (!spec) return;
    const parsed = parseParam(spec, raw, config[key]);
    if (parsed.message) context.notify(parsed.message, 'warning');
    let next: RegularizationConfig = { ...config, [key]: parsed.value };
    if (key === 'model') {
      // A new model brings its own window and start (each model's table has them as defaults).
      const model = parsed.value as RegularizationModel;
      const [w1Min, w1Max, w2Min, w2Max] = defaultWindow(model);
      const [startW1, startW2] = defaultStart(model);
      next = { ...next, w1Min, w1Max, w2Min, w2Max, startW1, startW2 };
      table = regularizationTable(model, software);
    }
    if (!(next.w1Min < next.w1Max) || !(next.w2Min < next.w2Max)) {
      context.notify(
        `window: min must be below max (got w1 ${next.w1Min}…${next.w1Max}, w2 ${next.w2Min}…${next.w2Max}); not applied`,
        'warning',
      );
      syncGui();
      return;
    }
    if (key === 'lambda' && (parsed.value as number) > 0) lastNonzeroLambda = parsed.value as number;
    config = next;
    syncGui();
    writeUrl();
    if (changeKind(key) === 'path') updatePath();
    else requestEvaluate();
  }

  gui.onChange(({ property, value }) => {
    if (property === 'logHeight') {
      view = { height: value ? 'log' : 'linear' };
      writeUrl();
      if (latest) present(latest);
      return;
    }
    if (property === 'lambdaOff') {
      applyValue('lambda', value ? 0 : lastNonzeroLambda);
      return;
    }
    if (property.endsWith('Log10')) {
      const key = property.slice(0, -'Log10'.length) as keyof RegularizationConfig;
      applyValue(key, Number((10 ** (value as number)).toPrecision(3)));
      return;
    }
    if (specOf(property)) applyValue(property as keyof RegularizationConfig, value);
  });

  function pickStart(w: [number, number]): void {
    const round = (x: number) => Number(x.toPrecision(4));
    config = { ...config, startW1: round(w[0]), startW2: round(w[1]) };
    syncGui();
    writeUrl();
    updatePath();
  }

  // ---- Evaluation, coalesced ----
  let latest: RegularizationResult | undefined;
  let running = false;
  let pending = false;
  let disposed = false;
  let updates = 0;
  let regPath: { key: string; points: RegularizationPathPoint[] } | undefined;
  let regPathKey = '';
  /** J's refinement depends on the data only: it has its own worker and outlives λ moves. */
  let refineOfJ: { data: RegularizationResult['data']; minimum: Promise<RefinedMinimum> } | undefined;
  const jJobs = new RegularizationJobs();
  const refineJobs = new RegularizationJobs();
  /** Ends the refinement the pump awaits, when newer settings arrive (see requestEvaluate). */
  let interruptRefine: (() => void) | undefined;
  const pathJobs = new RegularizationJobs();
  const descentJobs = new RegularizationJobs();
  let pathRequest = 0;
  let shownNotices = '';

  function setStatus(state: 'computing' | 'ready' | 'error', text: string): void {
    status.dataset.state = state;
    status.textContent = text;
  }

  function requestEvaluate(): void {
    pending = true;
    setStatus('computing', 'computing…');
    // A refinement in flight is for settings that just went stale: the pump stops waiting for it
    // (J's on separable logistic data runs all 20000 FISTA iterations, ~10 s at N = 10⁴). The
    // penalized surfaces' jobs are dropped; J's keeps running for the next result of the same data.
    if (refineJobs.busy) refineJobs.cancel();
    interruptRefine?.();
    if (!running) void pump();
  }

  async function pump(): Promise<void> {
    running = true;
    try {
      while (pending && !disposed) {
        pending = false;
        const requested = config;
        try {
          const result = await engine.evaluate(requested, { extraPenalties: ['l1', 'l2'], refine: false });
          if (disposed) return;
          // A stale result is still drawn (feedback while a slider moves) with its grid minima; only the
          // latest is refined, in the worker.
          if (!pending) await refine(result);
          if (disposed) return;
          latest = result;
          present(result);
        } catch (error) {
          if (disposed) return;
          const message = error instanceof Error ? error.message : String(error);
          if (message === 'cancelled' && pending) continue; // its refinement was dropped for newer settings
          setStatus('error', `evaluation failed: ${message}`);
          context.notify(`The landscape could not be computed: ${message}`, 'error');
        }
      }
    } finally {
      running = false;
    }
  }

  /** Refines every grid minimum of a result (CPU, f64, in workers); J's is reused while the data stay. */
  async function refine(result: RegularizationResult): Promise<void> {
    const { model } = result.config;
    const jobs: RefineJob[] = [];
    const targets: RegularizationMinimum[] = [];
    for (const surface of result.surfaces) {
      if (!surface.minimum.grid || surface.minimum.refined) continue;
      jobs.push({ penalty: surface.penalty, lambda: surface.lambda, mix: surface.mix, start: surface.minimum.grid.w });
      targets.push(surface.minimum);
    }
    const jGrid = result.minima.J.grid;
    if (jGrid && refineOfJ?.data !== result.data) {
      jJobs.cancel(); // J of other data
      const jOnly: RefineJob = { penalty: 'none', lambda: 0, mix: 0, start: jGrid.w };
      const minimum = jJobs
        .run({ kind: 'refine', model, data: result.data, jobs: [jOnly] })
        .then(([refined]) => refined);
      const entry = { data: result.data, minimum };
      refineOfJ = entry;
      minimum.catch(() => {
        if (refineOfJ === entry) refineOfJ = undefined; // cancelled or failed: the next result asks again
      });
    }
    const surfaces: Promise<RefinedMinimum[]> =
      jobs.length > 0 ? refineJobs.run({ kind: 'refine', model, data: result.data, jobs }) : Promise.resolve([]);
    const work = Promise.all([jGrid ? refineOfJ?.minimum : undefined, surfaces]);
    work.catch(() => undefined); // when interrupted first, its later rejection is of no interest
    const interrupted = new Promise<'interrupted'>((resolve) => (interruptRefine = () => resolve('interrupted')));
    try {
      const outcome = await Promise.race([work, interrupted]);
      if (outcome === 'interrupted') throw new Error('cancelled');
      const [jMinimum, refined] = outcome;
      if (jMinimum) result.minima.J.refined = jMinimum;
      refined.forEach((minimum, index) => (targets[index].refined = minimum));
    } finally {
      interruptRefine = undefined;
    }
  }

  function surfaceOf(result: RegularizationResult, penalty: Penalty): RegularizationSurface {
    return result.surfaces.find((surface) => surface.penalty === penalty)!;
  }

  function present(result: RegularizationResult): void {
    const { G, window } = result;
    const penalty = result.config.penalty;
    const D = displayGridSize(G);
    const log = view.height === 'log';
    const own = surfaceOf(result, penalty);
    const ownDisplay = subsampleGrid(own.values, G, D);
    const ownScale = heightScale(ownDisplay, { log });
    const lambdaText = `λ = ${formatNumber(result.config.lambda, 3)}`;
    surfacePanel.heading.textContent =
      penalty === 'none' ? 'Loss surface: J (no penalty)' : `Loss surface: ${PENALTY_LABEL[penalty]}, ${lambdaText}`;
    scene.setSurface({
      values: ownDisplay,
      D,
      window,
      scale: ownScale,
      heightLabel: penalty === 'none' ? 'J' : PENALTY_LABEL[penalty],
    });

    // Markers of every minimizer on the shown surface (placed at the shown objective's exact value).
    const minimizers: Array<{ penalty: Penalty; w: [number, number] }> = [];
    const pushMinimizer = (p: Penalty, surface: { minimum: RegularizationSurface['minimum'] }) => {
      const w = surface.minimum.refined?.w ?? surface.minimum.grid?.w;
      if (w) minimizers.push({ penalty: p, w });
    };
    pushMinimizer('none', { minimum: result.minima.J });
    pushMinimizer('l1', surfaceOf(result, 'l1'));
    pushMinimizer('l2', surfaceOf(result, 'l2'));
    if (penalty === 'elastic') pushMinimizer('elastic', own);
    const markers: SceneMarker[] = minimizers.map(({ penalty: p, w }) => ({
      key: p,
      w,
      color: MARKER_COLOR[p],
      label: MARKER_LABEL[p],
    }));
    scene.setMarkers(markers);
    legend.replaceChildren(
      ...minimizers.map(({ penalty: p }) => {
        const item = element('span', { class: 'legend-item' });
        const swatch = element('span', { class: 'legend-swatch' });
        swatch.style.background = MARKER_COLOR[p];
        item.append(swatch, element('span', {}, `${MARKER_LABEL[p]}: ${MARKER_MEANING[p]}`));
        return item;
      }),
      (() => {
        const item = element('span', { class: 'legend-item' });
        const swatch = element('span', { class: 'legend-swatch line' });
        swatch.style.background = PATH_COLOR;
        item.append(swatch, element('span', {}, `descent path (${result.config.rule})`));
        return item;
      })(),
    );

    presentMaps(result);
    presentMinimizers(result);
    presentFormula(result.config);
    updatePath();
    scheduleRegPath(result);
    chart.setLambda(result.config.lambda);

    const notices = result.notices.join('\n');
    if (notices !== shownNotices) {
      for (const notice of result.notices) context.notify(notice, 'warning');
      shownNotices = notices;
    }
    updates++;
    status.dataset.updates = String(updates);
    status.dataset.grid = String(G);
    status.dataset.dispatchedGridLoss = String(result.dispatchedGridLoss);
    const work = result.data.n > 0 ? `G²·N = ${formatNumber(G * G * result.data.n, 3)} terms` : `G² = ${G * G} cells`;
    const what = result.dispatchedGridLoss ? `gridLoss (${work}) + penalties` : 'penalties only (J cached)';
    const nonFinite = result.nonFinite.dataLoss > 0 ? `, ${result.nonFinite.dataLoss} cells overflowed` : '';
    setStatus(
      pending ? 'computing' : 'ready',
      `G = ${G}${D < G ? ` (drawn at ${D})` : ''}: ${what} in ${formatNumber(result.timeMs, 3)} ms${nonFinite}`,
    );
  }

  function mapInput(result: RegularizationResult, penalty: Penalty, title: string): ContourMapInput {
    const { G, window } = result;
    const D = displayGridSize(G);
    const source = penalty === 'none' ? result.dataLoss : surfaceOf(result, penalty).values;
    const values = subsampleGrid(source, G, D);
    const scale = heightScale(values, { log: view.height === 'log' });
    const minimumOf = (p: Penalty) => (p === 'none' ? result.minima.J : surfaceOf(result, p).minimum);
    const w = minimumOf(penalty).refined?.w ?? minimumOf(penalty).grid?.w;
    const wJ = result.minima.J.refined?.w ?? result.minima.J.grid?.w;
    const markers = [];
    if (penalty !== 'none' && wJ) markers.push({ w: wJ, color: J_COLOR, hollow: true });
    if (w) markers.push({ w, color: MARKER_COLOR[penalty] });
    return { title, values, D, window, scale, markers };
  }

  let mapInputs: ContourMapInput[] = [];
  function presentMaps(result: RegularizationResult): void {
    const lambdaText = formatNumber(result.config.lambda, 3);
    mapInputs = [
      mapInput(result, 'none', 'J'),
      mapInput(result, 'l1', `J + λ·(|w1| + |w2|), λ = ${lambdaText}`),
      mapInput(result, 'l2', `J + λ·(w1² + w2²), λ = ${lambdaText}`),
    ];
  }

  function presentMinimizers(result: RegularizationResult): void {
    const rows: Array<{ id: string; penalty: Penalty; name: string; minimum: RegularizationSurface['minimum'] }> = [
      { id: 'j-minimizer', penalty: 'none', name: 'J (no penalty)', minimum: result.minima.J },
      { id: 'l1-minimizer', penalty: 'l1', name: 'J + λ·L1', minimum: surfaceOf(result, 'l1').minimum },
      { id: 'l2-minimizer', penalty: 'l2', name: 'J + λ·L2', minimum: surfaceOf(result, 'l2').minimum },
    ];
    if (result.config.penalty === 'elastic') {
      rows.push({
        id: 'elastic-minimizer',
        penalty: 'elastic',
        name: 'J + λ·elastic',
        minimum: surfaceOf(result, 'elastic').minimum,
      });
    }
    const header = element('tr');
    for (const title of ['', 'objective', 'w1*', 'w2*', 'value', 'exact zeros'])
      header.append(element('th', {}, title));
    minimaTable.replaceChildren(header);
    for (const row of rows) {
      const tr = element('tr', { id: row.id, 'data-lambda': String(result.config.lambda) });
      const w = row.minimum.refined?.w ?? row.minimum.grid?.w;
      const swatch = element('span', { class: 'legend-swatch' });
      swatch.style.background = MARKER_COLOR[row.penalty];
      const swatchCell = element('td');
      swatchCell.append(swatch);
      tr.append(swatchCell, element('td', {}, row.name));
      if (!w) {
        tr.dataset.onAxis = 'false';
        tr.append(element('td', { colspan: '4' }, 'no finite cell in the window'));
      } else {
        tr.dataset.w1 = String(w[0]);
        tr.dataset.w2 = String(w[1]);
        tr.dataset.onAxis = String(onAxis(w));
        const value = row.minimum.refined?.value ?? row.minimum.grid?.value ?? Number.NaN;
        const zeros = [w[0] === 0 ? 'w1 = 0' : '', w[1] === 0 ? 'w2 = 0' : ''].filter(Boolean).join(', ') || '—';
        tr.append(
          element('td', { class: 'value' }, formatNumber(w[0], 5)),
          element('td', { class: 'value' }, formatNumber(w[1], 5)),
          element('td', { class: 'value' }, formatNumber(value, 5)),
          element('td', { class: onAxis(w) ? 'zero' : '' }, zeros),
        );
      }
      minimaTable.append(tr);
    }
  }

  function presentFormula(current: RegularizationConfig): void {
    const lines = [MODEL_TEX[current.model], PENALTY_TEX[current.penalty], RULE_TEX[current.rule]];
    if (current.model === 'quadratic') lines.push(QUADRATIC_CLOSED_FORMS_TEX);
    formulaHost.replaceChildren();
    const captions = [
      `${REGULARIZATION_MODEL_INFO[current.model].label}${REGULARIZATION_MODEL_INFO[current.model].usesData ? `, N = ${current.points} points` : ''}:`,
      `objective of the shown surface (${current.penalty}), λ = ${formatNumber(current.lambda, 3)}${current.penalty === 'elastic' ? `, m = ${current.mix}` : ''}:`,
      `descent path, rule ${current.rule}, α = ${formatNumber(current.alpha, 3)}, ${current.steps} steps:`,
      'closed forms of the separable quadratic (THEORY.md):',
    ];
    lines.forEach((tex, index) => {
      formulaHost.append(element('div', { class: 'formula-caption' }, captions[index]));
      const block = element('div', { class: 'formula-line' });
      katex.render(tex, block, { throwOnError: false, displayMode: true });
      formulaHost.append(block);
    });
  }

  /**
   * The descent path from the latest result's data, drawn on the surface and its map. It costs
   * steps × N gradient terms: short paths run here (instant feedback while a slider moves), long ones
   * (the tanh net with 10⁴ points and 10⁴ steps: seconds) in a worker, the stale one cancelled.
   */
  function updatePath(): void {
    const result = latest;
    if (!result) return;
    const { model } = result.config;
    if (model !== config.model) return; // a new model's landscape is on its way
    const job = {
      kind: 'descent',
      model,
      data: result.data,
      rule: config.rule,
      lambda: config.lambda,
      alpha: config.alpha,
      steps: config.steps,
      start: regularizationStart(config),
    } as const;
    const request = ++pathRequest;
    descentJobs.cancel();
    if (job.steps * Math.max(1, result.data.n) <= INLINE_PATH_WORK) {
      drawPath(
        result,
        job,
        descentPath(job.model, job.data, job.rule, job.lambda, job.alpha, job.steps, job.start),
        'page',
      );
      return;
    }
    warningList.replaceChildren(
      element(
        'li',
        { class: 'info' },
        `computing the descent path (${job.steps} steps over ${result.data.n} points, in a worker)…`,
      ),
    );
    descentJobs.run(job).then(
      (path) => {
        if (!disposed && request === pathRequest && latest === result) drawPath(result, job, path, 'worker');
      },
      (error: Error) => {
        if (disposed || request !== pathRequest || error.message === 'cancelled') return;
        warningList.replaceChildren(element('li', {}, `the descent path failed: ${error.message}`));
      },
    );
  }

  function drawPath(
    result: RegularizationResult,
    job: { rule: DescentRule; lambda: number; alpha: number },
    path: DescentPath,
    computedOn: 'page' | 'worker',
  ): void {
    scene.setPath({ points: path.path, color: PATH_COLOR });
    const followed = rulePenalty(job.rule);
    const mapIndex = followed === 'none' ? 0 : followed === 'l1' ? 1 : 2;
    maps.update(
      mapInputs.map((input, index) =>
        index === mapIndex ? { ...input, path: { points: path.path, color: PATH_COLOR } } : input,
      ),
    );

    const warnings = descentWarnings(job.rule, job.lambda, job.alpha);
    const { w1Min, w1Max, w2Min, w2Max } = result.window;
    const left = path.path.some(([w1, w2]) => w1 < w1Min || w1 > w1Max || w2 < w2Min || w2 > w2Max);
    if (path.diverged)
      warnings.push(`the path diverged after ${path.path.length - 1} steps (|w| > 1e6 or not finite): lower α`);
    else if (left)
      warnings.push('the path leaves the window (drawn pinned to its border): widen the window or lower α');
    if (followed !== result.config.penalty && !(followed === 'none' && result.config.penalty === 'none')) {
      warnings.push(
        `the path follows ${PENALTY_LABEL[followed]} (rule ${job.rule}) while the surface shows ${PENALTY_LABEL[result.config.penalty]}`,
      );
    }
    const end = path.path[path.path.length - 1];
    warningList.replaceChildren(
      element(
        'li',
        { class: 'info' },
        `path end after ${path.path.length - 1} steps: w = (${formatNumber(end[0], 4)}, ${formatNumber(end[1], 4)})`,
      ),
      ...warnings.map((text) => element('li', {}, text)),
    );
    warningList.dataset.count = String(warnings.length);
    warningList.dataset.pathSteps = String(path.path.length - 1);
    warningList.dataset.pathComputedOn = computedOn;
  }

  function showRegPath(points: RegularizationPathPoint[], lambda: number): void {
    chart.update(points, lambda);
    const l1Zero = points.find((point) => point.l1[0] === 0 || point.l1[1] === 0);
    pathCaption.textContent =
      'Solid: w1*, dashed: w2*; orange L1, blue L2 (each minimizer warm-started from the previous λ). ' +
      (l1Zero
        ? `L1 sets a coordinate exactly to 0 from λ ≈ ${formatNumber(l1Zero.lambda, 2)} on; L2 only shrinks.`
        : 'In this λ range no L1 coordinate reaches 0.');
  }

  /** The regularization path changes with the data, not with λ: recomputed (worker) when the data key changes. */
  function scheduleRegPath(result: RegularizationResult): void {
    const c = result.config;
    const key = JSON.stringify([
      c.model,
      c.seed,
      c.points,
      c.correlation,
      c.eccentricity,
      c.noise,
      c.trueW1,
      c.trueW2,
      c.h1,
      c.h2,
      c.a1,
      c.a2,
    ]);
    if (regPath?.key === key) {
      // Back to the data of the cached sweep: a sweep still running for other data must not land on it.
      if (regPathKey !== key) {
        pathJobs.cancel();
        regPathKey = key;
        showRegPath(regPath.points, c.lambda);
      } else {
        chart.update(regPath.points, c.lambda);
      }
      return;
    }
    if (regPathKey === key) return; // already on its way
    regPathKey = key;
    pathJobs.cancel(); // a sweep for older data is of no use any more
    pathCaption.textContent = 'Computing the path (2 × 41 refinements, in a worker)…';
    const start = result.minima.J.refined?.w ?? result.minima.J.grid?.w ?? regularizationStart(c);
    pathJobs.run({ kind: 'regPath', model: c.model, data: result.data, lambdas: REG_PATH_LAMBDAS, start }).then(
      (points) => {
        if (disposed || regPathKey !== key) return;
        regPath = { key, points };
        showRegPath(points, config.lambda);
      },
      (error: Error) => {
        if (!disposed && regPathKey === key && error.message !== 'cancelled')
          pathCaption.textContent = `The path failed: ${error.message}`;
      },
    );
  }

  presentFormula(config);
  writeUrl();
  requestEvaluate();

  return () => {
    disposed = true;
    refineJobs.destroy();
    jJobs.destroy();
    pathJobs.destroy();
    descentJobs.destroy();
    gui.destroy();
    scene.destroy();
    chart.destroy();
    engine.destroy();
  };
}

export const regularizationExplorer: Explorer = {
  id: 'regularization',
  title: 'Regularization',
  summary:
    'Loss landscapes of two weights with λ·L1 and λ·L2 penalties, computed on the GPU: watch the L1 minimizer snap onto ' +
    'an axis while L2 only shrinks it, and follow gradient descent on the surface.',
  mount,
};
