import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/initConfig';
import { paramSpec } from '../../src/core/params';
import {
  defaultRegularizationConfig,
  modelDefaults,
  nonFiniteNotice,
  penaltyRequests,
  REGULARIZATION_PARAMS,
  regularizationDataOptions,
  regularizationStart,
  regularizationWindow,
  validateRegularizationConfig,
} from '../../src/core/regularizationConfig';
import { defaultStart, defaultWindow, generateRegularizationData } from '../../src/core/regularizationModels';
import { defined } from '../helpers/defined';

describe('REGULARIZATION_PARAMS', () => {
  it('lists every config field once, with defaults inside their own ranges', () => {
    const keys = REGULARIZATION_PARAMS.map((spec) => spec.key);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.slice().sort()).toEqual(Object.keys(defaultRegularizationConfig()).sort());
    for (const spec of REGULARIZATION_PARAMS) {
      if (spec.kind === 'choice') expect(spec.choices).toContain(spec.default);
      else {
        expect(spec.default).toBeGreaterThanOrEqual(defined(spec.min, `${spec.key}'s min`));
        expect(spec.default).toBeLessThanOrEqual(defined(spec.max, `${spec.key}'s max`));
      }
      expect(spec.help.length).toBeGreaterThan(0);
    }
  });

  it('has the briefed defaults and ranges', () => {
    const byKey = Object.fromEntries(REGULARIZATION_PARAMS.map((spec) => [spec.key, spec]));
    expect([byKey.points.min, byKey.points.max, byKey.points.default]).toEqual([1, 10000, 256]);
    expect([byKey.lambda.min, byKey.lambda.max, byKey.lambda.default, byKey.lambda.log]).toEqual([0, 10, 0.5, true]);
    expect([byKey.alpha.max, byKey.alpha.default]).toEqual([10, 0.05]);
    expect([byKey.steps.min, byKey.steps.max, byKey.steps.default]).toEqual([1, 10000, 200]);
    expect([byKey.grid.min, byKey.grid.max, byKey.grid.default]).toEqual([64, 2048, 256]);
    expect([byKey.seed.min, byKey.seed.max]).toEqual([0, 0xffffffff]);
  });

  it('shrinks the grid on a software adapter, and offers ticks inside each range, the default among them', () => {
    const byKey = Object.fromEntries(REGULARIZATION_PARAMS.map((spec) => [spec.key, spec]));
    expect(byKey.grid.softwareDefault).toBe(128);
    expect(REGULARIZATION_PARAMS.filter((spec) => spec.softwareDefault !== undefined).map((s) => s.key)).toEqual([
      'grid',
    ]);
    for (const spec of REGULARIZATION_PARAMS.filter((candidate) => candidate.ticks)) {
      expect(spec.kind === 'int' && spec.log).toBe(true);
      expect(spec.ticks).toContain(spec.default);
      for (const tick of spec.ticks ?? []) {
        expect(tick).toBeGreaterThanOrEqual(spec.min ?? Number.NaN);
        expect(tick).toBeLessThanOrEqual(spec.max ?? Number.NaN);
      }
    }
    expect(REGULARIZATION_PARAMS.filter((spec) => spec.ticks).map((spec) => spec.key)).toEqual([
      'points',
      'steps',
      'grid',
    ]);
  });

  it('takes the window and the start of each model as its defaults', () => {
    const [w1Min, w1Max, w2Min, w2Max] = defaultWindow('himmelblau');
    const [startW1, startW2] = defaultStart('himmelblau');
    expect(modelDefaults('himmelblau')).toEqual({ w1Min, w1Max, w2Min, w2Max, startW1, startW2 });
  });
});

