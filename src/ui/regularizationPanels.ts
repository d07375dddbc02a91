// The Regularization explorer's panels, placed by RegularizationPanels, and the landscape panels with
// their exports: the 3D surface of the chosen objective (PNG with its labels and colour bar; JSON of the
// shown grid), the three contour maps side by side (PNG; JSON of the three grids and minimizers) and the
// minimizers table (CSV). The path panels are in regularizationPathPanels.ts. What they show is decided
// in src/ui/regularizationShown.ts; drawing is view/'s (landscapeScene, contourMaps).

import type { Penalty } from '../core/gridLoss';
import type { RegularizationResult } from '../gpu/regularization';
import { type ContourMapInput, ContourMaps } from '../view/contourMaps';
import { LandscapeScene } from '../view/landscapeScene';
import { PENALTY_LABEL } from '../view/regularizationFormulas';
import { element, formatNumber, type Panel, row } from './kit/dom';
import type { ExplorerFrame } from './kit/frame';
import { FormulaPanel, RegPathPanel } from './regularizationPathPanels';
import {
  bestMinimum,
  bestW,
  exactZeros,
  MAP_PENALTIES,
  MARKER_COLOR,
  MARKER_LABEL,
  MARKER_MEANING,
  type MinimizerRow,
  minimizerRows,
  minimizersCsv,
  minimumOf,
  PATH_COLOR,
  type ShownGrid,
  shownGrid,
  shownPenalties,
  surfaceOf,
} from './regularizationShown';
import { onAxis } from './regularizationState';

const GRID_LAYOUT = 'values[j·D + i] at w1 = w1Min + i·(w1Max − w1Min)/(D − 1), w2 likewise along j';

const SURFACE_CAPTION =
  'Height and colour: the objective (viridis, low = dark), clipped at its 98th percentile so outliers cannot ' +
  'flatten the rest; overflowing cells are drawn at the clip. White lines: contours and the axes w1 = 0, w2 = 0. ' +
  'Drag to orbit, wheel to zoom, click the surface to start the descent path there.';

const MAPS_CAPTION =
  'Each map has its own colour scale. Dots: the minimizer of that objective; ring: the unpenalized minimizer of J, ' +
  'for comparison. Dashed: the axes. The descent path is drawn on the map of the objective its rule minimizes.';

function swatch(color: string, line = false): HTMLElement {
  const node = element('span', { class: line ? 'legend-swatch line' : 'legend-swatch' });
  node.style.background = color;
  return node;
}

function legendItem(color: string, text: string, line = false): HTMLElement {
  const item = element('span', { class: 'legend-item' });
  item.append(swatch(color, line), element('span', {}, text));
  return item;
}

/** The 3D surface of the chosen objective, every minimizer on it, and the descent path. */
export class SurfacePanel {
  readonly panel: Panel;
  private readonly viewport = element('div', { class: 'viewport landscape-viewport', id: 'landscape-viewport' });
  private readonly legend = element('div', { class: 'landscape-legend', id: 'landscape-legend' });
  private scene: LandscapeScene | undefined;
  private shown: { grid: ShownGrid; result: RegularizationResult } | undefined;
  private readonly pathLegend = legendItem(PATH_COLOR, 'descent path', true);

  constructor(frame: ExplorerFrame) {
    this.panel = frame.panel('Loss surface', 'regularization-surface', {
      name: 'regularization-surface',
      png: () => (this.shown ? this.scene?.snapshot() : undefined),
      json: () => this.shown && this.json(this.shown.grid, this.shown.result),
    });
    this.panel.heading.id = 'surface-title';
    this.panel.body.append(this.viewport, this.legend, element('p', { class: 'caption' }, SURFACE_CAPTION));
  }

  /** Starts the 3D scene (once the panel is on the page: it sizes itself to the viewport). */
  async start(device: GPUDevice | undefined, onPick: (w: [number, number]) => void): Promise<void> {
    this.scene = await LandscapeScene.create(this.viewport, device, { onPick });
  }

  show(result: RegularizationResult, log: boolean): void {
    const { penalty, lambda } = result.config;
    const grid = shownGrid(result, penalty, log);
    this.shown = { grid, result };
    this.panel.heading.textContent =
      penalty === 'none'
        ? 'Loss surface: J (no penalty)'
        : `Loss surface: ${PENALTY_LABEL[penalty]}, λ = ${formatNumber(lambda, 3)}`;
    const { values, D, window, scale } = grid;
    this.scene?.setSurface({ values, D, window, scale, heightLabel: PENALTY_LABEL[penalty] });
    const minimizers = shownPenalties(result).flatMap((p) => {
      const w = bestW(minimumOf(result, p));
      return w ? [{ key: p, w, color: MARKER_COLOR[p], label: MARKER_LABEL[p] }] : [];
    });
    this.scene?.setMarkers(minimizers);
    this.legend.replaceChildren(
      ...minimizers.map(({ key }) => legendItem(MARKER_COLOR[key], `${MARKER_LABEL[key]}: ${MARKER_MEANING[key]}`)),
      this.pathLegend,
    );
  }

  showPath(points: ReadonlyArray<[number, number]>, rule: string): void {
    this.scene?.setPath({ points, color: PATH_COLOR });
    this.pathLegend.replaceChildren(...legendItem(PATH_COLOR, `descent path (${rule})`, true).childNodes);
  }

