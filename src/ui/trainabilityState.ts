// The Trainable depth panel's state, pure (no DOM, unit-tested): its knobs in the URL under `td.` (the phase
// view's own keys share names with TRAINABILITY_PARAMS: activation, sw2Min, sw2Max, width), the depth list as a
// text field checked by the config's parser, the link to the phase map's σ_w² window and activation, the
// `trainability` command line, the cell under a pointer and what a cell's numbers say, and the value the map
// colours (the share that learned; NaN where every copy diverged, so a blow-up never enters the scale).

import {
  type BackendKind,
  commandLine,
  type ParamSpec,
  type ParamValue,
  type ParamValues,
  parseParam,
  tableForAdapter,
} from '../core/params';
import type { TrainabilityCell, TrainabilityResult } from '../core/trainability';
import {
  ConfigError,
  parseDepths,
  TRAINABILITY_DEPTHS,
  TRAINABILITY_PARAMS,
  type TrainabilityConfig,
  validateTrainabilityConfig,
} from '../core/trainabilityConfig';
import { formatNumber } from './kit/dom';
import { readUrl, writeUrl } from './kit/urlState';

/** The panel's URL keys are its table's keys behind this prefix. */
export const DEPTH_URL_PREFIX = 'td.';
/** The URL key of the depth list (not in the table: a list, like the CLI's --depths). */
export const DEPTHS_URL_KEY = `${DEPTH_URL_PREFIX}depths`;
/** The knobs the phase map's window sets while the panel is linked to it. */
export const LINKED_KEYS = ['activation', 'sw2Min', 'sw2Max'] as const;

/** The panel's own switch: follow the phase map's σ_w² window and activation. */
export const DEPTH_LINK_SPEC: ParamSpec = {
  key: 'link',
  label: 'σ_w², φ from the map',
  kind: 'bool',
  default: true,
  help: 'Take the σ_w² range and the activation from the phase diagram above, so the two read together.',
};

export interface DepthPanelState {
  /** The table's values (unprefixed keys), the page's defaults for the backend where not given. */
  values: ParamValues;
  depths: number[];
  /** Follow the phase map's window (LINKED_KEYS). */
  link: boolean;
}

/** TRAINABILITY_PARAMS with the page's defaults for the backend, and the link switch. */
export function depthParamTable(backend: BackendKind): ParamSpec[] {
  return [...tableForAdapter(TRAINABILITY_PARAMS, backend), DEPTH_LINK_SPEC];
}

function prefixed(table: readonly ParamSpec[]): ParamSpec[] {
  return table.map((spec) => ({ ...spec, key: `${DEPTH_URL_PREFIX}${spec.key}` }));
}

/** Every URL key the panel reads (for the phase view's unknown-key notices). */
export function depthUrlKeys(): string[] {
  return [...prefixed(depthParamTable('gpu')).map((spec) => spec.key), DEPTHS_URL_KEY];
}

/** The depth list's text: "2, 8, 32". */
export function formatDepths(depths: readonly number[]): string {
  return depths.join(', ');
}

/**
 * A typed depth list: its depths, or the parser's message (the text is only ever shown as text, never as markup).
 */
export function parseDepthsField(text: string): { depths: number[] } | { message: string } {
  try {
    return { depths: parseDepths(text) };
  } catch (error) {
    if (error instanceof ConfigError) return { message: error.message };
    throw error;
  }
}

/** The panel's state from the URL: never throws; bad values become notices (prefixed keys). */
export function readDepthUrl(
  search: URLSearchParams,
  backend: BackendKind,
): { state: DepthPanelState; notices: string[] } {
  const table = prefixed(depthParamTable(backend));
  const own = new URLSearchParams();
  for (const [key, value] of search) if (key.startsWith(DEPTH_URL_PREFIX)) own.append(key, value);
  const { values: read, notices } = readUrl(table, own, [DEPTHS_URL_KEY]);
  const values: ParamValues = {};
  for (const [key, value] of Object.entries(read)) values[key.slice(DEPTH_URL_PREFIX.length)] = value;
  const { link, ...knobs } = values;
  let depths = [...TRAINABILITY_DEPTHS[backend]];
  const typed = search.getAll(DEPTHS_URL_KEY).at(-1);
  if (typed !== undefined) {
    const parsed = parseDepthsField(typed);
    if ('depths' in parsed) depths = parsed.depths;
    else notices.push(`${DEPTHS_URL_KEY}: ${parsed.message}; using ${formatDepths(depths)}`);
  }
  if ((knobs.sw2Max as number) < (knobs.sw2Min as number)) {
    notices.push(`${DEPTH_URL_PREFIX}sw2Min is above ${DEPTH_URL_PREFIX}sw2Max: swapped`);
    [knobs.sw2Min, knobs.sw2Max] = [knobs.sw2Max, knobs.sw2Min];
  }
  return { state: { values: knobs, depths, link: link as boolean }, notices };
}

