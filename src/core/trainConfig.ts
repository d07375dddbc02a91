// The training experiment's configuration: one parameter table (GUI, URL, command line) and the
// strict validator built from it, plus fitTrainConfig, the forgiving version a view uses (clamps
// with a notice instead of refusing).
//
// The hidden layers come either from depth × width (the table) or from an explicit list
// (`hidden`, e.g. "8,8" or [8, 8]); the config always carries the list.

import { ACTIVATIONS, type Activation } from './activations';
import { ConfigError } from './initConfig';
import { checkedTableValues, type ParamSpec, type ParamValues, parseParam, rejectUnknownKeys } from './params';
import { SCHEMES, type Scheme } from './schemes';
import { DATASETS, type Dataset } from './trainingData';
import { MAX_HIDDEN_WIDTH, maxCopiesFor, trainLayout } from './trainLayout';

/** Hidden layers of the training view at most (the kernels take up to MAX_HIDDEN_LAYERS of trainLayout.ts). */
export const MAX_TRAIN_DEPTH = 8;

export { ConfigError };

export const TRAIN_PENALTIES = ['none', 'l1', 'l2'] as const;
export type TrainPenalty = (typeof TRAIN_PENALTIES)[number];
export const L1_UPDATES = ['proximal', 'subgradient'] as const;
export type L1Update = (typeof L1_UPDATES)[number];

export interface TrainConfig {
  dataset: Dataset;
  points: number;
  noise: number;
  testShare: number;
  /** Widths of the hidden layers, 1–8 entries in 1–64. */
  hidden: number[];
  activation: Activation;
  scheme: Scheme;
  scale: number;
  biasStd: number;
  penalty: TrainPenalty;
  l1Update: L1Update;
  lambda: number;
  alpha: number;
  steps: number;
  every: number;
  copies: number;
  target: number;
  seed: number;
  bins: number;
}

/** Keys of the table: the config's fields except `hidden`, plus depth and width (which build it). */
export type TrainParamKey = Exclude<keyof TrainConfig, 'hidden'> | 'depth' | 'width';

export interface TrainParamSpec extends ParamSpec {
  key: TrainParamKey;
}

