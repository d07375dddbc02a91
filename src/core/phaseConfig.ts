// The signal-propagation (phase diagram) experiment's configuration: one parameter table (GUI, URL,
// CLI flags, validation) and the strict validator built from it. A grid of cells over (σ_w², σ_b²):
// cellsW columns of σ_w² evenly spaced in [sw2Min, sw2Max], cellsB rows of σ_b² in [sb2Min, sb2Max];
// each cell runs K random networks W ~ N(0, σ_w²/n), b ~ N(0, σ_b²) of width n and depth L on
// `batch` pairs of inputs of correlation c0. The CLI also takes --sw2=min,max, --sb2=min,max and
// --grid=WxB (phaseRangeFlags in src/cli/phaseCommand.ts).

import { ACTIVATIONS, type Activation } from './activations';
import { ConfigError, checkedTableValues, checkRangeOrder, type ParamSpec, rejectUnknownKeys } from './params';

export { ConfigError };

export interface PhaseConfig {
  activation: Activation;
  sw2Min: number;
  sw2Max: number;
  sb2Min: number;
  sb2Max: number;
  /** Cells along σ_w² (columns). */
  cellsW: number;
  /** Cells along σ_b² (rows). */
  cellsB: number;
  width: number;
  depth: number;
  /** Networks per cell. */
  inits: number;
  /** Input pairs per network (2·batch inputs). */
  batch: number;
  c0: number;
  seed: number;
}

export interface PhaseParamSpec extends ParamSpec {
  key: keyof PhaseConfig;
}

/** Cells per axis at most (the 64 × 64). */
export const MAX_PHASE_CELLS = 64;

export const PHASE_PARAMS: readonly PhaseParamSpec[] = [
  {
    key: 'activation',
    label: 'activation φ',
    kind: 'choice',
    choices: ACTIVATIONS,
    default: 'tanh',
    help: 'Nonlinearity of every layer.',
  },
  {
    key: 'sw2Min',
    label: 'σ_w² from',
    kind: 'float',
    min: 0.01,
    max: 100,
    default: 0.5,
    help: 'Smallest weight variance σ_w² of the grid (W ~ N(0, σ_w²/n)).',
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
    key: 'sb2Min',
    label: 'σ_b² from',
    kind: 'float',
    min: 0,
    max: 10,
    default: 0,
    help: 'Smallest bias variance σ_b² of the grid (b ~ N(0, σ_b²)).',
  },
  {
    key: 'sb2Max',
    label: 'σ_b² to',
    kind: 'float',
    min: 0,
    max: 10,
    default: 0.5,
    help: 'Largest bias variance σ_b² of the grid.',
  },
  {
    key: 'cellsW',
    label: 'cells along σ_w²',
    kind: 'int',
    min: 1,
    max: MAX_PHASE_CELLS,
    default: 16,
    softwareDefault: 12,
    cpuDefault: 8,
    gpuDefault: 32,
    help: 'Columns of the grid.',
  },
  {
    key: 'cellsB',
    label: 'cells along σ_b²',
    kind: 'int',
    min: 1,
    max: MAX_PHASE_CELLS,
    default: 16,
    softwareDefault: 12,
    cpuDefault: 8,
    gpuDefault: 32,
    help: 'Rows of the grid.',
  },
  {
    key: 'width',
    label: 'width n',
    kind: 'int',
    min: 2,
    max: 4096,
    log: true,
    default: 128,
    softwareDefault: 64,
    cpuDefault: 32,
    gpuDefault: 256,
    help: 'Units per layer (the input too).',
  },
  {
    key: 'depth',
    label: 'depth L',
    kind: 'int',
    min: 2,
    max: 200,
    default: 30,
    softwareDefault: 16,
    cpuDefault: 12,
    help: 'Number of layers.',
  },
  {
    key: 'inits',
    label: 'networks per cell K',
    kind: 'int',
    min: 1,
    max: 1024,
    log: true,
    default: 8,
    softwareDefault: 4,
    cpuDefault: 2,
    gpuDefault: 16,
    help: 'Random networks per cell; every cell scales the same K standard-normal draws.',
  },
  {
    key: 'batch',
    label: 'input pairs B',
    kind: 'int',
    min: 1,
    max: 256,
    log: true,
    default: 4,
    softwareDefault: 2,
    cpuDefault: 2,
    help: 'Pairs of inputs per network (2B inputs), each pair of correlation c₀.',
  },
  {
    key: 'c0',
    label: 'input correlation c₀',
    kind: 'float',
    min: -1,
    max: 1,
    default: 0.5,
    help: 'Correlation of the two inputs of a pair: x₂ = c₀ x₁ + √(1 − c₀²) ξ.',
  },
  {
    key: 'seed',
    label: 'seed',
    kind: 'int',
    min: 0,
    max: 4294967295,
    default: 1,
    help: 'Key of the counter-based generator.',
  },
];

/** A checked PhaseConfig from loose input (numbers or numeric strings); absent keys take their defaults. */
export function validatePhaseConfig(raw: Record<string, unknown>): PhaseConfig {
  rejectUnknownKeys(
    raw,
    PHASE_PARAMS.map((spec) => spec.key),
  );
  const values = checkedTableValues(PHASE_PARAMS, raw);
  checkRangeOrder(PHASE_PARAMS, values, 'sw2Min', 'sw2Max');
  checkRangeOrder(PHASE_PARAMS, values, 'sb2Min', 'sb2Max');
  return values as unknown as PhaseConfig;
}

/** Cell centres: σ_w² of column iw, evenly spaced from sw2Min to sw2Max (both ends included). */
export function cellSw2(config: PhaseConfig, iw: number): number {
  return axisValue(config.sw2Min, config.sw2Max, config.cellsW, iw);
}

/** σ_b² of row ib, evenly spaced from sb2Min to sb2Max (both ends included). */
export function cellSb2(config: PhaseConfig, ib: number): number {
  return axisValue(config.sb2Min, config.sb2Max, config.cellsB, ib);
}

function axisValue(min: number, max: number, count: number, index: number): number {
  return count === 1 ? min : min + ((max - min) * index) / (count - 1);
}

/** Cells in the grid; cell index = ib · cellsW + iw (rows of σ_b², columns of σ_w²). */
export const phaseCellCount = (config: PhaseConfig): number => config.cellsW * config.cellsB;
