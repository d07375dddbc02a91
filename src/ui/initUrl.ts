// URL state and knob rules of the Initialization explorer: the experiment (INIT_PARAMS, with the
// page's defaults for this backend: tableForAdapter applies the table's gpuDefault, softwareDefault or cpuDefault)
// plus the view toggles (INIT_VIEW_PARAMS), read and written through the kit (clamping, notices,
// defaults omitted), the knob rule that keeps inputWidth in step with width, and the `stats` command
// line of a config (the CLI's own defaults omitted). Pure: no DOM, unit-tested.

import { ConfigError, INIT_PARAMS, type InitConfig, type InitParamSpec, validateInitConfig } from '../core/initConfig';
import {
  type BackendKind,
  commandLine,
  type ParamSpec,
  type ParamValue,
  parseParam,
  tableForAdapter,
} from '../core/params';
import { nextSeed } from '../core/rng';
import type { Quantity } from '../core/stats';
import { readUrl, writeUrl } from './kit/urlState';

export { nextSeed };

export type Density = 'log' | 'linear';

export interface InitViewState {
  /** Which quantity the landscape and the small multiples show. */
  quantity: Quantity;
  density: Density;
  /** Layer the derivation panel measures at; 0 = the middle layer. */
  layer: number;
}

export const INIT_VIEW_PARAMS: readonly ParamSpec[] = [
  {
    key: 'quantity',
    label: 'show',
    kind: 'choice',
    choices: ['a', 'z', 'delta'],
    choiceLabels: { a: 'activations a', z: 'pre-activations z', delta: 'gradients δ' },
    default: 'a',
    help: 'a = φ(z) activations, z = pre-activations, delta = δ = ∂L/∂z back-propagated gradients.',
  },
  {
    key: 'density',
    label: 'density',
    kind: 'choice',
    choices: ['log', 'linear'],
    choiceLabels: { log: 'log density', linear: 'linear density' },
    default: 'log',
    help: 'Height of the histograms: log10 or linear fraction.',
  },
  {
    key: 'layer',
    label: 'inspect layer (0 = middle)',
    kind: 'int',
    min: 0,
    max: 200,
    default: 0,
    help: 'Layer the derivation measures at (0 = middle layer).',
  },
];

export const VIEW_KEYS: ReadonlySet<string> = new Set(INIT_VIEW_PARAMS.map((spec) => spec.key));

/** INIT_PARAMS with the page's defaults on this backend (ranges unchanged: they live in the table). */
export function initParamTable(backend: BackendKind): InitParamSpec[] {
  return tableForAdapter(INIT_PARAMS, backend);
}

export function defaultInitConfig(backend: BackendKind): InitConfig {
  const values: Record<string, unknown> = {};
  for (const spec of initParamTable(backend)) {
    if (spec.defaultFrom === undefined) values[spec.key] = spec.default;
  }
  return validateInitConfig(values);
}

export interface InitUrlState {
  config: InitConfig;
  view: InitViewState;
  /** One sentence per value that was clamped, rounded, replaced or ignored. */
  notices: string[];
}

/** The explorer's state from its URL parameters: never throws; bad values become notices. */
export function readInitUrl(search: URLSearchParams, backend: BackendKind): InitUrlState {
  const { values, notices } = readUrl([...initParamTable(backend), ...INIT_VIEW_PARAMS], search);
  const experiment = Object.fromEntries(INIT_PARAMS.map((spec) => [spec.key, values[spec.key]]));
  let config: InitConfig;
  try {
    config = validateInitConfig(experiment);
  } catch (error) {
    // readUrl already clamps every value into the table's ranges; this is a safety net.
    if (!(error instanceof ConfigError)) throw error;
    notices.push(`${error.message}; using the defaults`);
    config = defaultInitConfig(backend);
  }
  // The inspected layer is one of the net's (0 = the middle one): a deeper one is clamped to the depth.
  const layer = Math.min(values.layer as number, config.depth);
  if (layer !== values.layer)
    notices.push(`layer: ${values.layer} is deeper than depth ${config.depth}; using ${layer}`);
  const view: InitViewState = { quantity: values.quantity as Quantity, density: values.density as Density, layer };
  return { config, view, notices };
}

/** The URL parameters of a state: only values that differ from their (backend's) defaults. */
export function writeInitUrl(config: InitConfig, view: InitViewState, backend: BackendKind): URLSearchParams {
  return writeUrl([...initParamTable(backend), ...INIT_VIEW_PARAMS], { ...config, ...view });
}

/** `npm run cli -- stats …`: the same run headless (flags at the CLI's defaults omitted). */
export function initCommand(config: InitConfig): string {
  return commandLine('stats', INIT_PARAMS, { ...config });
}

/**
 * The config after one knob moved: the value goes through the table (clamped or replaced, with the
 * message), and a new width carries inputWidth along unless the visitor set the two apart.
 */
export function withKnob(
  table: readonly InitParamSpec[],
  config: InitConfig,
  key: string,
  value: ParamValue,
): { config: InitConfig; message?: string } {
  const spec = table.find((candidate) => candidate.key === key);
  if (!spec) return { config };
  const parsed = parseParam(spec, value, config[spec.key]);
  const next = { ...config, [spec.key]: parsed.value };
  if (spec.key === 'width' && config.inputWidth === config.width) next.inputWidth = parsed.value as number;
  return { config: next, message: parsed.message };
}

/** The layer the derivation panel measures at: `layer` clamped to 1..depth, 0 = the middle layer. */
export function inspectedLayer(view: InitViewState, depth: number): number {
  if (view.layer === 0) return Math.max(1, Math.ceil(depth / 2));
  return Math.min(depth, Math.max(1, view.layer));
}
