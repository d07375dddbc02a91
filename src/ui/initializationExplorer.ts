// The Initialization explorer: lil-gui knobs built from INIT_PARAMS, presets, URL state, and live
// runs of the GPU engine (a moved knob aborts the stale run; partial results draw as chunks arrive).
// Thin over view/: the landscape, the variance chart, the small multiples, the derivation and the
// symmetry chart draw; this file owns state, the GUI and the status line.

import GUI, { type Controller } from 'lil-gui';
import type { InitConfig, InitParamSpec } from '../core/initConfig';
import { meanFieldTheory, type TheoryLayer } from '../core/meanField';
import { parseParam } from '../core/params';
import type { InitStatsResult, LayerStats, Quantity } from '../core/stats';
import { describeAdapter } from '../gpu/device';
import { InitStatsEngine, initStatsFlops } from '../gpu/initStats';
import { densityCss } from '../view/densityColor';
import { DerivationPanel } from '../view/derivationPanel';
import { type CommonGrid, gridOf, histogramTotal, LOG_FLOOR, resampleHistogram } from '../view/histogramGrid';
import { HistogramLandscape } from '../view/histogramLandscape';
import { pickLayers, SmallMultiples } from '../view/smallMultiples';
import { SymmetryChart } from '../view/symmetryChart';
import { momentSeries, VarianceChart } from '../view/varianceChart';
import type { Explorer, ExplorerContext } from './explorer';
import { derivationReadings, formatNumber, verdictText } from './initDerivation';
import { applyPreset, INIT_PRESETS, type InitPreset, matchingPreset } from './initPresets';
import {
  HARDWARE_DEFAULTS,
  INIT_VIEW_PARAMS,
  type InitViewState,
  initParamTable,
  inspectedLayer,
  nextSeed,
  readInitUrl,
  SOFTWARE_DEFAULTS,
  writeInitUrl,
} from './initUrl';
import { type GradientVerdict, gradientVerdict } from './initVerdict';
import { WorkerJobs } from './workerJobs';

const QUANTITY_NAMES: Record<Quantity, { short: string; long: string; axis: (activation: string) => string }> = {
  a: { short: 'a', long: 'activations a = φ(z)', axis: (activation) => `a = ${activation}(z)` },
  z: { short: 'z', long: 'pre-activations z = W a + b', axis: () => 'z' },
  delta: { short: 'δ', long: 'back-propagated gradients δ = ∂L/∂z', axis: () => 'δ = ∂L/∂z' },
};

/** Wait this long after the last knob move before starting a run (sliders fire continuously). */
const RUN_DEBOUNCE_MS = 120;
/** Least time between two partial summaries of a run in flight. */
const PARTIAL_INTERVAL_MS = 250;

function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className = '',
  text?: string,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function panel(title: string): { root: HTMLElement; heading: HTMLElement } {
  const root = element('section', 'panel');
  const heading = element('h3', '', title);
  root.append(heading);
  return { root, heading };
}

/** Powers of two inside [min, max], plus the current value when it is not one. */
function powerOfTwoOptions(spec: InitParamSpec, current: number): number[] {
  const options = new Set<number>([current]);
  for (let v = 1; v <= (spec.max ?? 1); v *= 2) if (v >= (spec.min ?? 1)) options.add(v);
  return [...options].sort((a, b) => a - b);
}

