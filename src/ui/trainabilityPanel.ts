// The Signal propagation view's Trainable depth panel (issue 14): K copies per (σ_w², depth) cell trained by
// full-batch gradient descent on a 2-D data set, the share that learned drawn as a map (view/trainabilityMap.ts)
// with the theory's 6 ξ_c and ξ_c on it, beside its own knobs (a ParamGui of TRAINABILITY_PARAMS, the depth list
// as a text field), a Train button (training is expensive: it runs on request, never on a knob move; the same
// button aborts), its status line, the numbers of the hovered or pinned cell, exports and the command line.
// Its σ_w² range and activation follow the phase map's window while linked. State: trainabilityState.ts;
// engine: trainabilityEngines.ts.

import katex from 'katex';
import type { GUI } from 'lil-gui';
import type { ParamValue, ParamValues } from '../core/params';
import { depthScale } from '../core/signalPropagation';
import type { TrainabilityResult } from '../core/trainability';
import type { TrainabilityConfig } from '../core/trainabilityConfig';
import { halfStep } from '../view/heatMap';
import { type DepthCurvePoint, type DepthMapAt, TrainabilityMap } from '../view/trainabilityMap';
import { backendKind, type ExplorerContext } from './explorer';
import { element, errorMessage, formatNumber, formatSeconds, type Panel } from './kit/dom';
import { commandBox, toCsv } from './kit/exports';
import { backendCommand, type ExplorerFrame } from './kit/frame';
import { LatestRunner, StatusLine } from './kit/latest';
import { ParamGui } from './kit/paramGui';
import { createTrainabilityEngine, type TrainabilityViewEngine } from './trainabilityEngines';
import {
  type DepthPanelState,
  depthCellAt,
  depthCellHatched,
  depthCellLines,
  depthCellValue,
  depthCommand,
  depthConfig,
  depthParamTable,
  divergedCells,
  formatDepths,
  LINKED_KEYS,
  type PhaseWindow,
  parseDepthsField,
  withDepthKnob,
} from './trainabilityState';

/** Points of the theory's curves across the σ_w² axis. */
export const DEPTH_CURVE_POINTS = 61;

/** ξ_c at `count` σ_w² evenly spaced over [from, to] (the map's x axis, cell edges included). */
export function depthScaleCurve(
  config: Pick<TrainabilityConfig, 'activation' | 'sb2'>,
  from: number,
  to: number,
  count = DEPTH_CURVE_POINTS,
): DepthCurvePoint[] {
  return Array.from({ length: count }, (_, k) => {
    const sw2 = from + ((to - from) * k) / Math.max(1, count - 1);
    return { sw2, xi: sw2 > 0 ? depthScale(config.activation, sw2, config.sb2) : NaN };
  });
}

const EXPLANATION = [
  'Each cell trains K copies of a network of its depth L (hidden layers of width n, tanh or the chosen φ) from ' +
    'W ~ N(0, σ_w²/n), b ~ N(0, σ_b²), by full-batch gradient descent for T steps on a 2-D data set, and colours ' +
    'the share of copies that learned: finite, and training accuracy at least the target after T steps. Every ' +
    'cell of a row scales the same draws by its σ_w (common random numbers), so neighbours differ by σ_w² only.',
  'Why 6 ξ_c: in mean-field theory the correlation of two inputs approaches its fixed point like e^(−l/ξ_c), ' +
    'ξ_c = −1/ln χ_c. After many multiples of ξ_c layers the output no longer tells inputs apart and gradients ' +
    'carry no usable signal; Schoenholz et al. (2017) found networks trainable up to about L ≈ 6 ξ_c. ξ_c diverges ' +
    'on the critical line (χ₁ = 1), so the trainable band is deepest where the phase diagram above is white.',
  'Hatched cells had copies whose loss or parameters stopped being finite (exploding gradients): they count as ' +
    'not learned, and a cell where every copy diverged is grey, so a blow-up never sets the colour scale (0–100%).',
];

const FORMULAS = [
  String.raw`\xi_c = -\frac{1}{\ln \chi_c},\qquad \chi_c = \sigma_w^2 \int \mathcal{D}z_1\,\mathcal{D}z_2\,` +
    String.raw`\phi'(u_1)\,\phi'(u_2)`,
  String.raw`L \lesssim 6\,\xi_c \quad\text{(Schoenholz et al. 2017)}`,
];

