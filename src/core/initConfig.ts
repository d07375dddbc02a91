// The initialization experiment's configuration: one parameter table (GUI, URL, validation, CLI flags)
// and the strict validator built from it. `default` is the command line's; the page starts at a
// spec's softwareDefault or gpuDefault instead where it has one (tableForAdapter in core/params.ts).

import { ACTIVATIONS, type Activation } from './activations';
import { ConfigError, checkedTableValues, type ParamSpec, rejectUnknownKeys } from './params';
import { SCHEMES, type Scheme } from './schemes';

/**
 * The GPU engine's kernel family (src/gpu/initKernels.ts): `hardware` (workgroup-memory tiles, for GPUs),
 * `software` (per-invocation register tiles, tuned for SwiftShader), or `auto` (by the adapter). The CPU
 * twin ignores it; both families compute the same sums, in a different order (f32 rounding only).
 */
export const KERNEL_FAMILIES = ['auto', 'hardware', 'software'] as const;
export type KernelFamilyChoice = (typeof KERNEL_FAMILIES)[number];
export type KernelFamily = Exclude<KernelFamilyChoice, 'auto'>;

export interface InitConfig {
  depth: number;
  width: number;
  inputWidth: number;
  batch: number;
  inits: number;
  activation: Activation;
  scheme: Scheme;
  scale: number;
  biasStd: number;
  seed: number;
  bins: number;
  kernels: KernelFamilyChoice;
  /** MiB one chunk of the GPU engine may hold (the user's cap; the adapter's limits bound it too). */
  gpuMemory: number;
}

/** A ParamSpec whose key is an InitConfig field. */
export interface InitParamSpec extends ParamSpec {
  key: keyof InitConfig;
}

export const INIT_PARAMS: readonly InitParamSpec[] = [
  { key: 'depth', label: 'depth L', kind: 'int', min: 1, max: 200, default: 10, help: 'Number of layers.' },
  {
    key: 'width',
    label: 'width n',
    kind: 'int',
    min: 1,
    max: 16384,
    log: true,
    default: 128,
    // Measured on SwiftShader (2 cores, depth 10, batch 16, K = 64): n = 128 took 6–8 s a run, n = 64 1.5–4 s.
    softwareDefault: 64,
    gpuDefault: 1024,
    help: 'Units per layer.',
  },
  {
    key: 'inputWidth',
    label: 'input width n[0]',
    kind: 'int',
    min: 1,
    max: 16384,
    log: true,
    default: 128,
    defaultFrom: 'width',
    help: 'Width of the random input x ~ N(0, I); the same as the width unless set.',
  },
  {
    key: 'batch',
    label: 'batch B',
    kind: 'int',
    min: 1,
    max: 1024,
    log: true,
    default: 16,
    help: 'Inputs per initialization.',
  },
  {
    key: 'inits',
    label: 'initializations K',
    kind: 'int',
    min: 1,
    max: 65536,
    log: true,
    default: 64,
    softwareDefault: 64,
    gpuDefault: 1024,
    help: 'Independent draws of all weights; statistics pool over them.',
  },
  {
    key: 'activation',
    label: 'activation φ',
    kind: 'choice',
    choices: ACTIVATIONS,
    default: 'tanh',
    help: 'Nonlinearity of every layer.',
  },
  {
    key: 'scheme',
    label: 'scheme',
    kind: 'choice',
    choices: SCHEMES,
    default: 'xavier-normal',
    help: 'How the weights are drawn.',
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
    help: 'Multiplies the standard deviation of the scheme (variance × s²); constant: c = s / n[l−1].',
  },
  { key: 'biasStd', label: 'bias std σ_b', kind: 'float', min: 0, max: 100, default: 0, help: 'Biases ~ N(0, σ_b²).' },
  {
    key: 'seed',
    label: 'seed',
    kind: 'int',
    min: 0,
    max: 4294967295,
    default: 1,
    help: 'Key of the counter-based generator.',
  },
  { key: 'bins', label: 'histogram bins', kind: 'int', min: 8, max: 256, default: 64, help: 'Bins of each histogram.' },
  {
    key: 'kernels',
    label: 'GPU kernels',
    kind: 'choice',
    choices: KERNEL_FAMILIES,
    default: 'auto',
    help:
      'Kernel family of the GPU engine: hardware (workgroup-memory tiles, for GPUs), software (register tiles for ' +
      'the software adapter); auto picks by the adapter. Same numbers up to f32 rounding; the CPU twin ignores it.',
  },
  {
    key: 'gpuMemory',
    label: 'GPU memory cap (MiB)',
    kind: 'int',
    min: 16,
    max: 65536,
    log: true,
    default: 2048,
    help:
      'Most GPU memory one chunk of initializations may hold; K runs in as many chunks as needed (the same ' +
      "numbers). The adapter's buffer limits bound every buffer too. Lower it if the GPU runs out of memory.",
  },
];

export { ConfigError };

/** A checked InitConfig from loose input (numbers or numeric strings); absent keys take their defaults. */
export function validateInitConfig(raw: Record<string, unknown>): InitConfig {
  rejectUnknownKeys(
    raw,
    INIT_PARAMS.map((spec) => spec.key),
  );
  return checkedTableValues(INIT_PARAMS, raw) as unknown as InitConfig;
}