function isAbort(error: unknown): boolean {
  return error instanceof Error && error.name === 'AbortError';
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Largest symmetry spread below the top layer (the top δ differs by the random read-out g). */
function symmetryBelowTop(layers: readonly LayerStats[]): number {
  const below = layers.length > 1 ? layers.slice(0, -1) : layers;
  return below.reduce((max, layer) => Math.max(max, layer.symmetry), 0);
}

async function mount(container: HTMLElement, context: ExplorerContext): Promise<() => void> {
  const software = context.gpu.adapter.software;
  const table = initParamTable(software);
  const url = readInitUrl(context.params, software);
  for (const notice of url.notices) context.notify(`URL: ${notice}`, 'warning');
  let config: InitConfig = url.config;
  const view: InitViewState = url.view;

  // ---- Layout ----
  const root = element('div', 'explorer');
  root.dataset.explorer = 'init';
  const main = element('div', 'explorer-main');
  const side = element('div', 'explorer-side');
  root.append(main, side);
  container.replaceChildren(root);

  const head = panel('What makes an initialization good or bad?');
  const status = element('div', 'status-line');
  status.id = 'init-status';
  status.dataset.state = 'running';
  status.dataset.initsDone = '0';
  const verdictLine = element('p', 'verdict');
  verdictLine.id = 'init-headline';
  verdictLine.style.margin = '0.4rem 0 0';
  const verdictDetails = element('p', 'caption');
  verdictDetails.style.marginTop = '0.15rem';
  const story = element('p', 'caption');
  head.root.append(verdictLine, verdictDetails, story, status);
  if (software) {
    const note = element(
      'p',
      'caption software-note',
      `Software adapter (${context.gpu.adapter.architecture || context.gpu.adapter.vendor || 'CPU emulation'}): WebGPU runs on the CPU here, about 100× slower ` +
        `than a GPU, so the defaults shrink to width n = ${SOFTWARE_DEFAULTS.width} and K = ${SOFTWARE_DEFAULTS.inits} initializations ` +
        `(a GPU starts at n = ${HARDWARE_DEFAULTS.width}, K = ${HARDWARE_DEFAULTS.inits}). Every size is still selectable; big ones take minutes.`,
    );
    note.id = 'init-software-note';
    note.style.color = '#f0b429';
    head.root.append(note);
  }

  const landscapePanel = panel('');
  const viewport = element('div', 'viewport');
  viewport.id = 'init-landscape';
  const colorKey = element('div', 'caption');
  const landscapeCaption = element('p', 'caption');
  landscapePanel.root.append(viewport, colorKey, landscapeCaption);

  const chartRow = element('div', 'row');
  const variancePanel = panel(
    'Second moments against depth: measured (solid, 5–95% band) and mean-field theory (dashed)',
  );
  variancePanel.root.id = 'init-variance';
  const varianceHost = element('div');
  const varianceCaption = element(
    'p',
    'caption',
    'Forward: E[z²] and E[a²] per layer; backward: E[δ²] and E[(∂L/∂W)²] per weight. Theory: the mean-field recursion ' +
      '(Poole et al. 2016) with this scheme’s Var(W). Band: 5–95% over the K initializations of each one’s variance (+ mean²) ' +
      'or ‖∂L/∂W‖²/(n·n). Zeros and non-finite values are gaps on a log axis.',
  );
  variancePanel.root.append(varianceHost, varianceCaption);
  const multiplesPanel = panel('');
  multiplesPanel.root.id = 'init-multiples';
  chartRow.append(variancePanel.root, multiplesPanel.root);

  const theoryRow = element('div', 'row');
  const derivationPanelBox = panel('');
  derivationPanelBox.root.id = 'init-derivation';
  const symmetryPanel = panel('Symmetry: do the units of a layer differ?');
  symmetryPanel.root.id = 'init-symmetry';
  const symmetryHost = element('div');
  const symmetrySummary = element('p', 'caption');
  symmetrySummary.id = 'init-symmetry-summary';
  const symmetryWhy = element(
    'p',
    'caption',
    'Spread = largest |z_i − z_0| or |δ_i − δ_0| between unit i and unit 0 of a layer, over all inputs and initializations; ' +
      'green floor marks = exactly 0. With all-equal weights every unit of a layer computes the same z and receives the same δ, ' +
      'so every row of W gets the same update ∂L/∂W = δ aᵀ: gradient descent keeps the units identical forever, and the layer ' +
      'acts like a single unit. Only random (asymmetric) initialization breaks the tie.',
  );
  symmetryPanel.root.append(symmetryHost, symmetrySummary, symmetryWhy);
  derivationPanelBox.root.style.flex = '3 1 34rem';
  theoryRow.append(derivationPanelBox.root, symmetryPanel.root);
  main.append(head.root, landscapePanel.root, chartRow, theoryRow);

  const controlsPanel = panel('Presets');
  controlsPanel.root.id = 'init-controls';
  const presetBar = element('div');
  presetBar.style.cssText = 'display:flex;flex-wrap:wrap;gap:0.3rem;margin-bottom:0.6rem';
  const presetButtons = new Map<string, HTMLButtonElement>();
  for (const preset of INIT_PRESETS) {
    const button = element('button', '', preset.label);
    button.type = 'button';
    button.dataset.preset = preset.id;
    button.title = preset.story;
    button.style.cssText =
      'background:#1d2639;color:#e6ebf5;border:1px solid #2f3d5c;border-radius:5px;padding:0.25rem 0.5rem;font-size:0.82rem;cursor:pointer';
    button.addEventListener('click', () => choosePreset(preset));
    presetButtons.set(preset.id, button);
    presetBar.append(button);
  }
  const guiHost = element('div');
  controlsPanel.root.append(presetBar, guiHost);
  side.append(controlsPanel.root);

  // ---- Views ----
  const landscape = await HistogramLandscape.create(viewport, context.gpu.device);
  let hoveredLayer: number | null = null;
  const varianceChart = new VarianceChart(varianceHost, (layer) => {
    hoveredLayer = layer;
    drawDerivation();
  });
  const multiples = new SmallMultiples(multiplesPanel.root, (layer) => {
    view.layer = layer;
    guiState.layer = layer;
    layerController.updateDisplay();
    writeUrl();
    requestDraw();
  });
  const derivation = new DerivationPanel(derivationPanelBox.root);
  const symmetry = new SymmetryChart(symmetryHost);
  let engine: InitStatsEngine;
  try {
    engine = await InitStatsEngine.create(context.gpu.device);
  } catch (error) {
    landscape.destroy();
    throw error;
  }

  // ---- State: one effect-controller object bound to lil-gui, one change handler ----
  const scaleSpec = table.find((spec) => spec.key === 'scale')!;
  const guiState: Record<string, unknown> = {
    ...config,
    scaleLog10: Math.log10(Math.max(config.scale, scaleSpec.sliderMin ?? 0.01)),
    quantity: view.quantity,
    density: view.density,
    layer: view.layer,
    reseed: () => {
      guiState.seed = nextSeed(config.seed);
      applyValue('seed', guiState.seed);
      gui.controllersRecursive().forEach((controller) => controller.updateDisplay());
    },
  };

  const gui = new GUI({ container: guiHost, title: 'Experiment' });
  gui.domElement.style.setProperty('--width', '100%');
  const controllers = new Map<string, Controller>();
  /** One control per table row, its kind chosen from the row (choice, log slider, presets, slider, box). */
  const addControl = (folder: GUI, spec: InitParamSpec): void => {
    let controller: Controller;
    if (spec.kind === 'choice') {
      controller = folder.add(guiState, spec.key, [...(spec.choices ?? [])]);
    } else if (spec.log && spec.kind === 'float') {
      const low = Math.log10(spec.sliderMin ?? spec.min ?? 0.01);
      const high = Math.log10(spec.max ?? 100);
      controller = folder.add(guiState, 'scaleLog10', low, high, 0.01);
      // The box would show log10 s; the name shows s itself ("init scale s = 3 × std").
      const box = controller.domElement.querySelector<HTMLElement>('input:not([type=range])');
      if (box) box.style.display = 'none';
    } else if (spec.log && spec.kind === 'int') {
      controller = folder.add(guiState, spec.key, powerOfTwoOptions(spec, config[spec.key] as number));
    } else if (spec.kind === 'int' && spec.max !== undefined && spec.min !== undefined && spec.max - spec.min <= 1000) {
      controller = folder.add(guiState, spec.key, spec.min, spec.max, 1);
    } else {
      // Wide ranges (bias std, seed): a number box; values are clamped to the table's range on change.
      controller = folder.add(guiState, spec.key).step(spec.kind === 'int' ? 1 : 0.01);
      if (spec.min !== undefined) controller.min(spec.min);
    }
    controller.name(spec.key === 'scale' ? scaleName(config.scale) : spec.label);
    controller.domElement.title = spec.help;
    controller.domElement.dataset.key = spec.key;
    controllers.set(spec.key, controller);
    if (spec.key === 'seed') folder.add(guiState, 'reseed').name('re-seed (next Threefry word)');
  };
  const isAdvanced = (spec: InitParamSpec): boolean => spec.key === 'inputWidth' || spec.key === 'bins';
  for (const spec of table.filter((candidate) => !isAdvanced(candidate))) addControl(gui, spec);
  const advanced = gui.addFolder('Input width and histogram bins').close();
  for (const spec of table.filter(isAdvanced)) addControl(advanced, spec);
  const viewFolder = gui.addFolder('View');
  const quantitySpec = INIT_VIEW_PARAMS.find((spec) => spec.key === 'quantity')!;
  viewFolder
    .add(guiState, 'quantity', { 'activations a': 'a', 'pre-activations z': 'z', 'gradients δ': 'delta' })
    .name(quantitySpec.label)
    .domElement.setAttribute('title', quantitySpec.help);
  viewFolder.add(guiState, 'density', { 'log density': 'log', 'linear density': 'linear' }).name('density');
  const layerController = viewFolder.add(guiState, 'layer', 0, config.depth, 1).name('inspect layer (0 = middle)');

  function scaleName(scale: number): string {
    return `init scale s = ${formatNumber(scale)} × std`;
  }

  function writeUrl(): void {
    context.setParams(writeInitUrl(config, view, software));
  }

  /** Sets one experiment value through the table (clamped, with a notice), then reruns. */
  function applyValue(key: string, raw: unknown): void {
    const spec = table.find((candidate) => candidate.key === key);
    if (!spec) return;
    const parsed = parseParam(spec, raw, config[spec.key]);
    if (parsed.message) context.notify(parsed.message, 'warning');
    config = { ...config, [spec.key]: parsed.value };
    syncGui();
    onConfigChanged();
  }

  function syncGui(): void {
    for (const spec of table) guiState[spec.key] = config[spec.key];
    guiState.scaleLog10 = Math.log10(Math.max(config.scale, scaleSpec.sliderMin ?? 0.01));
    controllers.get('scale')?.name(scaleName(config.scale));
    layerController.max(config.depth);
    gui.controllersRecursive().forEach((controller) => controller.updateDisplay());
  }

  gui.onChange(({ property, value }) => {
    if (property === 'reseed') return;
    if (property === 'scaleLog10') {
      applyValue('scale', Number((10 ** (value as number)).toPrecision(3)));
    } else if (property === 'quantity' || property === 'density' || property === 'layer') {
      view.quantity = guiState.quantity as Quantity;
      view.density = guiState.density as InitViewState['density'];
      view.layer = guiState.layer as number;
      writeUrl();
      requestDraw();
    } else if (table.some((spec) => spec.key === property)) {
      if (property === 'width' && config.inputWidth === config.width) {
        // Keep the input as wide as the layers unless the visitor set it apart.
        config = { ...config, inputWidth: value as number };
      }
      applyValue(property, value);
    }
  });

  function choosePreset(preset: InitPreset): void {
    config = applyPreset(config, preset);
    syncGui();
    onConfigChanged();
  }

  // ---- Runs ----
  let result: InitStatsResult | undefined;
  let verdict: GradientVerdict = gradientVerdict(config);
  let running: AbortController | undefined;
  let inFlight: Promise<unknown> = Promise.resolve();
  let runTimer: ReturnType<typeof setTimeout> | undefined;
  let runNumber = 0;
  let lastRate: number | undefined; // FLOP/s of the last finished run, for the time estimate

  function onConfigChanged(): void {
    verdict = gradientVerdict(config);
    writeUrl();
    updatePresetButtons();
    clearTimeout(runTimer);
    // Stale at once: the status (and the tests reading it) must not report the previous run as done.
    running?.abort();
    setStatus('running', 'starting a new run…');
    runTimer = setTimeout(() => void startRun(), RUN_DEBOUNCE_MS);
  }

  function updatePresetButtons(): void {
    const active = matchingPreset(config);
    for (const [id, button] of presetButtons) {
      const on = active?.id === id;
      button.setAttribute('aria-pressed', String(on));
      button.style.background = on ? '#4f9dde' : '#1d2639';
      button.style.color = on ? '#0b0f18' : '#e6ebf5';
    }
    root.dataset.preset = active?.id ?? '';
    story.textContent = active
      ? `${active.label}: ${active.story}`
      : 'A custom setting: compare it with the presets above the knobs.';
  }

  function setStatus(state: 'running' | 'done' | 'error', text: string): void {
    status.dataset.state = state;
    status.replaceChildren();
    const adapter = element('span', '', `${describeAdapter(context.gpu.adapter)} · `);
    const body = element('span', state === 'running' ? 'busy' : '', text);
    if (state === 'error') body.style.color = '#ef5d5d';
    status.append(adapter, body);
  }

  function exposeResult(current: InitStatsResult | undefined, done: number): void {
    status.dataset.initsDone = String(done);
    if (!current || current.layers.length === 0) return;
    const first = current.layers[0].delta.meanSquare;
    status.dataset.gradVarLayer1 = first === null ? 'null' : String(first);
    status.dataset.symmetryMax = String(symmetryBelowTop(current.layers));
    status.dataset.symmetryTop = String(current.layers[current.layers.length - 1].symmetry);
  }

  const theoryJobs = new WorkerJobs<{ config: InitConfig }, TheoryLayer[]>(
    'theory',
    () => new Worker(new URL('./theoryWorker.ts', import.meta.url), { type: 'module', name: 'mean-field theory' }),
    ({ config: theoryConfig }) => meanFieldTheory(theoryConfig),
  );

  async function startRun(): Promise<void> {
    running?.abort();
    const controller = new AbortController();
    running = controller;
    const id = ++runNumber;
    const runConfig = config;
    const flops = initStatsFlops(runConfig);
    const estimate = lastRate ? ` (about ${formatSeconds(flops / lastRate)})` : '';
    setStatus('running', `running 0/${runConfig.inits} initializations${estimate}…`);
    status.dataset.initsDone = '0';
    result = undefined;
    requestDraw();
    const started = performance.now();
    let lastPartialAt = -Infinity;
    if (theoryJobs.busy) theoryJobs.cancel(); // a theory for superseded settings
    try {
      // Constant init's theory takes up to ~1 s at depth 200 (the others take milliseconds): it is
      // computed in a worker, so the page stays live; the engine takes it as given.
      const theory = runConfig.scheme === 'constant' ? await theoryJobs.run({ config: runConfig }) : undefined;
      if (id !== runNumber) return;
      // A run expected to take more than ~2 s goes in ≥ 8 chunks so partial results draw while it
      // is in flight; short runs go in as few chunks as fit (each chunk has a fixed cost).
      const planned = engine.plan(runConfig).initsPerChunk;
      const expectedSeconds = lastRate ? flops / lastRate : 0;
      const initsPerChunk =
        expectedSeconds > 2 ? Math.min(planned, Math.max(1, Math.ceil(runConfig.inits / 8))) : planned;
      const pending = engine.run(runConfig, {
        signal: controller.signal,
        initsPerChunk,
        theory,
        onProgress: ({ done, total, partial }) => {
          if (id !== runNumber || done === total) return; // the final result follows at once
          // Partial results at most every PARTIAL_INTERVAL_MS: each one sorts the per-init values of
          // every layer, which at K = 65536 and hundreds of chunks would hold the page for minutes.
          const now = performance.now();
          if (now - lastPartialAt >= PARTIAL_INTERVAL_MS) {
            lastPartialAt = now;
            result = partial();
            exposeResult(result, done);
          } else {
            status.dataset.initsDone = String(done);
          }
          const elapsed = (now - started) / 1000;
          const remaining = done > 0 ? (elapsed * (total - done)) / done : NaN;
          setStatus(
            'running',
            `running ${done}/${total} initializations · ${formatSeconds(elapsed)} elapsed${done < total ? `, ~${formatSeconds(remaining)} left` : ''}…`,
          );
          requestDraw();
        },
      });
      inFlight = pending.catch(() => undefined);
      const run = await pending;
      if (id !== runNumber) return;
      result = run.result;
      lastRate = run.flops / (run.timeMs / 1000);
      exposeResult(result, runConfig.inits);
      status.dataset.runMs = String(Math.round(run.timeMs));
      setStatus(
        'done',
        `K = ${runConfig.inits} inits of a ${runConfig.depth}-layer, ${runConfig.width}-wide net, batch ${runConfig.batch}: ` +
          `${formatSeconds(run.timeMs / 1000)} · ${formatNumber(lastRate / 1e9)} GFLOP/s · ${run.initsPerChunk} inits per chunk`,
      );
      requestDraw();
    } catch (error) {
      if (id !== runNumber || isAbort(error)) return;
      setStatus('error', `This configuration cannot run: ${message(error)}`);
      context.notify(`Initialization run failed: ${message(error)}`, 'warning');
    }
  }

  // ---- Drawing (coalesced to one per animation frame) ----
  let drawPending = false;
  function requestDraw(): void {
    if (drawPending) return;
    drawPending = true;
    requestAnimationFrame(() => {
      drawPending = false;
      drawAll();
    });
  }

  function drawAll(): void {
    const quantity = view.quantity;
    const names = QUANTITY_NAMES[quantity];
    drawHeadline();
    landscapePanel.heading.textContent = `Histogram landscape of the ${names.long}, layer by layer`;
    multiplesPanel.heading.textContent = `One histogram per layer: ${names.long}`;
    if (!result) {
      drawDerivation();
      return;
    }
    const L = result.layers.length;
    // Common value axis: the bin range of the layer the signal starts from (layer 1 forward,
    // layer L backward); the other layers are resampled onto it.
    const reference = quantity === 'delta' ? result.layers[L - 1] : result.layers[0];
    const grid: CommonGrid = gridOf(reference[quantity].histogram);
    const resampled = result.layers.map((layer) => resampleHistogram(layer[quantity].histogram, grid));
    const selected = inspectedLayer(view, L);
    landscape.update({
      layers: resampled,
      grid,
      density: view.density,
      valueLabel: names.axis(result.config.activation),
      selectedLayer: selected,
    });
    const nanShare =
      result.layers.reduce((sum, layer) => sum + layer[quantity].histogram.nan, 0) /
      Math.max(
        1,
        result.layers.reduce((sum, layer) => sum + histogramTotal(layer[quantity].histogram), 0),
      );
    landscapeCaption.textContent =
      `Value axis: each layer's histogram (its own bins, ±4√E[${names.short}²] from theory) is resampled onto one common axis, ` +
      `the bin range of layer ${quantity === 'delta' ? `${L} (where back-propagation starts)` : '1 (where the signal starts)'}: ` +
      `${formatNumber(grid.lo)} … ${formatNumber(grid.hi)}. A vanishing signal collapses onto 0; an exploding one flees into the red edge rows ` +
      `(values beyond the axis)${result.config.activation === 'tanh' && quantity === 'a' ? ' or piles up at ±1 (tanh saturates)' : ''}. ` +
      `Amber line: the inspected layer. Drag to orbit, wheel to zoom.${nanShare > 0 ? ` NaN: ${(100 * nanShare).toPrecision(2)}% of values (not drawn).` : ''}`;
    colorKey.innerHTML = '';
    const ramp = element('span');
    ramp.style.cssText = `display:inline-block;width:9rem;height:0.6rem;vertical-align:middle;margin:0 0.4rem;border-radius:2px;background:linear-gradient(90deg, ${[0, 0.25, 0.5, 0.75, 1].map((t) => densityCss(t)).join(', ')})`;
    colorKey.append(
      document.createTextNode(
        `height and colour = fraction of a layer's values per bin, ${view.density === 'log' ? `log scale ${LOG_FLOOR.toExponential(0)}` : 'linear 0'}`,
      ),
      ramp,
      document.createTextNode(view.density === 'log' ? '1' : 'max'),
    );
    const multipleLayers = pickLayers(L);
    multiples.update(
      multipleLayers.map((layer) => {
        const stats = result!.layers[layer - 1][quantity];
        return {
          layer,
          histogram: resampled[layer - 1],
          note: `rms ${formatNumber(stats.meanSquare === null ? null : Math.sqrt(stats.meanSquare))}`,
        };
      }),
      grid,
      view.density,
      selected,
      L,
    );
    varianceChart.update(momentSeries(result));
    drawSymmetry(result);
    drawDerivation();
  }

  function drawHeadline(): void {
    const text = verdictText(config, result, verdict);
    verdictLine.className = `verdict ${verdict.verdict}`;
    verdictLine.dataset.verdict = verdict.verdict;
    verdictLine.dataset.symmetric = String(text.symmetric);
    // Symmetry is the real failure of zero / same-value weights: amber, whatever the magnitudes do.
    verdictLine.style.color = text.symmetric ? '#f0b429' : '';
    verdictLine.textContent = text.headline;
    verdictDetails.textContent = text.details;
  }

  function drawDerivation(): void {
    const shown = result;
    const L = shown?.layers.length ?? config.depth;
    const layer = hoveredLayer ?? inspectedLayer(view, L);
    derivationPanelBox.heading.textContent = `Xavier's derivation, measured at layer ${layer}${hoveredLayer ? ' (under the cursor)' : ''}`;
    if (!shown) return;
    const text = verdictText(shown.config, shown, verdict);
    derivation.update(
      `Assumptions: weights and inputs zero-mean, iid and independent; biases 0; tanh(z) ≈ z. Green: the step holds in this run (within 25%); red: it does not. ${shown.config.activation} · ${shown.config.scheme} · s = ${formatNumber(shown.config.scale)} · n = ${shown.config.width}.`,
      derivationReadings(shown, layer, verdict),
      { kind: verdict.verdict, text: `${text.headline} ${text.details}`, symmetric: text.symmetric },
    );
  }

  function drawSymmetry(current: InitStatsResult): void {
    const spreads = current.layers.map((layer) => layer.symmetry);
    symmetry.update(spreads);
    const L = spreads.length;
    const belowTop = symmetryBelowTop(current.layers);
    const identical = spreads.filter((spread) => spread === 0).length;
    const zeroGradient = current.layers.slice(0, -1).every((layer) => layer.delta.meanSquare === 0);
    if (L > 1 && belowTop === 0) {
      symmetrySummary.textContent =
        `Layers 1–${L - 1}: all units identical (spread exactly 0) in z and in δ${zeroGradient ? ', and their gradients are exactly 0' : ''}. ` +
        `Layer ${L}: spread ${formatNumber(spreads[L - 1])} only because the random read-out g differs per unit.`;
      symmetrySummary.style.color = '#4cc38a';
    } else {
      symmetrySummary.textContent = `${identical} of ${L} layers have identical units; largest spread below the top layer ${formatNumber(belowTop)}: the random weights broke the symmetry.`;
      symmetrySummary.style.color = '';
    }
  }

  function formatSeconds(seconds: number): string {
    if (!Number.isFinite(seconds)) return '…';
    if (seconds < 1) return `${Math.round(seconds * 1000)} ms`;
    if (seconds < 120) return `${seconds.toFixed(1)} s`;
    return `${(seconds / 60).toFixed(1)} min`;
  }

  updatePresetButtons();
  writeUrl();
  drawHeadline();
  void startRun();

  return () => {
    clearTimeout(runTimer);
    runNumber++;
    running?.abort();
    theoryJobs.destroy();
    gui.destroy();
    landscape.destroy();
    varianceChart.destroy();
    multiples.destroy();
    symmetry.destroy();
    // Free the engine's buffers only once the aborted run has stopped using them.
    void inFlight.then(() => engine.destroy());
  };
}

export const initializationExplorer: Explorer = {
  id: 'init',
  title: 'Initialization',
  summary:
    'Turn the init scale and watch thousands of random initializations of a wide, deep net vanish, hold or explode, with the Xavier derivation measured step by step.',
  mount,
};