export const TRAIN_PARAMS: readonly TrainParamSpec[] = [
  {
    key: 'dataset',
    label: 'data set',
    kind: 'choice',
    choices: DATASETS,
    default: 'moons',
    help: 'Two inputs, two classes.',
  },
  {
    key: 'points',
    label: 'points N',
    kind: 'int',
    min: 4,
    max: 2000,
    log: true,
    default: 256,
    softwareDefault: 200,
    ticks: [4, 8, 16, 32, 64, 128, 200, 256, 512, 1000, 2000],
    help: 'Points, training and test together.',
  },
  {
    key: 'noise',
    label: 'noise',
    kind: 'float',
    min: 0,
    max: 1,
    default: 0.1,
    help: 'Std of the Gaussian noise added to each coordinate (data lie in [−1, 1]²).',
  },
  {
    key: 'testShare',
    label: 'test share',
    kind: 'float',
    min: 0.1,
    max: 0.9,
    default: 0.5,
    help: 'Share of the points held out for testing.',
  },
  {
    key: 'depth',
    label: 'hidden layers',
    kind: 'int',
    min: 1,
    max: MAX_TRAIN_DEPTH,
    default: 2,
    help: 'Hidden layers, all of the same width (or give --hidden=8,4 on the command line).',
  },
  {
    key: 'width',
    label: 'width',
    kind: 'int',
    min: 1,
    max: MAX_HIDDEN_WIDTH,
    default: 8,
    help: 'Units per hidden layer.',
  },
  {
    key: 'activation',
    label: 'activation φ',
    kind: 'choice',
    choices: ACTIVATIONS,
    default: 'tanh',
    help: 'Of the hidden layers; the output is a sigmoid with cross-entropy.',
  },
  {
    key: 'scheme',
    label: 'init scheme',
    kind: 'choice',
    choices: SCHEMES,
    default: 'xavier-normal',
    help: "How the weights are drawn (the initialization engine's schemes).",
  },
  {
    key: 'scale',
    label: 'init scale s',
    kind: 'float',
    min: 0,
    max: 100,
    log: true,
    sliderMin: 0.01,
    default: 1,
    help: 'Multiplies the std of the scheme.',
  },
  {
    key: 'biasStd',
    label: 'bias std σ_b',
    kind: 'float',
    min: 0,
    max: 10,
    default: 0,
    help: 'Initial biases ~ N(0, σ_b²); 0: all zero.',
  },
  {
    key: 'penalty',
    label: 'penalty',
    kind: 'choice',
    choices: TRAIN_PENALTIES,
    default: 'none',
    help: 'λΣ|w| (l1) or λΣw² (l2), no ½, on the weights (not the biases).',
  },
  {
    key: 'l1Update',
    label: 'L1 update',
    kind: 'choice',
    choices: L1_UPDATES,
    default: 'proximal',
    help: 'proximal: soft threshold, lands on exact zeros; subgradient: w − α∂J/∂w − αλ·sign(w).',
  },
  {
    key: 'lambda',
    label: 'λ',
    kind: 'float',
    min: 0,
    max: 1,
    log: true,
    sliderMin: 1e-5,
    default: 0.001,
    help: 'Penalty strength; L2 needs 2αλ < 1.',
  },
  {
    key: 'alpha',
    label: 'learning rate α',
    kind: 'float',
    min: 0,
    max: 10,
    log: true,
    sliderMin: 1e-3,
    default: 0.5,
    help: 'Full-batch gradient descent step.',
  },
  {
    key: 'steps',
    label: 'steps',
    kind: 'int',
    min: 0,
    max: 100000,
    log: true,
    default: 500,
    softwareDefault: 300,
    ticks: [0, 10, 20, 50, 100, 200, 300, 500, 1000, 2000, 5000, 10000, 100000],
    help: 'Gradient steps of a run.',
  },
  {
    key: 'every',
    label: 'checkpoint every T',
    kind: 'int',
    min: 1,
    max: 100000,
    log: true,
    default: 50,
    softwareDefault: 10,
    // Without WebGPU each checkpoint (metrics, boundary, charts, a frame) cost ~0.15 s in headless Chromium.
    cpuDefault: 20,
    ticks: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000],
    help: 'Steps between checkpoints (bands, histogram).',
  },
  {
    key: 'copies',
    label: 'copies K',
    kind: 'int',
    min: 1,
    max: 4096,
    log: true,
    default: 256,
    softwareDefault: 64,
    // The CPU twin in a worker (no WebGPU), 2 cores: the default run's 300 steps took 7 s for 64 copies, 1.6 s
    // for 16; with checkpoints every 20 steps the page finishes in 2.0–2.7 s.
    cpuDefault: 16,
    help: 'Independent trainings (one initialization each), run in parallel.',
  },
  {
    key: 'target',
    label: 'target accuracy',
    kind: 'float',
    min: 0,
    max: 1,
    default: 0.9,
    help: 'Copies whose test accuracy is at least this count as having reached it.',
  },
  {
    key: 'seed',
    label: 'seed',
    kind: 'int',
    min: 0,
    max: 4294967295,
    default: 1,
    help: 'Key of the generator (data and initializations).',
  },
  {
    key: 'bins',
    label: 'histogram bins',
    kind: 'int',
    min: 8,
    max: 256,
    default: 64,
    help: 'Bins of the weight histogram.',
  },
];

/** "8,8" or [8, 8] → [8, 8]; a ConfigError naming `hidden` for anything else. */
export function parseHidden(raw: unknown): number[] {
  const parts =
    typeof raw === 'string' ? raw.split(',').map((part) => part.trim()) : Array.isArray(raw) ? raw : undefined;
  const problem =
    `hidden must be 1–${MAX_TRAIN_DEPTH} comma-separated integers in 1–${MAX_HIDDEN_WIDTH}` +
    ` (got ${JSON.stringify(raw)})`;
  if (parts === undefined || parts.length < 1 || parts.length > MAX_TRAIN_DEPTH)
    throw new ConfigError('hidden', problem);
  return parts.map((part) => {
    const width = typeof part === 'number' ? part : /^\d+$/.test(String(part)) ? Number(part) : NaN;
    if (!Number.isInteger(width) || width < 1 || width > MAX_HIDDEN_WIDTH) throw new ConfigError('hidden', problem);
    return width;
  });
}

