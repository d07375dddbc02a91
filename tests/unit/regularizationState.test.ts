// URL state of the Regularization explorer (src/ui/regularizationState.ts): the round trip through
// readParams / writeParams with model- and adapter-dependent defaults, and clamped values reported.
import { describe, expect, it } from 'vitest';
import { validateRegularizationConfig } from '../../src/core/regularizationConfig';
import {
  changeKind,
  knobMatters,
  onAxis,
  readRegularizationUrl,
  rulePenalty,
  writeRegularizationUrl,
} from '../../src/ui/regularizationState';

describe('regularization URL', () => {
  it('round-trips configurations of every kind, writing only what differs from the defaults', () => {
    const configs = [
      validateRegularizationConfig({}),
      validateRegularizationConfig({ model: 'himmelblau', lambda: 0, penalty: 'l2', startW1: 1.25 }),
      // The linear model's window on another model must survive: it is not that model's default.
      validateRegularizationConfig({ model: 'rosenbrock', w1Min: -3, w1Max: 3, w2Min: -3, w2Max: 3, grid: 512 }),
      validateRegularizationConfig({
        model: 'quadratic',
        h1: 7,
        a2: 0.3,
        rule: 'l2-decay',
        alpha: 0.001,
        seed: 4000000000,
      }),
    ];
    for (const software of [false, true]) {
      for (const config of configs) {
        for (const height of ['log', 'linear'] as const) {
          const search = writeRegularizationUrl(config, { height }, software);
          const read = readRegularizationUrl(new URLSearchParams(search.toString()), software);
          expect(read.notices).toEqual([]);
          expect(read.view.height).toBe(height);
          // The software default grid is 128: a config with the full default 256 keeps it explicitly.
          expect(read.config).toEqual(config);
        }
      }
    }
    expect(writeRegularizationUrl(validateRegularizationConfig({}), { height: 'log' }, false).toString()).toBe('');
    expect(
      writeRegularizationUrl(validateRegularizationConfig({ model: 'beale' }), { height: 'log' }, false).toString(),
    ).toBe('model=beale');
  });

  it('gives a software adapter a 128 grid by default and reports clamped or broken values', () => {
    expect(readRegularizationUrl(new URLSearchParams(''), true).config.grid).toBe(128);
    expect(readRegularizationUrl(new URLSearchParams(''), false).config.grid).toBe(256);
    const read = readRegularizationUrl(
      new URLSearchParams('lambda=99&grid=10&model=nope&height=3d&w1Min=5&w1Max=1'),
      false,
    );
    expect(read.config.lambda).toBe(10);
    expect(read.config.grid).toBe(64);
    expect(read.config.model).toBe('linear');
    expect(read.config.w1Min).toBe(-3);
    const text = read.notices.join('\n');
    expect(text).toMatch(/lambda: "99" .*clamped to 10/);
    expect(text).toMatch(/grid: "10" .*clamped to 64/);
    expect(text).toMatch(/w1Min must be < w1Max/);
    expect(text).toMatch(/height: "3d"/);
  });
});

describe('regularization decisions', () => {
  it('reruns only the path for path knobs, and greys out knobs a model ignores', () => {
    expect(changeKind('alpha')).toBe('path');
    expect(changeKind('startW2')).toBe('path');
    expect(changeKind('lambda')).toBe('evaluate');
    const himmelblau = validateRegularizationConfig({ model: 'himmelblau' });
    expect(knobMatters('noise', himmelblau)).toBe(false);
    expect(knobMatters('h1', validateRegularizationConfig({ model: 'quadratic' }))).toBe(true);
    expect(knobMatters('mix', validateRegularizationConfig({ penalty: 'l1' }))).toBe(false);
    expect(rulePenalty('l1-proximal')).toBe('l1');
    expect(rulePenalty('l2-decay')).toBe('l2');
    expect(rulePenalty('gd')).toBe('none');
    expect(onAxis([0, -0.3])).toBe(true);
    expect(onAxis([1e-300, 2])).toBe(false);
  });
});
