// The presets table: every preset is a valid config, ids are unique and file-name safe, the
// course's four cases are there, and each preset's stated verdict is what the theory says.
import { describe, expect, it } from 'vitest';
import { INIT_PARAMS, validateInitConfig } from '../../src/core/initConfig';
import { meanFieldTheory } from '../../src/core/meanField';
import { applyPreset, findPreset, INIT_PRESETS, matchingPreset } from '../../src/ui/initPresets';
import { defaultInitConfig } from '../../src/ui/initUrl';
import { classifyGain, gradientVerdict, measuredGradientGain } from '../../src/ui/initVerdict';
import { defined } from '../helpers/defined';

describe('INIT_PRESETS', () => {
  it('has unique, file-name-safe ids and the course cases, He for ReLU and sigmoid with Xavier', () => {
    const ids = INIT_PRESETS.map((preset) => preset.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z0-9-]+$/);
    for (const id of ['zero', 'too-small', 'appropriate', 'too-large', 'he-relu', 'sigmoid-xavier'])
      expect(ids).toContain(id);
    expect(findPreset('he-relu')?.values).toMatchObject({ activation: 'relu', scheme: 'he-normal' });
    expect(findPreset('sigmoid-xavier')?.values).toMatchObject({
      activation: 'sigmoid',
      scheme: 'xavier-normal',
      scale: 1,
    });
    expect(findPreset('zero')?.values.scheme).toBe('zeros');
    expect(findPreset('nope')).toBeUndefined();
  });

  it('sets only knobs of the parameter table, with values validateInitConfig accepts', () => {
    const keys = new Set(INIT_PARAMS.map((spec) => spec.key as string));
    for (const preset of INIT_PRESETS) {
      for (const key of Object.keys(preset.values)) expect(keys.has(key)).toBe(true);
      expect(() => validateInitConfig({ ...preset.values })).not.toThrow();
      for (const backend of ['software', 'gpu'] as const) {
        const config = applyPreset(defaultInitConfig(backend), preset);
        expect(validateInitConfig({ ...config })).toEqual(config);
      }
    }
  });

  it('keeps sizes and seed, and is recognised again by matchingPreset', () => {
    const base = { ...defaultInitConfig('software'), depth: 7, width: 300, seed: 42 };
    for (const preset of INIT_PRESETS) {
      const config = applyPreset(base, preset);
      expect(config).toMatchObject({ depth: 7, width: 300, seed: 42, inits: base.inits, batch: base.batch });
      expect(matchingPreset(config)?.id).toBe(preset.id);
    }
    expect(matchingPreset({ ...base, scale: 1.7 })).toBeUndefined();
  });

  it('states the verdict the mean-field theory gives (too small < appropriate < too large in E[δ²] of layer 1)', () => {
    const base = defaultInitConfig('software');
    for (const preset of INIT_PRESETS) {
      expect(gradientVerdict(applyPreset(base, preset)).verdict, preset.id).toBe(preset.verdict);
    }
    const layer1 = (id: string): number =>
      meanFieldTheory(applyPreset(base, defined(findPreset(id), `preset ${id}`)))[0].deltaMeanSquare;
    expect(layer1('too-large')).toBeGreaterThan(100 * layer1('appropriate'));
    expect(layer1('too-small')).toBeLessThan(layer1('appropriate') / 100);
    expect(layer1('zero')).toBe(0);
  });
});

describe('gradientVerdict', () => {
  it('separates the linear step-6 reading from the mean-field one where the derivation breaks', () => {
    const base = defaultInitConfig('software');
    const sigmoid = gradientVerdict(applyPreset(base, defined(findPreset('sigmoid-xavier'), 'preset sigmoid-xavier')));
    expect(sigmoid.linearProduct).toBeCloseTo(1, 12);
    expect(sigmoid.linearVerdict).toBe('stable');
    expect(sigmoid.verdict).toBe('vanishing');
    const he = gradientVerdict(applyPreset(base, defined(findPreset('he-relu'), 'preset he-relu')));
    expect(he.linearGain).toBeCloseTo(2, 12);
    expect(he.chiStar).toBeCloseTo(1, 12);
    expect(he.verdict).toBe('stable');
  });

  it('classifies gains, including 0, ∞ and NaN', () => {
    expect(classifyGain(0)).toBe('vanishing');
    expect(classifyGain(NaN)).toBe('vanishing');
    expect(classifyGain(Infinity)).toBe('exploding');
    expect(classifyGain(0.95)).toBe('stable');
    expect(classifyGain(1.05)).toBe('stable');
    expect(classifyGain(0.5)).toBe('vanishing');
    expect(classifyGain(1.5)).toBe('exploding');
  });

  it('measures the per-layer gain of E[δ²] and refuses what it cannot form', () => {
    expect(measuredGradientGain([0.01, 0.1, 1])).toBeCloseTo(0.1, 12);
    expect(measuredGradientGain([1])).toBeNull();
    expect(measuredGradientGain([null, 1])).toBeNull();
    expect(measuredGradientGain([1, 0])).toBeNull();
  });
});