describe('validateRegularizationConfig', () => {
  it('fills defaults, with the window and start of the chosen model', () => {
    const config = validateRegularizationConfig({ model: 'rosenbrock', lambda: 0 });
    expect(config.lambda).toBe(0);
    expect(config.points).toBe(256);
    const [w1Min, w1Max, w2Min, w2Max] = defaultWindow('rosenbrock');
    expect(regularizationWindow(config)).toEqual({ w1Min, w1Max, w2Min, w2Max });
    expect(regularizationStart(config)).toEqual(defaultStart('rosenbrock'));
    // a valid config passes through unchanged, and its data options generate data.
    const linear = defaultRegularizationConfig('linear');
    expect(validateRegularizationConfig({ ...linear })).toEqual(linear);
    expect(generateRegularizationData(linear.model, regularizationDataOptions(linear)).n).toBe(linear.points);
  });

  it('rejects bad values with a message naming the field and its range', () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ lambda: NaN }, /^lambda must be a finite number in 0–10 \(got NaN\)$/],
      [{ lambda: -0.1 }, /lambda .*0–10/],
      [{ lambda: Infinity }, /lambda .*got Infinity/],
      [{ alpha: 0 }, /^alpha must be a finite number in 0\.000001–10 \(got 0\)$/],
      [{ alpha: 11 }, /alpha/],
      [{ points: 0 }, /^points must be an integer in 1–10000 \(got 0\)$/],
      [{ points: 2.5 }, /points must be an integer/],
      [{ grid: 4096 }, /grid must be an integer in 64–2048/],
      [{ steps: 0 }, /steps/],
      [{ seed: -1 }, /seed must be an integer in 0–4294967295/],
      [{ seed: 2 ** 32 }, /seed/],
      [{ correlation: 1 }, /correlation must be a finite number in -0\.99–0\.99/],
      [{ eccentricity: 0.5 }, /eccentricity/],
      [{ noise: -1 }, /noise/],
      [{ mix: 1.5 }, /mix must be a finite number in 0–1/],
      [{ model: 'sphere' }, /^model must be one of linear, .*quadratic \(got "sphere"\)$/],
      [{ penalty: 'l3' }, /penalty must be one of none, l1, l2, elastic/],
      [{ rule: 'adam' }, /rule must be one of gd, l1-subgradient, l1-proximal, l2-decay/],
      [{ w1Min: NaN }, /w1Min must be a finite number/],
      [{ w2Max: Infinity }, /w2Max must be a finite number/],
      [{ w1Min: 2, w1Max: 1 }, /window: w1Min must be < w1Max \(got w1Min = 2, w1Max = 1\)/],
      [{ w2Min: 0, w2Max: 0 }, /window: w2Min must be < w2Max/],
      [{ startW1: NaN }, /startW1 must be a finite number/],
      [{ lambda: 'lots' }, /lambda must be a finite number .*got "lots"/],
      [{ window: [0, 1, 0, 1] }, /unknown parameter window \(known: model, /],
    ];
    for (const [raw, message] of cases) {
      let error: unknown;
      try {
        validateRegularizationConfig(raw);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toMatch(message);
      // the error's field is the (first) field the raw object got wrong
      expect(Object.keys(raw)).toContain((error as ConfigError).field);
    }
  });

  it('accepts numeric strings as params.ts does (URL values)', () => {
    const config = validateRegularizationConfig({ lambda: '0.25', points: '64', model: 'quadratic' });
    expect(config.lambda).toBe(0.25);
    expect(config.points).toBe(64);
  });

  it('lets λ be 0 although its log slider starts at 1e-4', () => {
    const lambda = paramSpec(REGULARIZATION_PARAMS, 'lambda');
    expect(lambda.sliderMin).toBe(1e-4);
    expect(validateRegularizationConfig({ lambda: 0 }).lambda).toBe(0);
  });
});

describe('penaltyRequests', () => {
  it("puts the config's penalty first and adds each extra one once (a bare penalty takes the config's λ)", () => {
    const config = { ...defaultRegularizationConfig('linear'), penalty: 'l1' as const, lambda: 0.3, mix: 0.5 };
    expect(penaltyRequests(config, ['l1', 'l2', { penalty: 'l2', lambda: 0.3, mix: 0.5 }])).toEqual([
      { penalty: 'l1', lambda: 0.3, mix: 0.5 },
      { penalty: 'l2', lambda: 0.3, mix: 0.5 },
    ]);
    expect(penaltyRequests(config, [{ penalty: 'l1', lambda: 1, mix: 0.5 }])).toHaveLength(2);
    expect(nonFiniteNotice('J', 3, 4)).toMatch(/^3 of 16 cells of J are not finite/);
  });
});
