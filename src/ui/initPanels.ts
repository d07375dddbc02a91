// The Initialization explorer's panels: the presets bar (in the knobs panel), the headline verdict,
// the 3D histogram landscape (PNG; JSON of the resampled histograms and the common grid) and the small
// multiples (JSON of the histograms shown), plus the panels of initTheoryPanels.ts. InitPanels places
// them and coalesces drawing into one per animation frame; it reads what to draw from the explorer.

import type { InitConfig } from '../core/initConfig';
import type { InitStatsResult, Quantity } from '../core/stats';
import { densityCss } from '../view/densityColor';
import { LOG_FLOOR } from '../view/histogramGrid';
import { HistogramLandscape } from '../view/histogramLandscape';
import { pickLayers, SmallMultiples } from '../view/smallMultiples';
import { formatNumber, verdictText } from './initDerivation';
import { type CommonHistograms, commonHistograms, landscapeJson, multiplesJson, nanShare } from './initExports';
import { INIT_PRESETS, type InitPreset, matchingPreset } from './initPresets';
import { currentResult } from './initRun';
import { DerivationBox, SymmetryPanel, VariancePanel } from './initTheoryPanels';
import { type Density, type InitViewState, inspectedLayer } from './initUrl';
import type { GradientVerdict } from './initVerdict';
import { element, type Panel, row } from './kit/dom';
import type { ExplorerFrame } from './kit/frame';

/** What a draw shows: the current settings and their verdict, the run's result so far, the view. */
export interface InitShown {
  config: InitConfig;
  verdict: GradientVerdict;
  result: InitStatsResult | undefined;
  view: InitViewState;
}

const QUANTITY_NAMES: Record<Quantity, { short: string; long: string; axis: (activation: string) => string }> = {
  a: { short: 'a', long: 'activations a = φ(z)', axis: (activation) => `a = ${activation}(z)` },
  z: { short: 'z', long: 'pre-activations z = W a + b', axis: () => 'z' },
  delta: { short: 'δ', long: 'back-propagated gradients δ = ∂L/∂z', axis: () => 'δ = ∂L/∂z' },
};

/** One button per preset (data-preset, aria-pressed on the one the settings match). */
export class PresetBar {
  readonly root = element('div', { class: 'preset-bar' });
  private readonly buttons = new Map<string, HTMLButtonElement>();

  constructor(onChoose: (preset: InitPreset) => void) {
    for (const preset of INIT_PRESETS) {
      const button = element('button', { type: 'button', 'data-preset': preset.id, title: preset.story }, preset.label);
      button.addEventListener('click', () => onChoose(preset));
      this.buttons.set(preset.id, button);
      this.root.append(button);
    }
  }

  /** Marks the preset the config matches; returns it. */
  mark(config: InitConfig): InitPreset | undefined {
    const active = matchingPreset(config);
    for (const [id, button] of this.buttons) button.setAttribute('aria-pressed', String(active?.id === id));
    return active;
  }
}

class HeadlinePanel {
  readonly panel: Panel;
  private readonly verdict = element('p', { class: 'verdict', id: 'init-headline' });
  private readonly details = element('p', { class: 'caption verdict-details' });
  private readonly story = element('p', { class: 'caption' });

  constructor(frame: ExplorerFrame) {
    this.panel = frame.panel('What makes an initialization good or bad?', 'init-head');
    this.panel.body.append(this.verdict, this.details, this.story);
  }

  draw(shown: InitShown): void {
    const { config, verdict } = shown;
    const text = verdictText(config, currentResult(shown), verdict);
    this.verdict.className = `verdict ${verdict.verdict}${text.symmetric ? ' symmetric' : ''}`;
    this.verdict.dataset.verdict = verdict.verdict;
    this.verdict.dataset.symmetric = String(text.symmetric);
    this.verdict.textContent = text.headline;
    this.details.textContent = text.details;
    const preset = matchingPreset(config);
    this.story.textContent = preset
      ? `${preset.label}: ${preset.story}`
      : 'A custom setting: compare it with the presets above the knobs.';
  }
}

class LandscapePanel {
  readonly panel: Panel;
  private readonly viewport = element('div', { class: 'viewport', id: 'init-landscape-viewport' });
  private readonly colorKey = element('div', { class: 'caption' });
  private readonly caption = element('p', { class: 'caption' });
  private landscape: HistogramLandscape | undefined;
  private shown: { common: CommonHistograms; density: Density; config: InitConfig } | undefined;

  constructor(frame: ExplorerFrame) {
    this.panel = frame.panel('', 'init-landscape', {
      name: 'init-landscape',
      png: () => (this.shown ? this.landscape?.snapshot() : undefined),
      json: () => this.shown && landscapeJson(this.shown.common, this.shown.density, this.shown.config),
    });
    this.panel.body.append(this.viewport, this.colorKey, this.caption);
  }

  async start(device: GPUDevice | undefined): Promise<void> {
    this.landscape = await HistogramLandscape.create(this.viewport, device);
  }

