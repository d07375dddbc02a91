// The Signal propagation explorer's panels, each with its exports: the phase diagram (presets above it; PNG of
// the map, CSV of every cell, JSON of the grid and the critical line), the pinned cell (verdict, numbers, the link
// to the Initialization explorer), its per-layer curves (CSV/JSON), the C-map (PNG/CSV), the 3D surface on request,
// and the theory. Drawing is view/'s (phaseMap, phaseCharts, phaseSurface); this file places, captions, exports.

import katex from 'katex';
import type { PhaseCell } from '../core/phase';
import type { PhaseConfig } from '../core/phaseConfig';
import { type CriticalPoint, correlationMap } from '../core/signalPropagation';
import { drawCorrelationMap, LayerChart } from '../view/phaseCharts';
import { divergingScale, type PhaseScale, sequentialScale } from '../view/phaseColors';
import { PHASE_EXPLANATION, PHASE_FORMULAS } from '../view/phaseFormulas';
import { PhaseMap } from '../view/phaseMap';
import { element, formatNumber, type Panel, row } from './kit/dom';
import { toCsv } from './kit/exports';
import type { ExplorerFrame } from './kit/frame';
import {
  cellVerdict,
  initLinkParams,
  PHASE_PRESETS,
  type PhasePreset,
  type PhaseQuantity,
  type PhaseSource,
} from './phaseState';

/** The value a map shows for a cell: log10 χ₁ or c^L, measured or theory (NaN where it is not finite). */
export function mapValue(cell: PhaseCell, map: PhaseQuantity, source: PhaseSource): number {
  if (map === 'c') return cell.c[source];
  const chi = cell.chi1[source];
  return chi > 0 && Number.isFinite(chi) ? Math.log10(chi) : NaN;
}

/** The scale of a map's values: diverging for log χ₁, sequential for c. */
export function mapScale(values: ArrayLike<number>, map: PhaseQuantity): PhaseScale {
  return map === 'chi1' ? divergingScale(values) : sequentialScale(values);
}

export interface ShownGrid {
  config: PhaseConfig;
  cells: PhaseCell[];
  line: CriticalPoint[];
  map: PhaseQuantity;
  source: PhaseSource;
  pinned: { iw: number; ib: number };
  marker?: { sw2: number; sb2: number; label: string };
}

const CELL_HEADER = [
  'iw',
  'ib',
  'sw2',
  'sb2',
  'chi1_measured',
  'chi1_theory',
  'qStar_measured',
  'qStar_theory',
  'c_measured',
  'c_theory',
  'xiC_measured',
  'xiC_theory',
  'nonFinite',
];

function cellRow(cell: PhaseCell): unknown[] {
  return [
    cell.iw,
    cell.ib,
    cell.sw2,
    cell.sb2,
    cell.chi1.measured,
    cell.chi1.theory,
    cell.qStar.measured,
    cell.qStar.theory,
    cell.c.measured,
    cell.c.theory,
    cell.xiC.measured,
    cell.xiC.theory,
    cell.nonFinite,
  ];
}

/** Points of the theory's C-map at q* over [lo, 1]. */
const CMAP_POINTS = 81;

export class PhasePanels {
  readonly mapPanel: Panel;
  readonly cellPanel: Panel;
  readonly curvesPanel: Panel;
  readonly cmapPanel: Panel;
  readonly theoryPanel: Panel;
  /** Where the 3D surface goes (shown on request). */
  readonly surfacePanel: Panel;
  /** Where the trainable-depth panel goes (ui/trainabilityPanel.ts). */
  readonly depthSlot = element('div', { class: 'row', id: 'phase-depth-slot' });
  private readonly map: PhaseMap;
  private readonly mapCaption = element('p', { class: 'caption', id: 'phase-map-caption' });
  private readonly presetButtons = element('div', { class: 'phase-presets', id: 'phase-presets' });
  private readonly verdict = element('p', { class: 'verdict', id: 'phase-verdict' });
  private readonly cellTable = element('table', { class: 'steps', id: 'phase-cell-table' });
  private readonly initLink = element('a', { id: 'phase-init-link', class: 'phase-init-link' });
  private readonly cellCaption = element('p', { class: 'caption', id: 'phase-cell-caption' });
  private readonly curvesCaption = element('p', { class: 'caption', id: 'phase-curves-caption' });
  private readonly charts: LayerChart[];
  private readonly cmapCanvas = element('canvas', { id: 'phase-cmap-canvas' });
  private readonly cmapCaption = element('p', { class: 'caption', id: 'phase-cmap-caption' });
  private shown: ShownGrid | undefined;
  /** The cell the curves show (hovered, else pinned). */
  private curveCell: PhaseCell | undefined;
  private cmapSteps: Array<readonly [number, number]> = [];
  private cmapCurve: Array<readonly [number, number]> = [];