const CELL_HEADER = [
  'column',
  'row',
  'sw2',
  'depth',
  'copies',
  'learned',
  'diverged',
  'finalLoss_p10',
  'finalLoss_median',
  'finalLoss_p90',
  'medianAccuracy',
  'xiC',
  'sixXiC',
];

export class TrainabilityPanel {
  readonly panel: Panel;
  private readonly map: TrainabilityMap;
  private readonly status = new StatusLine('depth-status', 'Not trained yet: press Train.');
  private readonly trainButton = element('button', { type: 'button', class: 'export-button', id: 'depth-train' });
  private readonly depthsError = element('p', { class: 'caption depth-error', id: 'depth-depths-error' });
  private readonly cellTable = element('table', { class: 'steps', id: 'depth-cell-table' });
  private readonly cellCaption = element('p', { class: 'caption', id: 'depth-cell-caption' });
  private readonly mapCaption = element('p', { class: 'caption', id: 'depth-map-caption' });
  private readonly command: { root: HTMLElement; refresh(): void };
  private readonly gui: ParamGui;
  private readonly runner: LatestRunner<TrainabilityConfig, TrainabilityResult>;
  private readonly kind;
  private engine: Promise<TrainabilityViewEngine> | undefined;
  private depthsField: { depths: string } = { depths: '' };
  private depthsValid = true;
  private result: TrainabilityResult | undefined;
  private pinned: DepthMapAt | undefined;
  private hovered: DepthMapAt | undefined;
  private curveCache = new Map<string, DepthCurvePoint[]>();

  constructor(
    slot: HTMLElement,
    frame: ExplorerFrame,
    private readonly context: ExplorerContext,
    private state: DepthPanelState,
    private phase: PhaseWindow,
    private readonly onStateChange: () => void,
  ) {
    this.kind = backendKind(context.backend);
    this.panel = frame.panel('Trainable depth: which (σ_w², depth) still learn', 'phase-depth', {
      name: 'trainable-depth',
      png: () => (this.result ? this.map.canvas : undefined),
      csv: () => this.csv(),
      json: () => this.result,
    });
    const layout = element('div', { class: 'depth-layout' });
    const mapHost = element('div', { class: 'depth-map-host' });
    const side = element('div', { class: 'depth-side' });
    layout.append(mapHost, side);
    this.panel.body.append(layout);
    this.map = new TrainabilityMap(mapHost, {
      onHover: (at) => {
        this.hovered = at;
        this.showCell();
      },
      onPick: (at) => {
        this.pinned = at;
        this.redraw();
      },
    });
    mapHost.append(this.mapCaption);

    const guiHost = element('div', { class: 'depth-gui' });
    this.depthsField.depths = formatDepths(state.depths);
    this.gui = new ParamGui({
      container: guiHost,
      title: 'Trainable depth',
      table: depthParamTable(this.kind),
      values: this.guiValues(),
      folders: [
        { title: 'Grid', keys: ['link', 'activation', 'sw2Min', 'sw2Max', 'sw2Cells'] },
        {
          title: 'Training',
          keys: ['width', 'copies', 'dataset', 'points', 'steps', 'alpha', 'sb2', 'target', 'seed'],
        },
      ],
      after: { sw2Cells: (folder) => this.addDepthsField(folder) },
      onChange: (key, value) => this.onKnob(key, value),
    });
    this.enableLinked();
    this.trainButton.textContent = 'Train';
    this.trainButton.addEventListener('click', () => this.onTrain());
    this.command = commandBox('depth-command', () => backendCommand(depthCommand(this.config()), this.kind));
    side.append(guiHost, this.depthsError, this.trainButton, this.status.element, this.cellTable, this.cellCaption);
    this.panel.body.append(this.command.root);
    for (const paragraph of EXPLANATION) this.panel.body.append(element('p', { class: 'caption' }, paragraph));
    for (const tex of FORMULAS) {
      const maths = element('div', { class: 'formula' });
      maths.style.overflowX = 'auto';
      katex.render(tex, maths, { throwOnError: false, displayMode: true });
      this.panel.body.append(maths);
    }
    slot.append(this.panel.root);

    this.runner = new LatestRunner<TrainabilityConfig, TrainabilityResult>({
      run: async (config, run) => {
        const started = performance.now();
        this.engine ??= createTrainabilityEngine(context.backend);
        const engine = await this.engine;
        const cells = `${config.sw2Cells} σ_w² × ${config.depths.length} depths × K = ${config.copies}`;
        const result = await engine.run(config, {
          signal: run.signal,
          onProgress: (done, total) => {
            if (run.isCurrent()) this.status.show(`training ${cells}: step ${done}/${total} (press Abort to stop)`);
          },
        });
        this.status.element.dataset.ms = String(Math.round(performance.now() - started));
        return result;
      },
      present: (result) => {
        this.result = result;
        this.pinned = undefined;
        this.redraw();
        const learned = result.cells.filter((cell) => cell.learned >= 0.5).length;
        const diverged = divergedCells(result.cells);
        this.status.element.dataset.cells = String(result.cells.length);
        this.status.show(
          `trained ${result.config.sw2Cells} × ${result.config.depths.length} cells · K = ${result.config.copies} · ` +
            `${result.config.steps} steps · done in ${formatSeconds(Number(this.status.element.dataset.ms) / 1000)}` +
            ` · ${learned} of ${result.cells.length} cells: most copies learned` +
            (diverged.all + diverged.some > 0 ? ` · ${diverged.all + diverged.some} with diverged copies` : ''),
        );
      },
      onState: (runState, error) => {
        this.status.state = runState;
        this.trainButton.textContent = runState === 'running' ? 'Abort' : 'Train';
        this.trainButton.dataset.state = runState;
        if (runState === 'aborted') this.status.show('Training aborted: press Train to start again.');
        if (runState === 'error') {
          this.status.fail('Training failed', error);
          context.notify(`Trainable depth failed: ${errorMessage(error)}`, 'error');
        }
      },
    });
    this.redraw();
  }