/** The panel's URL parameters: only what differs from the backend's defaults, keys prefixed. */
export function writeDepthUrl(state: DepthPanelState, backend: BackendKind): URLSearchParams {
  const values: ParamValues = { link: state.link };
  for (const [key, value] of Object.entries(state.values)) values[key] = value;
  const own = writeUrl(depthParamTable(backend), values);
  const search = new URLSearchParams();
  for (const [key, value] of own) search.set(`${DEPTH_URL_PREFIX}${key}`, value);
  if (formatDepths(state.depths) !== formatDepths(TRAINABILITY_DEPTHS[backend])) {
    search.set(DEPTHS_URL_KEY, state.depths.join(','));
  }
  return search;
}

/** A knob moved: its value parsed and clamped by the table (a notice when it was not taken as given). */
export function withDepthKnob(
  state: DepthPanelState,
  backend: BackendKind,
  key: string,
  value: ParamValue,
): { state: DepthPanelState; notice?: string } {
  const spec = depthParamTable(backend).find((candidate) => candidate.key === key);
  if (!spec) return { state };
  const parsed = parseParam(spec, value, key === 'link' ? state.link : state.values[key]);
  if (key === 'link') return { state: { ...state, link: parsed.value as boolean }, notice: parsed.message };
  return { state: { ...state, values: { ...state.values, [key]: parsed.value } }, notice: parsed.message };
}

/** The phase map's window as the panel reads it. */
export interface PhaseWindow {
  activation: string;
  sw2Min: number;
  sw2Max: number;
}

/**
 * The experiment's config: the panel's knobs, with the phase map's σ_w² window and activation while linked (kept
 * in the table's range), ends swapped when given upside down. Throws a ConfigError only for a bad depth list.
 */
export function depthConfig(state: DepthPanelState, phase: PhaseWindow): TrainabilityConfig {
  const raw: Record<string, unknown> = { ...state.values, depths: state.depths };
  if (state.link) {
    for (const key of LINKED_KEYS) {
      const spec = TRAINABILITY_PARAMS.find((candidate) => candidate.key === key);
      if (spec) raw[key] = parseParam(spec, phase[key]).value;
    }
  }
  if ((raw.sw2Max as number) < (raw.sw2Min as number)) [raw.sw2Min, raw.sw2Max] = [raw.sw2Max, raw.sw2Min];
  return validateTrainabilityConfig(raw);
}

/** `npm run cli -- trainability …`: the same grid headless (flags at the CLI's defaults omitted). */
export function depthCommand(config: TrainabilityConfig): string {
  const { depths, ...values } = config;
  const same = depths.join(',') === TRAINABILITY_DEPTHS.default.join(',');
  return commandLine('trainability', TRAINABILITY_PARAMS, values, same ? [] : [`--depths=${depths.join(',')}`]);
}

// ---- cells ----

/** The cell of column (σ_w² index) and row (depth index): cells are row-major, row · sw2Cells + column. */
export function depthCellAt(
  result: Pick<TrainabilityResult, 'config' | 'cells'>,
  at: { column: number; row: number } | undefined,
): TrainabilityCell | undefined {
  if (!at) return undefined;
  const { sw2Cells, depths } = result.config;
  if (at.column < 0 || at.column >= sw2Cells || at.row < 0 || at.row >= depths.length) return undefined;
  return result.cells[at.row * sw2Cells + at.column];
}

/** What the map colours: the share that learned; NaN where every copy diverged (hatched, outside the scale). */
export function depthCellValue(cell: TrainabilityCell): number {
  return cell.diverged >= 1 ? NaN : cell.learned;
}

/** Whether the map hatches a cell: some copy diverged (counted as not learned). */
export function depthCellHatched(cell: TrainabilityCell): boolean {
  return cell.diverged > 0;
}

/** "learned 3/4 · diverged 1/4 · median final loss 0.021 (p10 … p90) · median accuracy 1": a cell's numbers. */
export function depthCellLines(cell: TrainabilityCell): Array<[string, string]> {
  const K = cell.copies;
  const count = (share: number) => `${Math.round(share * K)}/${K}`;
  const { p10, median, p90 } = cell.finalLoss;
  return [
    ['cell', `σ_w² = ${formatNumber(cell.sw2)}, depth ${cell.depth}`],
    ['learned', `${count(cell.learned)} copies`],
    ['diverged', `${count(cell.diverged)} copies${cell.diverged > 0 ? ' (not finite: counted as not learned)' : ''}`],
    [
      'final training loss',
      median === null
        ? '— (no finite copy)'
        : `median ${formatNumber(median)} (p10 ${formatNumber(p10)}, p90 ${formatNumber(p90)})`,
    ],
    ['training accuracy', cell.medianAccuracy === null ? '—' : `median ${formatNumber(cell.medianAccuracy)}`],
  ];
}

/** Cells where every copy diverged, and cells where some did. */
export function divergedCells(cells: readonly TrainabilityCell[]): { all: number; some: number } {
  return {
    all: cells.filter((cell) => cell.diverged >= 1).length,
    some: cells.filter((cell) => cell.diverged > 0 && cell.diverged < 1).length,
  };
}
