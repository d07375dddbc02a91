// URL state of the Initialization explorer: the experiment (INIT_PARAMS, with defaults sized to the
// adapter) plus the view toggles (INIT_VIEW_PARAMS), both read with readParams (clamping, notices)
// and written with writeParams (defaults omitted). Pure: no DOM, unit-tested.

import { ConfigError, INIT_PARAMS, type InitConfig, type InitParamSpec, validateInitConfig } from '../core/initConfig';
import { type ParamSpec, type ParamValues, readParams, writeParams } from '../core/params';
import { nextSeed } from '../core/rng';

export { nextSeed };
import type { Quantity } from '../core/stats';

/**
 * Defaults that keep a run interactive: a software adapter (~100× slower) gets small ones. Measured
 * on SwiftShader (2 cores, depth 10, batch 16, K = 64): n = 128 took 6–8 s per run, n = 64 1.5–4 s.
 */
export const SOFTWARE_DEFAULTS = { width: 64, inits: 64 } as const;
export const HARDWARE_DEFAULTS = { width: 1024, inits: 1024 } as const;

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
    default: 'a',
    help: 'a = φ(z) activations, z = pre-activations, delta = δ = ∂L/∂z back-propagated gradients.',
  },
  {
    key: 'density',
    label: 'density',
    kind: 'choice',
    choices: ['log', 'linear'],
    default: 'log',
    help: 'Height of the histograms: log10 or linear fraction.',
  },
  {
    key: 'layer',
    label: 'inspect layer',
    kind: 'int',
    min: 0,
    max: 200,
    default: 0,
    help: 'Layer the derivation measures at (0 = middle layer).',
  },
];

/** INIT_PARAMS with the defaults of this kind of adapter (ranges unchanged: they live in the table). */
export function initParamTable(software: boolean): InitParamSpec[] {
  const defaults: Record<string, number> = software ? SOFTWARE_DEFAULTS : HARDWARE_DEFAULTS;
  return INIT_PARAMS.map((spec) => (spec.key in defaults ? { ...spec, default: defaults[spec.key] } : spec));
}

export function defaultInitConfig(software: boolean): InitConfig {
  const values: Record<string, unknown> = {};
  for (const spec of initParamTable(software)) {
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
export function readInitUrl(search: URLSearchParams, software: boolean): InitUrlState {
  const table = initParamTable(software);
  const known = new Set([...table, ...INIT_VIEW_PARAMS].map((spec) => spec.key));
  const notices: string[] = [];
  for (const key of new Set(search.keys())) {
    if (!known.has(key)) notices.push(`unknown URL parameter ${JSON.stringify(key)} ignored`);
  }
  const experiment = readParams(table, search);
  const view = readParams(INIT_VIEW_PARAMS, search);
  notices.push(...experiment.notices, ...view.notices);
  let config: InitConfig;
  try {
    config = validateInitConfig(experiment.values);
  } catch (error) {
    // readParams already clamps every value into the table's ranges; this is a safety net.
    if (!(error instanceof ConfigError)) throw error;
    notices.push(`${error.message}; using the defaults`);
    config = defaultInitConfig(software);
  }
  return {
    config,
    view: {
      quantity: view.values.quantity as Quantity,
      density: view.values.density as Density,
      layer: view.values.layer as number,
    },
    notices,
  };
}

/** The URL parameters of a state: only values that differ from their (adapter's) defaults. */
export function writeInitUrl(config: InitConfig, view: InitViewState, software: boolean): URLSearchParams {
  const search = writeParams(initParamTable(software), config as unknown as ParamValues);
  for (const [key, value] of writeParams(INIT_VIEW_PARAMS, view as unknown as ParamValues)) search.set(key, value);
  return search;
}

/** The layer the derivation panel measures at: `layer` clamped to 1..depth, 0 = the middle layer. */
export function inspectedLayer(view: InitViewState, depth: number): number {
  if (view.layer === 0) return Math.max(1, Math.ceil(depth / 2));
  return Math.min(depth, Math.max(1, view.layer));
}
