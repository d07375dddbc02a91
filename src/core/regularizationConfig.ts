// The Regularization explorer's parameter table (GUI, URL and kernel uniforms read ranges and defaults
// from here only, through src/core/params.ts) and the validation of a raw configuration object.

import { DESCENT_RULES, type DescentRule } from './descent';
import { type GridWindow, PENALTIES, type Penalty } from './gridLoss';
import { ConfigError } from './initConfig';
import { checkParam, type ParamSpec, paramSpec } from './params';
import {
  DEFAULT_QUADRATIC,
  DEFAULT_TRUE_W,
  defaultStart,
  defaultWindow,
  REGULARIZATION_MODELS,
  type RegularizationDataOptions,
  type RegularizationModel,
} from './regularizationModels';

/** A flat configuration: every field is one primitive, so it binds to one GUI control and one URL key. */
export interface RegularizationConfig {
  model: RegularizationModel;
  points: number;
  correlation: number;
  eccentricity: number;
  noise: number;
  trueW1: number;
  trueW2: number;
  h1: number;
  h2: number;
  a1: number;
  a2: number;
  penalty: Penalty;
  lambda: number;
  mix: number;
  alpha: number;
  steps: number;
  rule: DescentRule;
  grid: number;
  w1Min: number;
  w1Max: number;
  w2Min: number;
  w2Max: number;
  startW1: number;
  startW2: number;
  seed: number;
}

/** A ParamSpec whose key is a RegularizationConfig field. */
export interface RegularizationParamSpec extends ParamSpec {
  key: keyof RegularizationConfig;
}

/** A log λ slider cannot reach 0: it starts here (sliderMin); typed or URL values can still be 0. */
export const LAMBDA_LOG_FLOOR = 1e-4;

/** Window and start coordinates are bounded like descent paths (|w| ≤ 1e6 or diverged). */
const WEIGHT_BOUND = 1e6;

const DEFAULT_MODEL: RegularizationModel = 'linear';
const [W1_MIN, W1_MAX, W2_MIN, W2_MAX] = defaultWindow(DEFAULT_MODEL);
const [START_W1, START_W2] = defaultStart(DEFAULT_MODEL);