  constructor(
    frame: ExplorerFrame,
    handlers: {
      onPreset(preset: PhasePreset): void;
      onPick(cell: { iw: number; ib: number }): void;
    },
  ) {
    this.mapPanel = frame.panel('Phase diagram: order to chaos', 'phase-map', {
      name: 'phase-map',
      png: () => (this.shown ? this.map.canvas : undefined),
      csv: () => (this.shown ? toCsv(CELL_HEADER, this.shown.cells.map(cellRow)) : undefined),
      json: () =>
        this.shown && {
          config: this.shown.config,
          criticalLine: this.shown.line,
          cells: this.shown.cells.map(({ measured, theory, ...summary }) => summary),
        },
    });
    for (const preset of PHASE_PRESETS) {
      const button = element('button', { type: 'button', class: 'export-button', 'data-preset': preset.id });
      button.textContent = preset.label;
      button.title = preset.story;
      button.addEventListener('click', () => handlers.onPreset(preset));
      this.presetButtons.append(button);
    }
    const presetsLabel = element('span', { class: 'caption' }, 'Presets (the seed’s cases):');
    const presetRow = element('div', { class: 'phase-preset-row' });
    presetRow.append(presetsLabel, this.presetButtons);
    this.mapPanel.body.append(presetRow);
    this.map = new PhaseMap(this.mapPanel.body, {
      onHover: (cell) => this.showCurves(cell),
      onPick: (cell) => handlers.onPick(cell),
    });
    this.mapPanel.body.append(this.mapCaption);

    this.cellPanel = frame.panel('Pinned cell', 'phase-cell');
    this.initLink.textContent = 'Open this cell in the Initialization explorer →';
    this.cellPanel.body.append(this.verdict, this.cellTable, this.initLink, this.cellCaption);

    this.curvesPanel = frame.panel('Per layer: measured vs theory', 'phase-curves', {
      name: 'phase-curves',
      csv: () => this.curvesCsv(),
      json: () => this.curveCell,
    });
    const chartRow = element('div', { class: 'phase-charts' });
    const hosts = [0, 1, 2].map(() => element('div', { class: 'phase-chart' }));
    chartRow.append(...hosts);
    this.charts = [
      new LayerChart(hosts[0], 'q^l = E[z²]', true),
      new LayerChart(hosts[1], 'c^l', false),
      new LayerChart(hosts[2], 'E[δ²]^l', true),
    ];
    this.curvesPanel.body.append(this.curvesCaption, chartRow);

    this.cmapPanel = frame.panel('C-map: c^l against c^(l−1)', 'phase-cmap', {
      name: 'phase-cmap',
      png: () => (this.curveCell ? this.cmapCanvas : undefined),
      csv: () =>
        this.curveCell
          ? toCsv(
              ['kind', 'c_previous', 'c_next'],
              [
                ...this.cmapCurve.map(([c, next]) => ['theory', c, next]),
                ...this.cmapSteps.map(([c, next]) => ['measured', c, next]),
              ],
            )
          : undefined,
    });
    this.cmapCanvas.style.cssText = 'width:100%;max-width:320px;aspect-ratio:1;display:block';
    this.cmapPanel.body.append(this.cmapCanvas, this.cmapCaption);

    this.surfacePanel = frame.panel('3D surface', 'phase-surface');
    this.surfacePanel.root.hidden = true;

    this.theoryPanel = frame.panel('What the map shows', 'phase-theory');
    for (const paragraph of PHASE_EXPLANATION)
      this.theoryPanel.body.append(element('p', { class: 'caption' }, paragraph));
    const formulas = element('table', { class: 'steps' });
    for (const { tex, why } of PHASE_FORMULAS) {
      const line = formulas.insertRow().insertCell();
      const maths = element('div', { class: 'formula' });
      maths.style.overflowX = 'auto';
      katex.render(tex, maths, { throwOnError: false, displayMode: true });
      line.append(maths, element('div', { class: 'caption' }, why));
    }
    this.theoryPanel.body.append(formulas);

    frame.main.append(
      row(this.mapPanel, this.cellPanel),
      row(this.curvesPanel),
      row(this.cmapPanel, this.surfacePanel),
      this.depthSlot,
      row(this.theoryPanel),
    );
  }

