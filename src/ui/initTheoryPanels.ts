// The Initialization explorer's panels that set the run against the theory, each with its exports:
// the second moments against depth (PNG; CSV of the per-layer moments, bands and theory), Xavier's
// derivation measured at one layer (CSV of the seven steps) and the symmetry spread per layer (PNG;
// CSV). Drawing is view/'s; the numbers come from initDerivation and initExports.

import type { InitStatsResult } from '../core/stats';
import { DerivationPanel, type StepReading } from '../view/derivationPanel';
import { SymmetryChart } from '../view/symmetryChart';
import { momentSeries, VarianceChart } from '../view/varianceChart';
import { derivationReadings, formatNumber, verdictText } from './initDerivation';
import { derivationCsv, momentsCsv, symmetryCsv } from './initExports';
import type { InitShown } from './initPanels';
import { currentResult, symmetryBelowTop } from './initRun';
import { inspectedLayer } from './initUrl';
import { element, type Panel } from './kit/dom';
import type { ExplorerFrame } from './kit/frame';

const VARIANCE_CAPTION =
  'Forward: E[z²] and E[a²] per layer; backward: E[δ²] and E[(∂L/∂W)²] per weight. Theory: the mean-field ' +
  'recursion (Poole et al. 2016) with this scheme’s Var(W). Band: 5–95% over the K initializations of each ' +
  'one’s variance (+ mean²) or ‖∂L/∂W‖²/(n·n). Zeros and non-finite values are gaps on a log axis.';

const SYMMETRY_WHY =
  'Spread = largest |z_i − z_0| or |δ_i − δ_0| between unit i and unit 0 of a layer, over all inputs and ' +
  'initializations; green floor marks = exactly 0. With all-equal weights every unit of a layer computes the ' +
  'same z and receives the same δ, so every row of W gets the same update ∂L/∂W = δ aᵀ: gradient descent keeps ' +
  'the units identical forever, and the layer acts like a single unit. Only random (asymmetric) initialization ' +
  'breaks the tie.';

export class VariancePanel {
  readonly panel: Panel;
  private readonly chart: VarianceChart;
  private result: InitStatsResult | undefined;

  constructor(frame: ExplorerFrame, onHoverLayer: (layer: number | null) => void) {
    this.panel = frame.panel(
      'Second moments against depth: measured (solid, 5–95% band) and mean-field theory (dashed)',
      'init-variance',
      {
        name: 'init-moments',
        png: () => (this.result ? this.chart.canvas : undefined),
        csv: () => this.result && momentsCsv(this.result),
      },
    );
    const host = element('div');
    this.panel.body.append(host, element('p', { class: 'caption' }, VARIANCE_CAPTION));
    this.chart = new VarianceChart(host, onHoverLayer);
  }

  draw(result: InitStatsResult): void {
    this.result = result;
    this.chart.update(momentSeries(result));
  }

  destroy(): void {
    this.chart.destroy();
  }
}

export class DerivationBox {
  readonly panel: Panel;
  private readonly derivation: DerivationPanel;
  private shown: { readings: StepReading[]; layer: number } | undefined;

  constructor(frame: ExplorerFrame) {
    this.panel = frame.panel('', 'init-derivation', {
      name: 'init-derivation',
      csv: () => this.shown && derivationCsv(this.shown.readings, this.shown.layer),
    });
    this.derivation = new DerivationPanel(this.panel.body);
  }

  /** The steps at the layer under the cursor (`hovered`) or the inspected one. */
  draw(shown: InitShown, hovered: number | null): void {
    const { config, verdict, view } = shown;
    const result = currentResult(shown); // the steps compare the verdict with the run of the same settings
    const layer = hovered ?? inspectedLayer(view, result?.layers.length ?? config.depth);
    const where = hovered ? ' (under the cursor)' : '';
    this.panel.heading.textContent = `Xavier's derivation, measured at layer ${layer}${where}`;
    if (!result) return;
    const run = result.config;
    const text = verdictText(run, result, verdict);
    const readings = derivationReadings(result, layer, verdict);
    this.shown = { readings, layer };
    this.derivation.update(
      'Assumptions: weights and inputs zero-mean, iid and independent; biases 0; tanh(z) ≈ z. Green: the step ' +
        `holds in this run (within 25%); red: it does not. ${run.activation} · ${run.scheme} · ` +
        `s = ${formatNumber(run.scale)} · n = ${run.width}.`,
      readings,
      { kind: verdict.verdict, text: `${text.headline} ${text.details}`, symmetric: text.symmetric },
    );
  }
}

export class SymmetryPanel {
  readonly panel: Panel;
  private readonly chart: SymmetryChart;
  private readonly summary = element('p', { class: 'caption', id: 'init-symmetry-summary' });
  private result: InitStatsResult | undefined;

  constructor(frame: ExplorerFrame) {
    this.panel = frame.panel('Symmetry: do the units of a layer differ?', 'init-symmetry', {
      name: 'init-symmetry',
      png: () => (this.result ? this.chart.canvas : undefined),
      csv: () => this.result && symmetryCsv(this.result),
    });
    const host = element('div');
    this.panel.body.append(host, this.summary, element('p', { class: 'caption' }, SYMMETRY_WHY));
    this.chart = new SymmetryChart(host);
  }

  draw(result: InitStatsResult): void {
    this.result = result;
    const spreads = result.layers.map((layer) => layer.symmetry);
    this.chart.update(spreads);
    const L = spreads.length;
    const belowTop = symmetryBelowTop(result.layers);
    const identical = spreads.filter((spread) => spread === 0).length;
    const zeroGradient = result.layers.slice(0, -1).every((layer) => layer.delta.meanSquare === 0);
    const symmetric = L > 1 && belowTop === 0;
    this.summary.classList.toggle('identical', symmetric);
    this.summary.textContent = symmetric
      ? `Layers 1–${L - 1}: all units identical (spread exactly 0) in z and in δ` +
        `${zeroGradient ? ', and their gradients are exactly 0' : ''}. Layer ${L}: spread ` +
        `${formatNumber(spreads[L - 1])} only because the random read-out g differs per unit.`
      : `${identical} of ${L} layers have identical units; largest spread below the top layer ` +
        `${formatNumber(belowTop)}: the random weights broke the symmetry.`;
  }

  destroy(): void {
    this.chart.destroy();
  }
}
