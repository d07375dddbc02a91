// The Signal propagation explorer's state, pure (no DOM, unit-tested): the URL (PHASE_PARAMS with the page's
// defaults for the backend, plus the view's own knobs), the `phase` command line, the presets that name the
// seed's cases on the plane, the link that opens a cell in the Initialization explorer, and the verdict of a cell.

import type { Activation } from '../core/activations';
import { type BackendKind, commandLine, type ParamSpec, type ParamValues, tableForAdapter } from '../core/params';
import type { PhaseCell } from '../core/phase';
import {
  ConfigError,
  cellSb2,
  cellSw2,
  PHASE_PARAMS,
  type PhaseConfig,
  type PhaseParamSpec,
  validatePhaseConfig,
} from '../core/phaseConfig';
import { readUrl, writeUrl } from './kit/urlState';

export type PhaseQuantity = 'chi1' | 'c';
export type PhaseSource = 'measured' | 'theory';

export interface PhaseViewState {
  /** What the map colours: log χ₁ or c^L. */
  map: PhaseQuantity;
  source: PhaseSource;
  /** The 3D surface of the same map, drawn on request. */
  surface: boolean;
  /** The pinned cell (column, row); −1 = the cell nearest the critical point at the lowest σ_b². */
  pinW: number;
  pinB: number;
}

export const PHASE_VIEW_PARAMS: readonly ParamSpec[] = [
  {
    key: 'map',
    label: 'map shows',
    kind: 'choice',
    choices: ['chi1', 'c'],
    choiceLabels: { chi1: 'log χ₁ (gradient factor)', c: 'c at depth L' },
    default: 'chi1',
    help: 'χ₁: the factor by which gradients grow per layer; c^L: the correlation of two inputs at the last layer.',
  },
  {
    key: 'source',
    label: 'values',
    kind: 'choice',
    choices: ['measured', 'theory'],
    choiceLabels: { measured: 'measured (random nets)', theory: 'mean-field theory' },
    default: 'measured',
    help: 'Measured on the random networks, or predicted by mean-field theory.',
  },
  {
    key: 'surface',
    label: '3D surface',
    kind: 'bool',
    default: false,
    help: 'Also draw the map as a 3D surface (three.js).',
  },
  {
    key: 'pinW',
    label: 'pinned column',
    kind: 'int',
    min: -1,
    max: 63,
    default: -1,
    help: 'Column (σ_w² index) of the pinned cell; −1: the cell nearest the critical line.',
  },
  {
    key: 'pinB',
    label: 'pinned row',
    kind: 'int',
    min: -1,
    max: 63,
    default: -1,
    help: 'Row (σ_b² index) of the pinned cell; −1: the cell nearest the critical line.',
  },
];

export function phaseParamTable(backend: BackendKind): PhaseParamSpec[] {
  return tableForAdapter(PHASE_PARAMS, backend);
}

export function defaultPhaseConfig(backend: BackendKind): PhaseConfig {
  return validatePhaseConfig(Object.fromEntries(phaseParamTable(backend).map((spec) => [spec.key, spec.default])));
}

export interface PhaseUrlState {
  config: PhaseConfig;
  view: PhaseViewState;
  notices: string[];
}

/**
 * A config from clamped table values: a window given upside down (σ_w² to below σ_w² from) is turned the
 * right way round, with a notice; anything else the table already clamped.
 */
export function fitPhaseConfig(values: ParamValues, backend: BackendKind): { config: PhaseConfig; notices: string[] } {
  const raw: Record<string, unknown> = Object.fromEntries(PHASE_PARAMS.map((spec) => [spec.key, values[spec.key]]));
  const notices: string[] = [];
  for (const [low, high, name] of [
    ['sw2Min', 'sw2Max', 'σ_w²'],
    ['sb2Min', 'sb2Max', 'σ_b²'],
  ] as const) {
    if ((raw[high] as number) < (raw[low] as number)) {
      notices.push(`${name} from ${raw[low]} is above ${name} to ${raw[high]}: swapped`);
      [raw[low], raw[high]] = [raw[high], raw[low]];
    }
  }
  try {
    return { config: validatePhaseConfig(raw), notices };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return { config: defaultPhaseConfig(backend), notices: [...notices, `${error.message}; using the defaults`] };
  }
}

/** The explorer's state from its URL parameters (extraKeys: its panels'): never throws; bad values become notices. */
export function readPhaseUrl(
  search: URLSearchParams,
  backend: BackendKind,
  extraKeys: readonly string[] = [],
): PhaseUrlState {
  const { values, notices } = readUrl([...phaseParamTable(backend), ...PHASE_VIEW_PARAMS], search, extraKeys);
  const fitted = fitPhaseConfig(values, backend);
  const view: PhaseViewState = {
    map: values.map as PhaseQuantity,
    source: values.source as PhaseSource,
    surface: values.surface as boolean,
    pinW: values.pinW as number,
    pinB: values.pinB as number,
  };
  return { config: fitted.config, view, notices: [...notices, ...fitted.notices] };
}

