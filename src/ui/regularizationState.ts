// URL state and small pure decisions of the Regularization explorer: the parameter table as the GUI
// and the URL see it (window and start default to the chosen model's, a software adapter gets a
// smaller grid), reading and writing the query string, and which knobs need which work.

import type { DescentRule } from '../core/descent';
import type { Penalty } from '../core/gridLoss';
import { parseParam, readParams, writeParams } from '../core/params';
import {
  REGULARIZATION_PARAMS,
  type RegularizationConfig,
  type RegularizationParamSpec,
  validateRegularizationConfig,
} from '../core/regularizationConfig';
import {
  defaultStart,
  defaultWindow,
  REGULARIZATION_MODEL_INFO,
  type RegularizationModel,
} from '../core/regularizationModels';

/** Defaults on a software adapter (SwiftShader: kernels run on the CPU, ~100× slower than a GPU). */
export const SOFTWARE_DEFAULTS = { grid: 128, points: 256 } as const;

export type HeightMode = 'log' | 'linear';
export interface RegularizationView {
  height: HeightMode;
}
export const DEFAULT_VIEW: RegularizationView = { height: 'log' };
const HEIGHT_KEY = 'height';

/** REGULARIZATION_PARAMS with the defaults that depend on the model and on the adapter filled in. */
export function regularizationTable(model: RegularizationModel, software: boolean): RegularizationParamSpec[] {
  const [w1Min, w1Max, w2Min, w2Max] = defaultWindow(model);
  const [startW1, startW2] = defaultStart(model);
  const defaults: Partial<Record<keyof RegularizationConfig, number | string>> = {
    model,
    w1Min,
    w1Max,
    w2Min,
    w2Max,
    startW1,
    startW2,
  };
  if (software) Object.assign(defaults, SOFTWARE_DEFAULTS);
  return REGULARIZATION_PARAMS.map((spec) => (spec.key in defaults ? { ...spec, default: defaults[spec.key]! } : spec));
}

/**
 * The configuration and view in a query string, with a notice for every value that was clamped or
 * replaced (the caller shows them). A window with min ≥ max falls back to the model's window.
 */
export function readRegularizationUrl(
  search: URLSearchParams,
  software: boolean,
): { config: RegularizationConfig; view: RegularizationView; notices: string[] } {
  const modelSpec = REGULARIZATION_PARAMS.find((spec) => spec.key === 'model')!;
  const modelParsed = parseParam(modelSpec, search.get('model') ?? undefined);
  const model = modelParsed.value as RegularizationModel;
  const { values, notices } = readParams(regularizationTable(model, software), search);
  let config: RegularizationConfig;
  try {
    config = validateRegularizationConfig(values);
  } catch (error) {
    notices.push(`${error instanceof Error ? error.message : String(error)}; using the ${model} model's window`);
    const [w1Min, w1Max, w2Min, w2Max] = defaultWindow(model);
    config = validateRegularizationConfig({ ...values, w1Min, w1Max, w2Min, w2Max });
  }
  const rawHeight = search.get(HEIGHT_KEY);
  let height = DEFAULT_VIEW.height;
  if (rawHeight === 'log' || rawHeight === 'linear') height = rawHeight;
  else if (rawHeight !== null) notices.push(`${HEIGHT_KEY}: "${rawHeight}" is not log or linear; using ${height}`);
  return { config, view: { height }, notices };
}

/** The query string of a configuration and view: only values that differ from their defaults. */
export function writeRegularizationUrl(
  config: RegularizationConfig,
  view: RegularizationView,
  software: boolean,
): URLSearchParams {
  // The model's own table omits the model (it is its own default there); the URL needs it unless it is
  // the table's default model.
  const search = writeParams(regularizationTable(config.model, software), { ...config });
  const defaultModel = REGULARIZATION_PARAMS.find((spec) => spec.key === 'model')!.default;
  if (config.model !== defaultModel) {
    const rest = [...search.entries()];
    search.set('model', config.model);
    for (const [key, value] of rest) {
      search.delete(key);
      search.append(key, value);
    }
  }
  if (view.height !== DEFAULT_VIEW.height) search.set(HEIGHT_KEY, view.height);
  return search;
}

/** Knobs that only move the descent path (CPU, no GPU pass). */
export const PATH_KEYS: ReadonlySet<keyof RegularizationConfig> = new Set([
  'alpha',
  'steps',
  'rule',
  'startW1',
  'startW2',
]);

/** What a change of `key` must redo: the descent path only, or the GPU evaluation (which caches J itself). */
export function changeKind(key: keyof RegularizationConfig): 'path' | 'evaluate' {
  return PATH_KEYS.has(key) ? 'path' : 'evaluate';
}

/** Whether a knob changes J for this model (the GUI greys out the others). */
export function knobMatters(key: keyof RegularizationConfig, config: RegularizationConfig): boolean {
  const { model } = config;
  switch (key) {
    case 'points':
    case 'noise':
    case 'trueW1':
    case 'trueW2':
    case 'seed':
      return REGULARIZATION_MODEL_INFO[model].usesData;
    case 'correlation':
    case 'eccentricity':
      return model === 'linear' || model === 'logistic';
    case 'h1':
    case 'h2':
    case 'a1':
    case 'a2':
      return model === 'quadratic';
    case 'mix':
      return config.penalty === 'elastic';
    default:
      return true;
  }
}

/** The penalty a descent rule minimizes: gd follows J alone, l1-* J + λL1, l2-decay J + λL2. */
export function rulePenalty(rule: DescentRule): Penalty {
  switch (rule) {
    case 'gd':
      return 'none';
    case 'l1-subgradient':
    case 'l1-proximal':
      return 'l1';
    case 'l2-decay':
      return 'l2';
  }
}

/** True when a refined minimizer has an exact zero coordinate (sits on the w1 or w2 axis). */
export function onAxis(w: readonly [number, number]): boolean {
  return w[0] === 0 || w[1] === 0;
}
