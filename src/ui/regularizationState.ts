// URL state and small pure decisions of the Regularization explorer: the parameter table as the GUI
// and the URL see it (window and start default to the chosen model's; a software adapter and the CPU
// backend get the table's softwareDefault, a smaller grid), the view table (height scale), reading and writing the
// query string through the kit, a knob change fitted into a configuration, the command line that
// reproduces the numbers headless, and which knobs need which work.

import type { DescentRule } from '../core/descent';
import type { Penalty } from '../core/gridLoss';
import {
  type BackendKind,
  commandLine,
  type ParamSpec,
  type ParamValue,
  parseParam,
  tableForAdapter,
} from '../core/params';
import {
  modelDefaults,
  REGULARIZATION_PARAMS,
  type RegularizationConfig,
  type RegularizationParamSpec,
  regularizationStart,
  regularizationWindow,
  validateRegularizationConfig,
} from '../core/regularizationConfig';
import { defaultWindow, REGULARIZATION_MODEL_INFO, type RegularizationModel } from '../core/regularizationModels';
import { errorMessage } from './kit/dom';
import { lastValues, readUrl, writeUrl } from './kit/urlState';

export type HeightMode = 'log' | 'linear';
export interface RegularizationView {
  height: HeightMode;
}

/** What the surface and the maps show, not what is computed: the height scale. */
export const VIEW_PARAMS: readonly ParamSpec[] = [
  {
    key: 'height',
    label: 'height scale',
    kind: 'choice',
    choices: ['log', 'linear'],
    choiceLabels: { log: 'log (robust to outliers)', linear: 'linear' },
    default: 'log',
    help:
      'log: log(1 + (J − min)/ε) stretches the bottom of the landscape; ' +
      'linear: J itself (both clipped at the 98th percentile)',
  },
];

/** REGULARIZATION_PARAMS with the model's window and start as defaults: the CLI's defaults for that model. */
function modelTable(model: RegularizationModel): RegularizationParamSpec[] {
  const byModel: Partial<Record<string, number>> = modelDefaults(model);
  return REGULARIZATION_PARAMS.map((spec) => {
    const value = byModel[spec.key];
    return value === undefined ? spec : { ...spec, default: value };
  });
}

/** The page's table: the model's window and start, and the backend's defaults (a smaller grid on software). */
export function regularizationTable(model: RegularizationModel, backend: BackendKind): RegularizationParamSpec[] {
  return tableForAdapter(modelTable(model), backend);
}

/**
 * The configuration and view in a query string, with a notice for every value that was clamped or
 * replaced and every key no table knows (the caller announces them). A window with min ≥ max falls
 * back to the model's window.
 */
export function readRegularizationUrl(
  search: URLSearchParams,
  backend: BackendKind,
): { config: RegularizationConfig; view: RegularizationView; notices: string[] } {
  const modelSpec = REGULARIZATION_PARAMS[0];
  const model = parseParam(modelSpec, lastValues(search).get(modelSpec.key) ?? undefined).value as RegularizationModel;
  const { values, notices } = readUrl([...regularizationTable(model, backend), ...VIEW_PARAMS], search);
  const { height, ...knobs } = values;
  let config: RegularizationConfig;
  try {
    config = validateRegularizationConfig(knobs);
  } catch (error) {
    notices.push(`${errorMessage(error)}; using the ${model} model's window`);
    config = validateRegularizationConfig({ ...knobs, ...windowOf(model) });
  }
  return { config, view: { height: height as HeightMode }, notices };
}

function windowOf(model: RegularizationModel): Partial<RegularizationConfig> {
  const [w1Min, w1Max, w2Min, w2Max] = defaultWindow(model);
  return { w1Min, w1Max, w2Min, w2Max };
}

/** The query string of a configuration and view: only values that differ from their defaults. */
export function writeRegularizationUrl(
  config: RegularizationConfig,
  view: RegularizationView,
  backend: BackendKind,
): URLSearchParams {
  return writeUrl([...regularizationTable(config.model, backend), ...VIEW_PARAMS], { ...config, ...view });
}

const WINDOW_KEYS = ['w1Min', 'w1Max', 'w2Min', 'w2Max'] as const;
const START_KEYS = ['startW1', 'startW2'] as const;

/**
 * `npm run cli -- regularization …` computing the same grid minima, descent path and regularization path:
 * every value that differs from the CLI's default (a GPU's; window and start: the model's), the window
 * and start as --window / --start lists.
 */
export function regularizationCommand(config: RegularizationConfig): string {
  const table = modelTable(config.model);
  const differs = (keys: readonly (keyof RegularizationConfig)[]) =>
    keys.some((key) => config[key] !== table.find((spec) => spec.key === key)?.default);
  const extra: string[] = [];
  if (differs(WINDOW_KEYS)) extra.push(`--window=${Object.values(regularizationWindow(config)).join(',')}`);
  if (differs(START_KEYS)) extra.push(`--start=${regularizationStart(config).join(',')}`);
  const listed = new Set<string>([...WINDOW_KEYS, ...START_KEYS]);
  const rest = table.filter((spec) => !listed.has(spec.key));
  return commandLine('regularization', rest, { ...config }, [...extra, '--path', '--reg-path']);
}

export interface FittedChange {
  config: RegularizationConfig;
  /** What was clamped or refused. */
  notices: string[];
  /** False when the change was refused (the configuration is the old one). */
  applied: boolean;
}

/**
 * A knob change fitted into the configuration: the value through the table (clamped with a notice); a
 * new model brings its own window and start; a window with min ≥ max is refused.
 */
export function applyChange(
  config: RegularizationConfig,
  key: keyof RegularizationConfig,
  raw: ParamValue,
  backend: BackendKind,
): FittedChange {
  const spec = regularizationTable(config.model, backend).find((candidate) => candidate.key === key);
  if (!spec) return { config, notices: [], applied: false };
  const parsed = parseParam(spec, raw, config[key]);
  const notices = parsed.message ? [parsed.message] : [];
  let next = { ...config, [key]: parsed.value } as RegularizationConfig;
  if (key === 'model') next = { ...next, ...modelDefaults(next.model) };
  if (!(next.w1Min < next.w1Max) || !(next.w2Min < next.w2Max)) {
    notices.push(
      `window: min must be below max (got w1 ${next.w1Min}…${next.w1Max}, w2 ${next.w2Min}…${next.w2Max}); ` +
        'not applied',
    );
    return { config, notices, applied: false };
  }
  return { config: next, notices, applied: true };
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

/** The data the regularization path depends on (not λ, not the penalty): a new key means a new sweep. */
export function regPathKey(config: RegularizationConfig): string {
  const { model, seed, points, correlation, eccentricity, noise, trueW1, trueW2, h1, h2, a1, a2 } = config;
  return JSON.stringify([model, seed, points, correlation, eccentricity, noise, trueW1, trueW2, h1, h2, a1, a2]);
}

/** Descent paths of at most this many gradient terms (steps × N) run on the page; longer ones in a worker. */
export const INLINE_PATH_WORK = 200_000;

/** Whether a descent path is cheap enough to compute on the page (instant feedback while a slider moves). */
export function descentRunsOnPage(steps: number, points: number): boolean {
  return steps * Math.max(1, points) <= INLINE_PATH_WORK;
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