function assemble(values: ParamValues, hidden: number[]): TrainConfig {
  const { depth: _depth, width: _width, ...rest } = values;
  return { ...(rest as unknown as Omit<TrainConfig, 'hidden'>), hidden };
}

/** Problems no single range catches: L2 decay needs 2αλ < 1; K·P and the scratch must fit a buffer. */
function crossCheck(config: TrainConfig): void {
  if (config.penalty === 'l2' && 2 * config.alpha * config.lambda >= 1) {
    throw new ConfigError(
      'lambda',
      'L2 weight decay multiplies w by 1 − 2αλ, which must stay positive' +
        ` (α = ${config.alpha}, λ = ${config.lambda} give ${1 - 2 * config.alpha * config.lambda})`,
    );
  }
  const maxCopies = maxCopiesFor(trainLayout(config.hidden));
  if (config.copies > maxCopies) {
    throw new ConfigError(
      'copies',
      `${config.copies} copies of a network with hidden layers ${config.hidden.join(',')}` +
        ` need more than the 128 MiB buffers every adapter offers; at most ${maxCopies}`,
    );
  }
}

/**
 * A checked TrainConfig from loose input (numbers or numeric strings; `hidden` as "8,8" or a list).
 * Absent keys take their defaults; `hidden` excludes depth and width.
 */
export function validateTrainConfig(raw: Record<string, unknown>): TrainConfig {
  rejectUnknownKeys(raw, [...TRAIN_PARAMS.map((spec) => spec.key), 'hidden']);
  if (raw.hidden !== undefined && (raw.depth !== undefined || raw.width !== undefined)) {
    throw new ConfigError('hidden', 'give hidden (a list of widths) or depth and width, not both');
  }
  const values = checkedTableValues(TRAIN_PARAMS, raw);
  const hidden =
    raw.hidden !== undefined
      ? parseHidden(raw.hidden)
      : new Array<number>(values.depth as number).fill(values.width as number);
  const config = assemble(values, hidden);
  crossCheck(config);
  return config;
}

/**
 * The forgiving version for a view: every value clamped or replaced by its default (parseParam),
 * λ lowered so 2αλ < 1 under L2, and K lowered to what fits the buffers, each with a notice.
 */
export function fitTrainConfig(raw: Record<string, unknown>): { config: TrainConfig; notices: string[] } {
  const notices: string[] = [];
  const values: ParamValues = {};
  for (const spec of TRAIN_PARAMS) {
    const parsed = parseParam(spec, raw[spec.key]);
    values[spec.key] = parsed.value;
    if (parsed.message !== undefined) notices.push(parsed.message);
  }
  let hidden = new Array<number>(values.depth as number).fill(values.width as number);
  if (raw.hidden !== undefined) {
    try {
      hidden = parseHidden(raw.hidden);
    } catch (error) {
      notices.push(`${(error as Error).message}; using ${hidden.join(',')}`);
    }
  }
  const config = assemble(values, hidden);
  if (config.penalty === 'l2' && 2 * config.alpha * config.lambda >= 1) {
    const lambda = 0.49 / config.alpha;
    notices.push(`lambda: L2 decay needs 2αλ < 1; λ lowered from ${config.lambda} to ${lambda}`);
    config.lambda = lambda;
  }
  const maxCopies = maxCopiesFor(trainLayout(config.hidden));
  if (config.copies > maxCopies) {
    notices.push(
      `copies: ${config.copies} copies do not fit the 128 MiB buffers for this network; lowered to ${maxCopies}`,
    );
    config.copies = maxCopies;
  }
  return { config, notices };
}