export const REGULARIZATION_PARAMS: readonly RegularizationParamSpec[] = [
  {
    key: 'model',
    label: 'model',
    kind: 'choice',
    choices: REGULARIZATION_MODELS,
    default: DEFAULT_MODEL,
    help: 'the loss J(w1, w2)',
  },
  {
    key: 'points',
    label: 'data points N',
    kind: 'int',
    min: 1,
    max: 10000,
    log: true,
    default: 256,
    ticks: [16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 10000],
    help: 'size of the generated data set',
  },
  {
    key: 'correlation',
    label: 'feature correlation ρ',
    kind: 'float',
    min: -0.99,
    max: 0.99,
    default: 0.5,
    help: 'tilts the bowl of the linear and logistic losses',
  },
  {
    key: 'eccentricity',
    label: 'eccentricity',
    kind: 'float',
    min: 1,
    max: 20,
    log: true,
    default: 2,
    help: 'x2 is divided by it: the bowl stretches along w2',
  },
  {
    key: 'noise',
    label: 'noise',
    kind: 'float',
    min: 0,
    max: 5,
    default: 0.5,
    help: 'target noise std (linear, tanh-net); label temperature (logistic)',
  },
  {
    key: 'trueW1',
    label: 'true w1',
    kind: 'float',
    min: -5,
    max: 5,
    default: DEFAULT_TRUE_W[0],
    help: 'w1 of the data-generating model',
  },
  {
    key: 'trueW2',
    label: 'true w2',
    kind: 'float',
    min: -5,
    max: 5,
    default: DEFAULT_TRUE_W[1],
    help: 'w2 of the data-generating model',
  },
  {
    key: 'h1',
    label: 'curvature h1',
    kind: 'float',
    min: 0.01,
    max: 100,
    log: true,
    default: DEFAULT_QUADRATIC.h1,
    help: 'quadratic model: ½·h1·(w1 − a1)²',
  },
  {
    key: 'h2',
    label: 'curvature h2',
    kind: 'float',
    min: 0.01,
    max: 100,
    log: true,
    default: DEFAULT_QUADRATIC.h2,
    help: 'quadratic model: ½·h2·(w2 − a2)²',
  },
  {
    key: 'a1',
    label: 'centre a1',
    kind: 'float',
    min: -5,
    max: 5,
    default: DEFAULT_QUADRATIC.a1,
    help: 'quadratic model: unpenalized minimizer w1',
  },
  {
    key: 'a2',
    label: 'centre a2',
    kind: 'float',
    min: -5,
    max: 5,
    default: DEFAULT_QUADRATIC.a2,
    help: 'quadratic model: unpenalized minimizer w2',
  },
  {
    key: 'penalty',
    label: 'penalty',
    kind: 'choice',
    choices: PENALTIES,
    default: 'l1',
    help: 'L1 = λ(|w1|+|w2|), L2 = λ(w1²+w2²) (no ½), elastic = mix·L1 + (1−mix)·L2',
  },
  {
    key: 'lambda',
    label: 'λ',
    kind: 'float',
    min: 0,
    max: 10,
    log: true,
    sliderMin: LAMBDA_LOG_FLOOR,
    default: 0.5,
    help: 'penalty strength; 0 turns the penalty off',
  },
  {
    key: 'mix',
    label: 'elastic mix',
    kind: 'float',
    min: 0,
    max: 1,
    default: 0.5,
    help: 'share of L1 in the elastic penalty',
  },
  {
    key: 'alpha',
    label: 'learning rate α',
    kind: 'float',
    min: 1e-6,
    max: 10,
    log: true,
    default: 0.05,
    help: 'step size of the descent path',
  },
  {
    key: 'steps',
    label: 'steps',
    kind: 'int',
    min: 1,
    max: 10000,
    log: true,
    default: 200,
    ticks: [10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000],
    help: 'descent steps',
  },
  {
    key: 'rule',
    label: 'update rule',
    kind: 'choice',
    choices: DESCENT_RULES,
    default: 'l1-proximal',
    help: 'gd (no penalty), L1 subgradient, L1 proximal, L2 weight decay',
  },
  {
    key: 'grid',
    label: 'grid G',
    kind: 'int',
    min: 64,
    max: 2048,
    log: true,
    default: 256,
    // 128² cells keep every change interactive when the kernels run on the CPU (SwiftShader).
    softwareDefault: 128,
    ticks: [64, 96, 128, 192, 256, 384, 512, 768, 1024, 1536, 2048],
    help: 'G×G loss evaluations',
  },
  {
    key: 'w1Min',
    label: 'window w1 min',
    kind: 'float',
    min: -WEIGHT_BOUND,
    max: WEIGHT_BOUND,
    default: W1_MIN,
    help: 'default depends on the model (defaultWindow)',
  },
  {
    key: 'w1Max',
    label: 'window w1 max',
    kind: 'float',
    min: -WEIGHT_BOUND,
    max: WEIGHT_BOUND,
    default: W1_MAX,
    help: 'default depends on the model (defaultWindow)',
  },
  {
    key: 'w2Min',
    label: 'window w2 min',
    kind: 'float',
    min: -WEIGHT_BOUND,
    max: WEIGHT_BOUND,
    default: W2_MIN,
    help: 'default depends on the model (defaultWindow)',
  },
  {
    key: 'w2Max',
    label: 'window w2 max',
    kind: 'float',
    min: -WEIGHT_BOUND,
    max: WEIGHT_BOUND,
    default: W2_MAX,
    help: 'default depends on the model (defaultWindow)',
  },
  {
    key: 'startW1',
    label: 'start w1',
    kind: 'float',
    min: -WEIGHT_BOUND,
    max: WEIGHT_BOUND,
    default: START_W1,
    help: 'descent start; default depends on the model (defaultStart)',
  },
  {
    key: 'startW2',
    label: 'start w2',
    kind: 'float',
    min: -WEIGHT_BOUND,
    max: WEIGHT_BOUND,
    default: START_W2,
    help: 'descent start; default depends on the model (defaultStart)',
  },
  { key: 'seed', label: 'seed', kind: 'int', min: 0, max: 0xffffffff, default: 1, help: 'u32 key of the data stream' },
];

/** The fields whose default depends on the model. */
export type ModelDefaults = Pick<RegularizationConfig, 'w1Min' | 'w1Max' | 'w2Min' | 'w2Max' | 'startW1' | 'startW2'>;

/** The defaults that depend on the model: its window (defaultWindow) and descent start (defaultStart). */
export function modelDefaults(model: RegularizationModel): ModelDefaults {
  const [w1Min, w1Max, w2Min, w2Max] = defaultWindow(model);
  const [startW1, startW2] = defaultStart(model);
  return { w1Min, w1Max, w2Min, w2Max, startW1, startW2 };
}