  draw(result: InitStatsResult, common: CommonHistograms, density: Density, selected: number): void {
    const { quantity, grid } = common;
    const names = QUANTITY_NAMES[quantity];
    const { activation } = result.config;
    this.shown = { common, density, config: result.config };
    this.landscape?.update({
      layers: common.layers,
      grid,
      density,
      valueLabel: names.axis(activation),
      selectedLayer: selected,
    });
    const L = result.layers.length;
    const nan = nanShare(result, quantity);
    this.caption.textContent =
      `Value axis: each layer's histogram (its own bins, ±4√E[${names.short}²] from theory) is resampled onto ` +
      `one common axis, the bin range of layer ` +
      `${quantity === 'delta' ? `${L} (where back-propagation starts)` : '1 (where the signal starts)'}: ` +
      `${formatNumber(grid.lo)} … ${formatNumber(grid.hi)}. A vanishing signal collapses onto 0; an exploding ` +
      `one flees into the red edge rows (values beyond the axis)` +
      `${activation === 'tanh' && quantity === 'a' ? ' or piles up at ±1 (tanh saturates)' : ''}. ` +
      'Amber line: the inspected layer. Drag to orbit, wheel to zoom.' +
      (nan > 0 ? ` NaN: ${(100 * nan).toPrecision(2)}% of values (not drawn).` : '');
    const ramp = element('span', { class: 'density-ramp' });
    ramp.style.background = `linear-gradient(90deg, ${[0, 0.25, 0.5, 0.75, 1].map((t) => densityCss(t)).join(', ')})`;
    const scale = density === 'log' ? `log scale ${LOG_FLOOR.toExponential(0)}` : 'linear 0';
    this.colorKey.replaceChildren(
      `height and colour = fraction of a layer's values per bin, ${scale}`,
      ramp,
      density === 'log' ? '1' : 'max',
    );
  }

  title(quantity: Quantity): void {
    this.panel.heading.textContent = `Histogram landscape of the ${QUANTITY_NAMES[quantity].long}, layer by layer`;
  }

  destroy(): void {
    this.landscape?.destroy();
  }
}

class MultiplesPanel {
  readonly panel: Panel;
  private readonly multiples: SmallMultiples;
  private shown: { common: CommonHistograms; items: { layer: number; note: string }[]; selected: number } | undefined;

  constructor(frame: ExplorerFrame, onSelectLayer: (layer: number) => void) {
    this.panel = frame.panel('', 'init-multiples', {
      name: 'init-multiples',
      json: () => this.shown && multiplesJson(this.shown.common, this.shown.items, this.shown.selected),
    });
    this.multiples = new SmallMultiples(this.panel.body, onSelectLayer);
  }

  draw(result: InitStatsResult, common: CommonHistograms, density: Density, selected: number): void {
    const L = result.layers.length;
    const items = pickLayers(L).map((layer) => {
      const { meanSquare } = result.layers[layer - 1][common.quantity];
      return { layer, note: `rms ${formatNumber(meanSquare === null ? null : Math.sqrt(meanSquare))}` };
    });
    this.shown = { common, items, selected };
    const inputs = items.map((item) => ({ ...item, histogram: common.layers[item.layer - 1] }));
    this.multiples.update(inputs, common.grid, density, selected, L);
  }

  title(quantity: Quantity): void {
    this.panel.heading.textContent = `One histogram per layer: ${QUANTITY_NAMES[quantity].long}`;
  }

  destroy(): void {
    this.multiples.destroy();
  }
}

export class InitPanels {
  private readonly headline: HeadlinePanel;
  private readonly landscape: LandscapePanel;
  private readonly variance: VariancePanel;
  private readonly multiples: MultiplesPanel;
  private readonly derivation: DerivationBox;
  private readonly symmetry: SymmetryPanel;
  /** The layer under the cursor in the moments chart: the derivation follows it. */
  private hovered: number | null = null;
  private drawPending = false;
  private destroyed = false;

  private constructor(
    frame: ExplorerFrame,
    private readonly read: () => InitShown,
    onSelectLayer: (layer: number) => void,
  ) {
    this.headline = new HeadlinePanel(frame);
    this.landscape = new LandscapePanel(frame);
    this.variance = new VariancePanel(frame, (layer) => {
      this.hovered = layer;
      this.derivation.draw(this.read(), layer);
    });
    this.multiples = new MultiplesPanel(frame, onSelectLayer);
    this.derivation = new DerivationBox(frame);
    this.symmetry = new SymmetryPanel(frame);
    frame.main.append(
      this.headline.panel.root,
      this.landscape.panel.root,
      row(this.variance.panel, this.multiples.panel),
      row(this.derivation.panel, this.symmetry.panel),
    );
  }

  /**
   * The panels placed in the frame (the landscape on `device`, or through WebGL 2 without one); `read` says
   * what to draw, `onSelectLayer` hears a click on a small multiple.
   */
  static async create(
    frame: ExplorerFrame,
    device: GPUDevice | undefined,
    read: () => InitShown,
    onSelectLayer: (layer: number) => void,
  ): Promise<InitPanels> {
    const panels = new InitPanels(frame, read, onSelectLayer);
    try {
      await panels.landscape.start(device);
    } catch (error) {
      panels.destroy();
      throw error;
    }
    return panels;
  }

  /** Draws what `read` gives at the next animation frame (requests in between are one draw). */
  requestDraw(): void {
    if (this.drawPending) return;
    this.drawPending = true;
    requestAnimationFrame(() => {
      this.drawPending = false;
      if (!this.destroyed) this.draw(this.read()); // torn down within the frame: draw nothing
    });
  }

  private draw(shown: InitShown): void {
    const { result, view } = shown;
    this.headline.draw(shown);
    this.landscape.title(view.quantity);
    this.multiples.title(view.quantity);
    if (result) {
      const common = commonHistograms(result, view.quantity);
      const selected = inspectedLayer(view, result.layers.length);
      this.landscape.draw(result, common, view.density, selected);
      this.multiples.draw(result, common, view.density, selected);
      this.variance.draw(result);
      this.symmetry.draw(result);
    }
    this.derivation.draw(shown, this.hovered);
  }

  destroy(): void {
    this.destroyed = true;
    this.landscape.destroy();
    this.variance.destroy();
    this.multiples.destroy();
    this.symmetry.destroy();
  }
}
