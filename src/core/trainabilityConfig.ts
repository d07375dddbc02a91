// The trainability experiment's configuration (issue 14, "trainable depth"): one parameter table (GUI,
// URL, CLI flags, validation) and the strict validator built from it. A grid of cells over (σ_w², depth):
// sw2Cells values of σ_w² evenly spaced in [sw2Min, sw2Max] × the listed depths (hidden layers, all of
// one width). Each cell trains `copies` networks W ~ N(0, σ_w²/n_in), b ~ N(0, σ_b²) by full-batch
// gradient descent for `steps` steps on `points` training points (and as many test points) of a 2-D
// data set, and counts the share that learned (training accuracy ≥ target). The depths are a list
// outside the table (like the training view's `hidden`): TRAINABILITY_DEPTHS holds its defaults.

import { ACTIVATIONS, type Activation } from './activations';
import { ConfigError } from './initConfig';
import {
  type BackendKind,
  checkedTableValues,
  checkRangeOrder,
  type ParamSpec,
  type ParamValues,
  rejectUnknownKeys,
} from './params';
import { DATASETS, type Dataset } from './trainingData';
import { MAX_HIDDEN_LAYERS } from './trainLayout';

export { ConfigError };

export interface TrainabilityConfig {
  activation: Activation;
  sw2Min: number;
  sw2Max: number;
  sw2Cells: number;
  /** Hidden layers of each row of the grid, increasing, 1–MAX_TRAINABILITY_DEPTHS entries in 1–64. */
  depths: number[];
  width: number;
  copies: number;
  dataset: Dataset;
  /** Training points N (the test set has as many). */
  points: number;
  steps: number;
  alpha: number;
  sb2: number;
  target: number;
  seed: number;
}

export type TrainabilityParamKey = Exclude<keyof TrainabilityConfig, 'depths'>;

export interface TrainabilityParamSpec extends ParamSpec {
  key: TrainabilityParamKey;
}

export const MAX_SW2_CELLS = 16;
export const MAX_TRAINABILITY_DEPTHS = 16;
export const MAX_TRAINABILITY_WIDTH = 32;
export const MAX_TRAINABILITY_COPIES = 16;