  /** Draws a grid: the map, the pinned cell, its curves and C-map. */
  draw(shown: ShownGrid): void {
    this.shown = shown;
    const { config, cells, map, source } = shown;
    const values = cells.map((cell) => mapValue(cell, map, source));
    const scale = mapScale(values, map);
    const quantity = map === 'chi1' ? 'χ₁' : 'c^L';
    this.map.draw({
      grid: config,
      values,
      scale,
      legendTitle: `${quantity}, ${source}`,
      tickAsPower: map === 'chi1',
      line: shown.line,
      marker: shown.marker,
      pinned: shown.pinned,
    });
    const unmeasured = scale.nonFinite;
    this.mapCaption.textContent =
      (map === 'chi1'
        ? `Colour: χ₁ ${source} on a log scale, blue = ordered (χ₁ < 1, gradients vanish), ` +
          'white = critical (χ₁ = 1), ' +
          'red = chaotic (χ₁ > 1, gradients explode). '
        : `Colour: the correlation c^L of two inputs (c₀ = ${config.c0}) after ${config.depth} layers, ${source}; ` +
          'yellow = collapsed (c → 1). ') +
      `The black line is the theory's critical line χ₁ = 1 (${shown.line.length} points). ` +
      (unmeasured > 0 ? `${unmeasured} cells are not finite (grey, hatched). ` : '') +
      'Hover a cell for its curves, click to pin it.';
    this.showCell(shown);
    this.showCurves(undefined);
  }

  private cellOf(at: { iw: number; ib: number } | undefined): PhaseCell | undefined {
    const shown = this.shown;
    if (!shown || !at) return undefined;
    return shown.cells[at.ib * shown.config.cellsW + at.iw];
  }

  private showCell(shown: ShownGrid): void {
    const cell = this.cellOf(shown.pinned);
    if (!cell) return;
    const verdict = cellVerdict(cell, shown.config);
    this.verdict.className = `verdict phase-${verdict.phase}`;
    this.verdict.dataset.phase = verdict.phase;
    this.verdict.textContent = verdict.text;
    const rows: Array<[string, string, string]> = [
      ['χ₁ (gradient factor per layer)', formatNumber(cell.chi1.measured), formatNumber(cell.chi1.theory)],
      ['q* = q^L (length)', formatNumber(cell.qStar.measured), formatNumber(cell.qStar.theory)],
      [`c^L (from c₀ = ${shown.config.c0})`, formatNumber(cell.c.measured), formatNumber(cell.c.theory)],
      ['ξ_c (depth scale)', formatNumber(cell.xiC.measured), formatNumber(cell.xiC.theory)],
    ];
    this.cellTable.replaceChildren();
    const head = this.cellTable.insertRow();
    for (const text of [`σ_w² = ${formatNumber(cell.sw2)}, σ_b² = ${formatNumber(cell.sb2)}`, 'measured', 'theory']) {
      head.insertCell().textContent = text;
    }
    for (const [label, measured, theory] of rows) {
      const line = this.cellTable.insertRow();
      line.insertCell().textContent = label;
      const m = line.insertCell();
      m.className = 'value';
      m.textContent = measured;
      const t = line.insertCell();
      t.className = 'value';
      t.textContent = theory;
    }
    const link = initLinkParams(shown.config, cell);
    this.initLink.href = `?${link.toString()}`;
    this.initLink.dataset.scale = link.get('scale') ?? '';
    this.cellCaption.textContent =
      `Cell (${cell.iw}, ${cell.ib}) of ${shown.config.cellsW} × ${shown.config.cellsB}: ${shown.config.inits} ` +
      `networks of width ${shown.config.width} and depth ${shown.config.depth}` +
      (cell.nonFinite > 0 ? `, ${cell.nonFinite} of them overflowed.` : '.') +
      ' The link opens the same net (xavier-normal with s = √σ_w², σ_b = √σ_b²) in the Initialization explorer.';
  }

