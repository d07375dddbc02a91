// The Initialization explorer's presets: the course's four cases (zero, too small, appropriate,
// too large), the same-value case, He for ReLU, and sigmoid with Xavier (where the zero-mean
// assumption of the derivation fails). Pure data: a preset sets only the knobs that define the case
// (activation, scheme, init scale, bias std); depth, width, batch, K and the seed are kept.

import type { InitConfig } from '../core/initConfig';

export type Verdict = 'vanishing' | 'stable' | 'exploding';

export interface InitPreset {
  id: string;
  /** Short name for the dropdown and the screenshot file (init-<id>.png). */
  label: string;
  values: Pick<InitConfig, 'activation' | 'scheme' | 'scale' | 'biasStd'>;
  /** What the gradients do with this preset (checked against the theory in the unit tests). */
  verdict: Verdict;
  /** One sentence: what to look at. */
  story: string;
}

export const INIT_PRESETS: readonly InitPreset[] = [
  {
    id: 'zero',
    label: 'zero',
    values: { activation: 'tanh', scheme: 'zeros', scale: 1, biasStd: 0 },
    verdict: 'vanishing',
    story:
      'All weights 0: every z and a is 0, and every gradient below the top layer is exactly 0; ' +
      'the symmetry is never broken.',
  },
  {
    id: 'too-small',
    label: 'too small',
    values: { activation: 'tanh', scheme: 'xavier-normal', scale: 0.5, biasStd: 0 },
    verdict: 'vanishing',
    story:
      'Xavier std × 0.5: each layer multiplies the variance by about 0.25, ' +
      'so activations collapse onto 0 and gradients vanish.',
  },
  {
    id: 'appropriate',
    label: 'appropriate (Xavier)',
    values: { activation: 'tanh', scheme: 'xavier-normal', scale: 1, biasStd: 0 },
    verdict: 'stable',
    story:
      'Var(W) = 1/n[l−1]: n·Var(W) = 1 per layer, the signal neither dies nor blows up (tanh at its critical point).',
  },
  {
    id: 'too-large',
    label: 'too large',
    values: { activation: 'tanh', scheme: 'xavier-normal', scale: 3, biasStd: 0 },
    verdict: 'exploding',
    story: 'Xavier std × 3: tanh saturates at ±1 and the back-propagated gradient grows by χ ≈ 1.9 per layer.',
  },
  {
    id: 'constant',
    label: 'same value',
    values: { activation: 'tanh', scheme: 'constant', scale: 1, biasStd: 0 },
    verdict: 'stable',
    story:
      'Every weight equal (c = 1/n[l−1]): magnitudes are fine, ' +
      'but all units of a layer are copies of one another, forever.',
  },
  {
    id: 'he-relu',
    label: 'He for ReLU',
    values: { activation: 'relu', scheme: 'he-normal', scale: 1, biasStd: 0 },
    verdict: 'stable',
    story: 'ReLU zeroes half of its inputs, so Var(W) = 2/n[l−1] (He) keeps E[a²] and E[δ²] constant over depth.',
  },
  {
    id: 'sigmoid-xavier',
    label: 'sigmoid + Xavier',
    values: { activation: 'sigmoid', scheme: 'xavier-normal', scale: 1, biasStd: 0 },
    verdict: 'vanishing',
    story:
      'Sigmoid outputs have mean ½, not 0, and slope ≤ ¼: ' +
      'the zero-mean step of the derivation fails and gradients vanish.',
  },
];

export function findPreset(id: string): InitPreset | undefined {
  return INIT_PRESETS.find((preset) => preset.id === id);
}

/** The config with the preset's knobs set; everything else (sizes, seed) kept. */
export function applyPreset(config: InitConfig, preset: InitPreset): InitConfig {
  return { ...config, ...preset.values };
}

/** The preset whose knobs the config matches, if any. */
export function matchingPreset(config: InitConfig): InitPreset | undefined {
  return INIT_PRESETS.find(({ values }) =>
    (Object.keys(values) as (keyof typeof values)[]).every((key) => config[key] === values[key]),
  );
}