  private json(grid: ShownGrid, result: RegularizationResult) {
    const { penalty, lambda, mix } = result.config;
    const surface = surfaceOf(result, penalty);
    const { G, D, window, values, scale } = grid;
    const minimum = bestMinimum(surface.minimum);
    return {
      objective: PENALTY_LABEL[penalty],
      penalty,
      lambda,
      mix,
      G,
      D,
      window,
      layout: GRID_LAYOUT,
      heightScale: scale.log ? 'log' : 'linear',
      nonFinite: surface.nonFinite,
      minimizer: minimum ?? null,
      values,
    };
  }

  destroy(): void {
    this.scene?.destroy();
  }
}

/** J, J + λ·L1 and J + λ·L2 from above, side by side, with the descent path on the map its rule minimizes. */
export class ContourPanel {
  readonly panel: Panel;
  private readonly maps: ContourMaps;
  private inputs: ContourMapInput[] = [];
  private result: RegularizationResult | undefined;
  private path: { points: ReadonlyArray<[number, number]>; mapIndex: number } | undefined;

  constructor(frame: ExplorerFrame) {
    this.panel = frame.panel('Top-down contours, side by side: J, J + λ·L1, J + λ·L2', 'regularization-contours', {
      name: 'regularization-contours',
      png: () => (this.result ? this.maps.snapshot() : undefined),
      json: () => this.result && this.json(this.result),
    });
    const host = element('div', { id: 'contour-maps' });
    this.panel.body.append(host, element('p', { class: 'caption' }, MAPS_CAPTION));
    this.maps = new ContourMaps(host, MAP_PENALTIES.length);
  }

  /** New maps: drawn with the next path (showPath), or with the last one by draw() while it is computed. */
  show(result: RegularizationResult, inputs: ContourMapInput[]): void {
    this.result = result;
    this.inputs = inputs;
  }

  /** The descent path, on map `mapIndex`, and the maps under it. */
  showPath(points: ReadonlyArray<[number, number]>, mapIndex: number): void {
    this.path = { points, mapIndex };
    this.draw();
  }

  draw(): void {
    const path = this.path;
    const withPath = (input: ContourMapInput, index: number) =>
      index === path?.mapIndex ? { ...input, path: { points: path.points, color: PATH_COLOR } } : input;
    this.maps.update(this.inputs.map(withPath));
  }

  private json(result: RegularizationResult) {
    const { G, window } = result;
    const maps = MAP_PENALTIES.map((penalty: Penalty, index) => ({
      title: this.inputs[index]?.title,
      penalty,
      lambda: penalty === 'none' ? 0 : result.config.lambda,
      minimizer: bestMinimum(minimumOf(result, penalty)) ?? null,
      D: this.inputs[index]?.D,
      values: this.inputs[index]?.values,
    }));
    return { G, window, layout: GRID_LAYOUT, maps };
  }
}

/** Every minimizer: refined, its value, and its exact zeros. */
export class MinimizersPanel {
  readonly panel: Panel;
  private readonly table = element('table', { class: 'steps minimizers', id: 'minimizers' });
  private rows: MinimizerRow[] = [];

  constructor(frame: ExplorerFrame) {
    this.panel = frame.panel('Minimizers (refined on the CPU from the grid minimum)', 'regularization-minimizers', {
      name: 'regularization-minimizers',
      csv: () => (this.rows.length ? minimizersCsv(this.rows) : undefined),
    });
    this.panel.body.append(this.table);
  }

  show(result: RegularizationResult): void {
    this.rows = minimizerRows(result);
    const header = element('tr');
    for (const title of ['', 'objective', 'w1*', 'w2*', 'value', 'exact zeros'])
      header.append(element('th', {}, title));
    this.table.replaceChildren(header, ...this.rows.map((row) => this.row(row, result.config.lambda)));
  }

  private row(row: MinimizerRow, lambda: number): HTMLElement {
    const tr = element('tr', { id: row.id, 'data-lambda': String(lambda) });
    const swatchCell = element('td');
    swatchCell.append(swatch(MARKER_COLOR[row.penalty]));
    tr.append(swatchCell, element('td', {}, row.name));
    const best = bestMinimum(row.minimum);
    if (!best) {
      tr.dataset.onAxis = 'false';
      tr.append(element('td', { colspan: '4' }, 'no finite cell in the window'));
      return tr;
    }
    const { w, value } = best;
    Object.assign(tr.dataset, { w1: String(w[0]), w2: String(w[1]), onAxis: String(onAxis(w)) });
    tr.append(
      element('td', { class: 'value' }, formatNumber(w[0], 5)),
      element('td', { class: 'value' }, formatNumber(w[1], 5)),
      element('td', { class: 'value' }, formatNumber(value, 5)),
      element('td', { class: onAxis(w) ? 'zero' : '' }, exactZeros(w)),
    );
    return tr;
  }
}

/** The panels of the view, placed in the frame: surface, maps, the two path panels side by side, minimizers. */
export class RegularizationPanels {
  readonly surface: SurfacePanel;
  readonly contours: ContourPanel;
  readonly regPath: RegPathPanel;
  readonly formula: FormulaPanel;
  readonly minimizers: MinimizersPanel;

  constructor(frame: ExplorerFrame) {
    this.surface = new SurfacePanel(frame);
    this.contours = new ContourPanel(frame);
    this.regPath = new RegPathPanel(frame);
    this.formula = new FormulaPanel(frame);
    this.minimizers = new MinimizersPanel(frame);
    frame.main.append(
      this.surface.panel.root,
      this.contours.panel.root,
      row(this.regPath.panel, this.formula.panel),
      this.minimizers.panel.root,
    );
  }

  destroy(): void {
    this.surface.destroy();
    this.regPath.destroy();
  }
}