  /** The curves and the C-map of the hovered cell, or of the pinned one. */
  private showCurves(hovered: { iw: number; ib: number } | undefined): void {
    const shown = this.shown;
    const cell = this.cellOf(hovered) ?? this.cellOf(shown?.pinned);
    if (!shown || !cell) return;
    this.curveCell = cell;
    this.charts[0].update(cell.measured.q, cell.theory.q);
    this.charts[1].update(cell.measured.c, cell.theory.c);
    this.charts[2].update(cell.measured.deltaSquare, cell.theory.deltaSquare);
    const which = hovered ? 'hovered' : 'pinned';
    this.curvesCaption.textContent =
      `${which} cell σ_w² = ${formatNumber(cell.sw2)}, σ_b² = ${formatNumber(cell.sb2)}: solid = measured ` +
      `(mean of ${shown.config.inits} networks), dashed = mean-field theory.`;
    this.curvesPanel.root.dataset.cell = `${cell.iw},${cell.ib}`;
    this.drawCmap(shown.config, cell, which);
  }

  private drawCmap(config: PhaseConfig, cell: PhaseCell, which: string): void {
    const measured = [config.c0, ...cell.measured.c];
    const lo = Math.min(config.c0, ...measured.filter(Number.isFinite)) < 0 ? -1 : 0;
    const q = cell.qStar.theory; // q^L of the length map: q* within a few layers, and no fixed-point search here
    this.cmapCurve = Array.from({ length: CMAP_POINTS }, (_, k) => {
      const c = lo + ((1 - lo) * k) / (CMAP_POINTS - 1);
      return [c, correlationMap(config.activation, cell.sw2, cell.sb2, q, c)] as const;
    });
    this.cmapSteps = measured.slice(1).map((next, index) => [measured[index], next] as const);
    drawCorrelationMap(this.cmapCanvas, { curve: this.cmapCurve, steps: this.cmapSteps, lo });
    this.cmapCaption.textContent =
      `${which} cell: the theory's map c ↦ c' at q^L = ${formatNumber(q)} (yellow), ` +
      'the identity (dashed: fixed points ' +
      `where they cross), and the measured steps (c^(l−1), c^l) from c₀ = ${config.c0} as a cobweb (blue). ` +
      'Ordered: the map lies above the identity and the steps climb to c = 1; chaotic: they settle at c* < 1.';
  }

  private curvesCsv(): string | undefined {
    const cell = this.curveCell;
    if (!cell) return undefined;
    const rows = cell.measured.q.map((_, index) => [
      index + 1,
      cell.measured.q[index],
      cell.theory.q[index],
      cell.measured.c[index],
      cell.theory.c[index],
      cell.measured.deltaSquare[index],
      cell.theory.deltaSquare[index],
    ]);
    return toCsv(
      ['layer', 'q_measured', 'q_theory', 'c_measured', 'c_theory', 'delta2_measured', 'delta2_theory'],
      rows,
    );
  }

  destroy(): void {
    for (const chart of this.charts) chart.destroy();
  }
}