/** The URL parameters of a state: only values that differ from their (backend's) defaults. */
export function writePhaseUrl(config: PhaseConfig, view: PhaseViewState, backend: BackendKind): URLSearchParams {
  return writeUrl([...phaseParamTable(backend), ...PHASE_VIEW_PARAMS], { ...config, ...view });
}

/** `npm run cli -- phase …`: the same grid headless (flags at the CLI's defaults omitted). */
export function phaseCommand(config: PhaseConfig): string {
  return commandLine('phase', PHASE_PARAMS, { ...config });
}

// ---- cells ----

/** The cell nearest (σ_w², σ_b²) on the config's grid. */
export function nearestCell(config: PhaseConfig, sw2: number, sb2: number): { iw: number; ib: number } {
  const nearest = (count: number, at: (index: number) => number, value: number) => {
    let best = 0;
    for (let index = 1; index < count; index++) {
      if (Math.abs(at(index) - value) < Math.abs(at(best) - value)) best = index;
    }
    return best;
  };
  return {
    iw: nearest(config.cellsW, (iw) => cellSw2(config, iw), sw2),
    ib: nearest(config.cellsB, (ib) => cellSb2(config, ib), sb2),
  };
}

/**
 * The pinned cell of a view on this grid: its own when set (clamped to the grid), else the cell nearest the
 * critical σ_w² at the lowest σ_b² (the critical line's first point; the middle of the window when it has none).
 */
export function pinnedCell(config: PhaseConfig, view: PhaseViewState, criticalSw2: number): { iw: number; ib: number } {
  if (view.pinW >= 0 && view.pinB >= 0) {
    return { iw: Math.min(view.pinW, config.cellsW - 1), ib: Math.min(view.pinB, config.cellsB - 1) };
  }
  return nearestCell(config, Number.isFinite(criticalSw2) ? criticalSw2 : (config.sw2Min + config.sw2Max) / 2, 0);
}

// ---- presets ----

export interface PhasePreset {
  id: string;
  label: string;
  activation?: Activation;
  sw2: number;
  sb2: number;
  /** One sentence: what the case is. */
  story: string;
}

/** The seed's cases (the Initialization explorer's presets) as points of the plane. */
export const PHASE_PRESETS: readonly PhasePreset[] = [
  {
    id: 'zero-ish',
    label: 'zero-ish',
    sw2: 0.05,
    sb2: 0,
    story: 'Nearly zero weights: deep in the ordered phase, the signal and its gradients die within a few layers.',
  },
  {
    id: 'too-small',
    label: 'too small',
    sw2: 0.5,
    sb2: 0,
    story: 'Half the critical variance: ordered, gradients shrink by χ₁ ≈ 0.5 per layer.',
  },
  {
    id: 'xavier',
    label: 'Xavier',
    activation: 'tanh',
    sw2: 1,
    sb2: 0,
    story: 'Var(W) = 1/n with tanh and no biases: on the critical line χ₁ = 1.',
  },
  {
    id: 'too-large',
    label: 'too large',
    sw2: 4,
    sb2: 0,
    story: 'Four times the critical variance: chaotic, gradients grow and nearby inputs decorrelate.',
  },
  {
    id: 'he-relu',
    label: 'He for ReLU',
    activation: 'relu',
    sw2: 2,
    sb2: 0,
    story: 'Var(W) = 2/n with ReLU: its critical point (χ₁ = σ_w²/2 = 1).',
  },
];

/**
 * The config and pin a preset leads to: its activation (when it names one), the window widened to hold its
 * point, and the cell nearest the point pinned.
 */
export function applyPhasePreset(
  config: PhaseConfig,
  view: PhaseViewState,
  preset: PhasePreset,
): { config: PhaseConfig; view: PhaseViewState } {
  const next: PhaseConfig = {
    ...config,
    activation: preset.activation ?? config.activation,
    sw2Min: Math.min(config.sw2Min, preset.sw2),
    sw2Max: Math.max(config.sw2Max, preset.sw2),
    sb2Min: Math.min(config.sb2Min, preset.sb2),
    sb2Max: Math.max(config.sb2Max, preset.sb2),
  };
  const { iw, ib } = nearestCell(next, preset.sw2, preset.sb2);
  return { config: next, view: { ...view, pinW: iw, pinB: ib } };
}