function checked(spec: RegularizationParamSpec, raw: unknown): number | string | boolean {
  const result = checkParam(spec, raw);
  if ('problem' in result) throw new ConfigError(spec.key, result.problem);
  return result.value;
}

/**
 * A checked RegularizationConfig from loose input (numbers or numeric strings, as params.ts accepts).
 * Absent fields take their defaults (window and start: those of the chosen model); unknown fields and
 * out-of-range values throw a ConfigError whose message names the field and the allowed range.
 */
export function validateRegularizationConfig(raw: Record<string, unknown>): RegularizationConfig {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ConfigError('config', `regularization config must be an object (got ${String(raw)})`);
  }
  const known = new Set<string>(REGULARIZATION_PARAMS.map((spec) => spec.key));
  const unknown = Object.keys(raw).filter((key) => !known.has(key));
  if (unknown.length > 0) {
    throw new ConfigError(
      unknown[0],
      `unknown parameter${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} (known: ${[...known].join(', ')})`,
    );
  }
  const modelSpec = paramSpec(REGULARIZATION_PARAMS, 'model');
  const model = (raw.model === undefined ? modelSpec.default : checked(modelSpec, raw.model)) as RegularizationModel;
  const byModel: Partial<Record<string, number>> = modelDefaults(model);

  const values: Record<string, number | string | boolean> = {};
  for (const spec of REGULARIZATION_PARAMS) {
    const given = raw[spec.key];
    if (given !== undefined) values[spec.key] = checked(spec, given);
    else values[spec.key] = byModel[spec.key] ?? spec.default;
  }
  const config = values as unknown as RegularizationConfig;
  if (!(config.w1Min < config.w1Max)) {
    throw new ConfigError(
      'w1Min',
      `window: w1Min must be < w1Max (got w1Min = ${config.w1Min}, w1Max = ${config.w1Max})`,
    );
  }
  if (!(config.w2Min < config.w2Max)) {
    throw new ConfigError(
      'w2Min',
      `window: w2Min must be < w2Max (got w2Min = ${config.w2Min}, w2Max = ${config.w2Max})`,
    );
  }
  return config;
}

export function defaultRegularizationConfig(model: RegularizationModel = DEFAULT_MODEL): RegularizationConfig {
  return validateRegularizationConfig({ model });
}

export function regularizationWindow(config: RegularizationConfig): GridWindow {
  return { w1Min: config.w1Min, w1Max: config.w1Max, w2Min: config.w2Min, w2Max: config.w2Max };
}

export function regularizationStart(config: RegularizationConfig): [number, number] {
  return [config.startW1, config.startW2];
}

export function regularizationDataOptions(config: RegularizationConfig): RegularizationDataOptions {
  const { seed, points, correlation, eccentricity, noise, trueW1, trueW2, h1, h2, a1, a2 } = config;
  return { seed, points, correlation, eccentricity, noise, trueW1, trueW2, h1, h2, a1, a2 };
}

/** One penalized surface to evaluate: J + λ·P with its own λ and mix. */
export interface PenaltyRequest {
  penalty: Penalty;
  lambda: number;
  mix: number;
}

/** The config's own penalty first, then the extra ones not already asked for (a bare penalty takes the config's λ). */
export function penaltyRequests(
  config: RegularizationConfig,
  extra: ReadonlyArray<Penalty | PenaltyRequest> = [],
): PenaltyRequest[] {
  const requests: PenaltyRequest[] = [{ penalty: config.penalty, lambda: config.lambda, mix: config.mix }];
  const same = (a: PenaltyRequest, b: PenaltyRequest) =>
    a.penalty === b.penalty && a.lambda === b.lambda && a.mix === b.mix;
  for (const item of extra) {
    const request = typeof item === 'string' ? { penalty: item, lambda: config.lambda, mix: config.mix } : item;
    if (!requests.some((known) => same(known, request))) requests.push(request);
  }
  return requests;
}

/** The notice of a grid with cells that overflowed f32 (counted, skipped by the minimum, drawn clipped). */
export function nonFiniteNotice(what: string, count: number, G: number): string {
  return (
    `${count} of ${G * G} cells of ${what} are not finite in f32 (overflow to ±Inf or NaN): ` +
    'the minimum search skips them and the surface draws them clipped'
  );
}