export const TRAINABILITY_PARAMS: readonly TrainabilityParamSpec[] = [
  {
    key: 'activation',
    label: 'activation φ',
    kind: 'choice',
    choices: ACTIVATIONS,
    default: 'tanh',
    help: 'Of the hidden layers; the output is one logit (sigmoid, cross-entropy).',
  },
  {
    key: 'sw2Min',
    label: 'σ_w² from',
    kind: 'float',
    min: 0.01,
    max: 100,
    default: 0.5,
    help: 'Smallest weight variance σ_w² of the grid (W ~ N(0, σ_w²/n_in)).',
  },
  {
    key: 'sw2Max',
    label: 'σ_w² to',
    kind: 'float',
    min: 0.01,
    max: 100,
    default: 4,
    help: 'Largest weight variance σ_w² of the grid.',
  },
  {
    key: 'sw2Cells',
    label: 'σ_w² values',
    kind: 'int',
    min: 1,
    max: MAX_SW2_CELLS,
    default: 8,
    softwareDefault: 4,
    cpuDefault: 4,
    gpuDefault: 16,
    help: 'Columns of the grid: σ_w² evenly spaced from the first to the last (both included).',
  },
  {
    key: 'width',
    label: 'width n',
    kind: 'int',
    min: 1,
    max: MAX_TRAINABILITY_WIDTH,
    default: 16,
    softwareDefault: 8,
    cpuDefault: 8,
    gpuDefault: 32,
    help: 'Units per hidden layer.',
  },
  {
    key: 'copies',
    label: 'copies per cell K',
    kind: 'int',
    min: 1,
    max: MAX_TRAINABILITY_COPIES,
    default: 8,
    softwareDefault: 4,
    cpuDefault: 4,
    gpuDefault: 16,
    help: 'Networks trained per cell; every cell scales the same draws by its σ_w (common random numbers).',
  },
  {
    key: 'dataset',
    label: 'data set',
    kind: 'choice',
    choices: DATASETS,
    default: 'gaussians',
    help:
      'Two inputs, two classes, no noise. Default gaussians, two blobs a line separates: a net that fails there ' +
      'fails for want of signal through its depth, not of capacity (circle, xor, moons, spiral need more steps).',
  },
  {
    key: 'points',
    label: 'training points N',
    kind: 'int',
    min: 4,
    max: 1024,
    log: true,
    default: 128,
    softwareDefault: 32,
    cpuDefault: 32,
    help: 'Points of the full batch (as many test points are held out).',
  },
  {
    key: 'steps',
    label: 'steps T',
    kind: 'int',
    min: 0,
    max: 10000,
    log: true,
    default: 300,
    // SwiftShader (2 shared cores): the software defaults' grid took ~10 s of CPU; the twin in a worker ~5 s.
    softwareDefault: 150,
    cpuDefault: 150,
    ticks: [0, 10, 20, 50, 100, 200, 300, 500, 1000, 2000, 5000, 10000],
    help: 'Full-batch gradient-descent steps of every copy.',
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
    help: 'The step of gradient descent, the same for every cell.',
  },
  {
    key: 'sb2',
    label: 'σ_b²',
    kind: 'float',
    min: 0,
    max: 2,
    default: 0.05,
    help: 'Bias variance, b ~ N(0, σ_b²) (also in the theory: ξ_c depends on it).',
  },
  {
    key: 'target',
    label: 'learned: accuracy ≥',
    kind: 'float',
    min: 0.5,
    max: 1,
    default: 0.9,
    help:
      'A copy learned when its training accuracy after T steps is at least this. Two balanced classes: a ' +
      'constant output scores 0.5, and a deep net in the ordered phase (the same output for every input) ' +
      'stays near it, while one that trains fits gaussians to 1; 0.9 sits well between (on circle no line ' +
      'scores much above 0.6, so there it also asks for a nonlinear boundary).',
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
];

/** The depth lists' defaults: the command line's, and the page's per backend (like the table's). */
export const TRAINABILITY_DEPTHS: Readonly<Record<'default' | BackendKind, readonly number[]>> = {
  default: [2, 4, 8, 16, 32],
  gpu: [2, 4, 8, 12, 16, 24, 32, 48, 64],
  software: [2, 8, 32],
  cpu: [2, 8, 32],
};

/** "2,4,8" or [2, 4, 8] → [2, 4, 8]; a ConfigError naming `depths` unless increasing integers in 1–64. */
export function parseDepths(raw: unknown): number[] {
  const parts =
    typeof raw === 'string' ? raw.split(',').map((part) => part.trim()) : Array.isArray(raw) ? raw : undefined;
  const problem =
    `depths must be 1–${MAX_TRAINABILITY_DEPTHS} increasing comma-separated integers in 1–${MAX_HIDDEN_LAYERS}` +
    ` (got ${JSON.stringify(raw)})`;
  if (parts === undefined || parts.length < 1 || parts.length > MAX_TRAINABILITY_DEPTHS)
    throw new ConfigError('depths', problem);
  const depths = parts.map((part) => {
    const depth = typeof part === 'number' ? part : /^\d+$/.test(String(part)) ? Number(part) : NaN;
    if (!Number.isInteger(depth) || depth < 1 || depth > MAX_HIDDEN_LAYERS) throw new ConfigError('depths', problem);
    return depth;
  });
  if (depths.some((depth, i) => i > 0 && depth <= depths[i - 1])) throw new ConfigError('depths', problem);
  return depths;
}

/**
 * A checked TrainabilityConfig from loose input (numbers or numeric strings; depths as "2,4,8" or a list).
 * Absent keys take their defaults (the command line's).
 */
export function validateTrainabilityConfig(raw: Record<string, unknown>): TrainabilityConfig {
  rejectUnknownKeys(raw, [...TRAINABILITY_PARAMS.map((spec) => spec.key), 'depths']);
  const values: Record<string, unknown> = checkedTableValues(TRAINABILITY_PARAMS, raw);
  checkRangeOrder(TRAINABILITY_PARAMS, values as ParamValues, 'sw2Min', 'sw2Max');
  values.depths = raw.depths === undefined ? [...TRAINABILITY_DEPTHS.default] : parseDepths(raw.depths);
  const config = values as unknown as TrainabilityConfig;
  return config;
}

/** σ_w² of column `column`, evenly spaced from sw2Min to sw2Max (both ends included). */
export function cellSw2(config: Pick<TrainabilityConfig, 'sw2Min' | 'sw2Max' | 'sw2Cells'>, column: number): number {
  const { sw2Min, sw2Max, sw2Cells } = config;
  return sw2Cells === 1 ? sw2Min : sw2Min + ((sw2Max - sw2Min) * column) / (sw2Cells - 1);
}

/** The σ_w² of every column. */
export function sw2Values(config: Pick<TrainabilityConfig, 'sw2Min' | 'sw2Max' | 'sw2Cells'>): number[] {
  return Array.from({ length: config.sw2Cells }, (_, column) => cellSw2(config, column));
}

/** Copies trained in all: cells × K. */
export const trainabilityCopies = (config: TrainabilityConfig): number =>
  config.sw2Cells * config.depths.length * config.copies;