  /** The phase map's window moved (or its activation): followed while linked. */
  setPhase(phase: PhaseWindow): void {
    this.phase = phase;
    if (!this.state.link) return;
    this.gui.show(this.guiValues());
    this.settingsChanged();
  }

  /** The panel's state (for the URL). */
  get urlState(): DepthPanelState {
    return this.state;
  }

  /** The experiment the panel trains on Train. */
  config(): TrainabilityConfig {
    return depthConfig(this.state, this.phase);
  }

  destroy(): void {
    this.runner.destroy();
    this.gui.destroy();
    const engine = this.engine;
    void this.runner.settled.then(() =>
      engine?.then(
        (made) => made.destroy(),
        () => undefined,
      ),
    );
  }

  private guiValues() {
    const values: ParamValues = { ...this.state.values, link: this.state.link };
    if (this.state.link) for (const key of LINKED_KEYS) values[key] = this.config()[key];
    return values;
  }

  private enableLinked(): void {
    for (const key of LINKED_KEYS) this.gui.enable(key, !this.state.link);
  }

  private addDepthsField(folder: GUI): void {
    const controller = folder.add(this.depthsField, 'depths').name('depths L (list)');
    controller.domElement.dataset.key = 'depths';
    controller.domElement.title =
      'Hidden layers of each row: increasing integers separated by commas, e.g. 2, 8, 32 (the CLI’s --depths).';
    controller.onFinishChange((text: string) => {
      const parsed = parseDepthsField(text);
      this.depthsValid = 'depths' in parsed;
      controller.domElement.classList.toggle('invalid', !this.depthsValid);
      this.trainButton.disabled = !this.depthsValid;
      if ('message' in parsed) {
        this.depthsError.textContent = `Depths not changed: ${parsed.message}.`;
        this.context.notify(`Trainable depth: ${parsed.message}`, 'warning');
        return;
      }
      this.depthsError.textContent = '';
      this.state = { ...this.state, depths: parsed.depths };
      this.depthsField.depths = formatDepths(parsed.depths);
      controller.updateDisplay();
      this.settingsChanged();
    });
  }

  private onKnob(key: string, value: ParamValue): void {
    const next = withDepthKnob(this.state, this.kind, key, value);
    if (next.notice) this.context.notify(`Trainable depth: ${next.notice}`, 'warning');
    this.state = next.state;
    this.enableLinked();
    this.gui.show(this.guiValues());
    this.settingsChanged();
  }

  private onTrain(): void {
    if (this.runner.state === 'running') {
      this.runner.abort();
      return;
    }
    if (!this.depthsValid) return;
    this.status.show('starting…');
    this.runner.request(this.config(), 0);
  }