// ---- the link to the Initialization explorer ----

/**
 * The Initialization explorer's URL state of a cell: the same net (activation, width, depth, seed) with
 * Var(W) = σ_w²/n and biases of variance σ_b². Its scheme xavier-normal draws Var(W) = s²/n[l−1] with
 * n[l−1] = width (inputWidth follows width), so s = √σ_w²; biasStd = √σ_b².
 */
export function initLinkParams(config: PhaseConfig, cell: { sw2: number; sb2: number }): URLSearchParams {
  return new URLSearchParams({
    view: 'init',
    activation: config.activation,
    scheme: 'xavier-normal',
    scale: String(Math.sqrt(cell.sw2)),
    biasStd: String(Math.sqrt(cell.sb2)),
    width: String(config.width),
    depth: String(config.depth),
    seed: String(config.seed),
  });
}

/**
 * Cells that exploded: a network overflowed (non-finite z or δ), or the measured q*, χ₁ or c^L is not finite
 * (in f64 the squares overflow long before the values do: ReLU far in the chaotic phase).
 */
export function explodedCells(cells: readonly PhaseCell[]): number {
  return cells.filter(
    (cell) =>
      cell.nonFinite > 0 ||
      !Number.isFinite(cell.qStar.measured) ||
      !Number.isFinite(cell.chi1.measured) ||
      !Number.isFinite(cell.c.measured),
  ).length;
}

// ---- the verdict ----

export type Phase = 'ordered' | 'critical' | 'chaotic' | 'exploded';

/** |χ₁ − 1| up to this counts as critical. */
export const CRITICAL_BAND = 0.1;
/** c^L at least this: the inputs have collapsed onto one. */
const COLLAPSED = 0.99;

export interface CellVerdict {
  phase: Phase;
  /** χ₁ read (measured when it could be, else the theory's). */
  chi1: number;
  text: string;
}

function short(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (value !== 0 && (Math.abs(value) >= 1e4 || Math.abs(value) < 1e-3)) return value.toExponential(1);
  return String(Number(value.toPrecision(2)));
}

/** The phase of χ₁: ordered below the critical band, chaotic above it. */
export function phaseOf(chi1: number): Exclude<Phase, 'exploded'> {
  if (Math.abs(chi1 - 1) <= CRITICAL_BAND) return 'critical';
  return chi1 < 1 ? 'ordered' : 'chaotic';
}

/** "ordered: χ₁ = 0.62, gradients shrink 0.62× per layer …": what the pinned cell's numbers mean. */
export function cellVerdict(cell: PhaseCell, config: Pick<PhaseConfig, 'inits' | 'depth' | 'c0'>): CellVerdict {
  const L = config.depth;
  if (cell.nonFinite >= config.inits) {
    return {
      phase: 'exploded',
      chi1: cell.chi1.theory,
      text:
        `exploded: every network of this cell overflowed (not finite); ` +
        `the theory's χ₁ = ${short(cell.chi1.theory)}.`,
    };
  }
  const measured = Number.isFinite(cell.chi1.measured);
  const chi1 = measured ? cell.chi1.measured : cell.chi1.theory;
  const source = measured ? '' : ' (theory; not measurable here)';
  const c = Number.isFinite(cell.c.measured) ? cell.c.measured : cell.c.theory;
  const overDepth = `×${short(chi1 ** (L - 1))} over ${L} layers`;
  const correlation =
    c >= COLLAPSED
      ? `inputs collapse (c → 1: c^L = ${short(c)} from c₀ = ${short(config.c0)})`
      : c < config.c0 - 0.05
        ? `nearby inputs decorrelate (c^L = ${short(c)} from c₀ = ${short(config.c0)})`
        : `correlations barely move (c^L = ${short(c)} from c₀ = ${short(config.c0)})`;
  const exploded = cell.nonFinite > 0 ? ` ${cell.nonFinite} of ${config.inits} networks overflowed.` : '';
  const phase = phaseOf(chi1);
  const head = `${phase}: χ₁ = ${short(chi1)}${source}`;
  switch (phase) {
    case 'ordered':
      return {
        phase,
        chi1,
        text: `${head}, gradients shrink ${short(chi1)}× per layer (${overDepth}); ${correlation}.${exploded}`,
      };
    case 'chaotic':
      return {
        phase,
        chi1,
        text: `${head}, gradients grow ${short(chi1)}× per layer (${overDepth}); ${correlation}.${exploded}`,
      };
    case 'critical':
      return {
        phase,
        chi1,
        text:
          `${head} ≈ 1, gradients keep their size over depth (${overDepth}); ${correlation}: ` +
          `deep nets train here.${exploded}`,
      };
  }
}
