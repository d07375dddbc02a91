// URL state of the Regularization explorer (src/ui/regularizationState.ts): the round trip through the
// kit's readUrl / writeUrl with model- and adapter-dependent defaults, clamped values reported, knob
// changes fitted, the command line read back by the CLI's own flag parser, and the scheduling decisions.
import { describe, expect, it } from 'vitest';
import { parseFlags } from '../../src/cli/args';
import {
  REG_PATH_LAMBDAS as CLI_REG_PATH_LAMBDAS,
  regularizationConfigFromFlags,
} from '../../src/cli/regularizationCommand';
import { defaultRegularizationConfig, validateRegularizationConfig } from '../../src/core/regularizationConfig';
import { defaultStart, defaultWindow } from '../../src/core/regularizationModels';
import { REG_PATH_LAMBDAS } from '../../src/ui/regularizationRuns';
import {
  applyChange,
  changeKind,
  descentRunsOnPage,
  knobMatters,
  onAxis,
  readRegularizationUrl,
  regPathKey,
  regularizationCommand,
  rulePenalty,
  writeRegularizationUrl,
} from '../../src/ui/regularizationState';

/** The configuration the CLI computes from a command line. */
function cliConfig(command: string) {
  const [prefix, flags] = command.split(' regularization');
  expect(prefix).toBe('npm run cli --');
  return regularizationConfigFromFlags(parseFlags(flags.trim().split(' ').filter(Boolean)));
}

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
    for (const backend of ['gpu', 'software'] as const) {
      for (const config of configs) {
        for (const height of ['log', 'linear'] as const) {
          const search = writeRegularizationUrl(config, { height }, backend);
          const read = readRegularizationUrl(new URLSearchParams(search.toString()), backend);
          expect(read.notices).toEqual([]);
          expect(read.view.height).toBe(height);
          // The software default grid is 128: a config with the full default 256 keeps it explicitly.
          expect(read.config).toEqual(config);
        }
      }
    }
    expect(writeRegularizationUrl(validateRegularizationConfig({}), { height: 'log' }, 'gpu').toString()).toBe('');
    expect(
      writeRegularizationUrl(validateRegularizationConfig({ model: 'beale' }), { height: 'log' }, 'gpu').toString(),
    ).toBe('model=beale');
  });

  it('gives a software adapter a 128 grid by default and reports clamped or broken values', () => {
    expect(readRegularizationUrl(new URLSearchParams(''), 'software').config.grid).toBe(128);
    expect(readRegularizationUrl(new URLSearchParams(''), 'gpu').config.grid).toBe(256);
    const read = readRegularizationUrl(
      new URLSearchParams('lambda=99&grid=10&model=nope&height=3d&w1Min=5&w1Max=1'),
      'gpu',
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

  it('notices keys no table knows and keys given twice (the last value wins)', () => {
    const read = readRegularizationUrl(new URLSearchParams('lambda=3&lambda=0.2&zoom=2&height=linear'), 'gpu');
    expect(read.config.lambda).toBe(0.2);
    expect(read.view.height).toBe('linear');
    expect(read.notices.join('\n')).toMatch(/unknown parameter "zoom" ignored/);
    expect(read.notices.join('\n')).toMatch(/lambda is given 2 times; using the last \("0.2"\)/);
  });
});

describe('regularization command line', () => {
  it('is the CLI call that computes the same configuration, with the path and the regularization path', () => {
    const plain = defaultRegularizationConfig();
    expect(regularizationCommand(plain)).toBe('npm run cli -- regularization --path --reg-path');
    const configs = [
      plain,
      { ...plain, grid: 128 }, // the software default is not the CLI's
      validateRegularizationConfig({ model: 'quadratic', lambda: 10, penalty: 'l2', steps: 50, h1: 7 }),
      validateRegularizationConfig({ model: 'rosenbrock', w1Min: -3, w1Max: 3, w2Min: -3, w2Max: 3, startW2: 0.5 }),
      validateRegularizationConfig({ model: 'logistic', rule: 'gd', alpha: 0.001, seed: 4000000000, lambda: 0 }),
    ];
    for (const config of configs) expect(cliConfig(regularizationCommand(config))).toEqual(config);
    const command = regularizationCommand(configs[3]);
    expect(command).toContain('--model=rosenbrock');
    expect(command).toContain('--window=-3,3,-3,3');
    expect(command).toContain(`--start=${defaultStart('rosenbrock')[0]},0.5`);
    expect(regularizationCommand(configs[1])).toBe('npm run cli -- regularization --grid=128 --path --reg-path');
    expect(REG_PATH_LAMBDAS).toEqual(CLI_REG_PATH_LAMBDAS); // the chart's λ are --reg-path's
  });
});

describe('regularization knob changes', () => {
  it('clamps through the table, brings a new model its window and start, and refuses an empty window', () => {
    const linear = defaultRegularizationConfig();
    const clamped = applyChange(linear, 'lambda', 99, 'gpu');
    expect(clamped.applied).toBe(true);
    expect(clamped.config.lambda).toBe(10);
    expect(clamped.notices.join()).toMatch(/clamped to 10/);
    const beale = applyChange({ ...linear, w1Min: -1 }, 'model', 'beale', 'gpu').config;
    expect([beale.w1Min, beale.w1Max, beale.w2Min, beale.w2Max]).toEqual(defaultWindow('beale'));
    expect([beale.startW1, beale.startW2]).toEqual(defaultStart('beale'));
    const refused = applyChange(linear, 'w1Min', 5, 'gpu');
    expect(refused.applied).toBe(false);
    expect(refused.config).toBe(linear);
    expect(refused.notices.join()).toMatch(/window: min must be below max.*not applied/);
  });

  it('recomputes the regularization path for new data only, and runs long descent paths off the page', () => {
    const linear = defaultRegularizationConfig();
    expect(regPathKey({ ...linear, lambda: 3, penalty: 'l2', alpha: 1, grid: 512 })).toBe(regPathKey(linear));
    expect(regPathKey({ ...linear, noise: 1 })).not.toBe(regPathKey(linear));
    expect(regPathKey({ ...linear, model: 'beale' })).not.toBe(regPathKey(linear));
    expect(descentRunsOnPage(200, 256)).toBe(true);
    expect(descentRunsOnPage(20, 10000)).toBe(true);
    expect(descentRunsOnPage(10000, 10000)).toBe(false);
    expect(descentRunsOnPage(10000, 0)).toBe(true); // analytic models: no data terms
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