  /** New settings: the URL and command follow; a shown result says it is of the settings before. */
  private settingsChanged(): void {
    this.onStateChange();
    this.command.refresh();
    if (this.result && JSON.stringify(this.result.config) !== JSON.stringify(this.config())) {
      this.panel.root.dataset.stale = 'true';
      if (this.runner.state !== 'running') this.status.show('Settings changed: press Train to train them.');
    } else delete this.panel.root.dataset.stale;
    if (!this.result) this.redraw();
  }

  private curve(config: TrainabilityConfig): DepthCurvePoint[] {
    const { sw2Min, sw2Max, sw2Cells } = config;
    const half = halfStep(sw2Min, sw2Max, sw2Cells);
    const from = Math.max(0.01, sw2Min - half);
    const to = sw2Max + half;
    const key = `${config.activation} ${config.sb2} ${from} ${to}`;
    let curve = this.curveCache.get(key);
    if (!curve) {
      curve = depthScaleCurve(config, from, to);
      this.curveCache.set(key, curve);
    }
    return curve;
  }

  private redraw(): void {
    const config = this.result?.config ?? this.config();
    const cells = this.result?.cells.map((cell) => ({ value: depthCellValue(cell), hatched: depthCellHatched(cell) }));
    this.map.draw({ ...config, cells, curve: this.curve(config), pinned: this.pinned });
    const deepest = this.result?.depthScale.reduce((best, point) => (point.xi > best.xi ? point : best));
    this.mapCaption.textContent =
      (this.result
        ? `Colour: the share of K = ${config.copies} copies per cell that reached training accuracy ≥ ` +
          `${config.target} on ${config.dataset} after ${config.steps} steps (α = ${config.alpha}, width ` +
          `${config.width}, σ_b² = ${config.sb2}, ${config.activation}). `
        : 'Not trained yet: the grid and the theory’s curves of the current settings. ') +
      'White line: the theory’s trainable depth 6 ξ_c(σ_w²); dashed: ξ_c. ' +
      (deepest && Number.isFinite(deepest.xi)
        ? `Deepest at σ_w² = ${formatNumber(deepest.sw2)} (6 ξ_c = ${formatNumber(deepest.sixXi)}). `
        : '') +
      'Hover a cell for its numbers, click to pin it.';
    this.showCell();
  }

  private showCell(): void {
    const result = this.result;
    const at = this.hovered ?? this.pinned;
    const cell = result && depthCellAt(result, at);
    this.cellTable.replaceChildren();
    if (!result || !cell || !at) {
      this.cellCaption.textContent = result ? 'Hover or click a cell of the map for its numbers.' : '';
      delete this.cellTable.dataset.cell;
      return;
    }
    for (const [label, value] of depthCellLines(cell)) {
      const line = this.cellTable.insertRow();
      line.insertCell().textContent = label;
      const valueCell = line.insertCell();
      valueCell.className = 'value';
      valueCell.textContent = value;
    }
    const theory = result.depthScale[at.column];
    const xi = theory && Number.isFinite(theory.xi) && theory.xi > 0 ? theory.xi : undefined;
    const line = this.cellTable.insertRow();
    line.insertCell().textContent = 'theory';
    const theoryCell = line.insertCell();
    theoryCell.className = 'value';
    theoryCell.textContent = xi
      ? `ξ_c = ${formatNumber(xi)}, 6 ξ_c = ${formatNumber(6 * xi)}: depth ${cell.depth} is ` +
        `${cell.depth <= 6 * xi ? 'within' : 'beyond'} it`
      : theory && theory.xi === Infinity
        ? 'ξ_c = ∞ (critical): every depth within 6 ξ_c'
        : 'no depth scale here';
    this.cellTable.dataset.cell = `${at.column},${at.row}`;
    this.cellCaption.textContent = `${this.hovered ? 'Hovered' : 'Pinned'} cell (${at.column}, ${at.row}).`;
  }

  private csv(): string | undefined {
    const result = this.result;
    if (!result) return undefined;
    const { sw2Cells } = result.config;
    const rows = result.cells.map((cell, index) => {
      const column = index % sw2Cells;
      const theory = result.depthScale[column];
      return [
        column,
        Math.floor(index / sw2Cells),
        cell.sw2,
        cell.depth,
        cell.copies,
        cell.learned,
        cell.diverged,
        cell.finalLoss.p10,
        cell.finalLoss.median,
        cell.finalLoss.p90,
        cell.medianAccuracy,
        theory?.xi,
        theory?.sixXi,
      ];
    });
    return toCsv(CELL_HEADER, rows);
  }
}
