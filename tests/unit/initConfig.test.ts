import { describe, expect, it } from 'vitest';
import { ConfigError, INIT_PARAMS, validateInitConfig } from '../../src/core/initConfig';
import { type ParamSpec, paramSpec, parseParam, readParams, writeParams } from '../../src/core/params';
import { defined } from '../helpers/defined';

function configError(raw: Record<string, unknown>): ConfigError {
  try {
    validateInitConfig(raw);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error(`no ConfigError for ${JSON.stringify(raw)}`);
}

const spec = (key: string): ParamSpec => paramSpec(INIT_PARAMS, key);

describe('validateInitConfig', () => {
  it('fills defaults from the table; inputWidth defaults to width', () => {
    expect(validateInitConfig({})).toEqual({
      depth: 10,
      width: 128,
      inputWidth: 128,
      batch: 16,
      inits: 64,
      activation: 'tanh',
      scheme: 'xavier-normal',
      scale: 1,
      biasStd: 0,
      seed: 1,
      bins: 64,
      kernels: 'auto',
      gpuMemory: 2048,
    });
    expect(validateInitConfig({ width: 300 }).inputWidth).toBe(300);
    expect(validateInitConfig({ width: 300, inputWidth: 7 }).inputWidth).toBe(7);
  });

  it('accepts numeric strings', () => {
    const config = validateInitConfig({ depth: '12', scale: ' 0.5 ', seed: '4294967295', biasStd: '1e-2' });
    expect(config).toMatchObject({ depth: 12, scale: 0.5, seed: 4294967295, biasStd: 0.01 });
  });

  it('names the field, the bad value and the range', () => {
    expect(configError({ width: 0 }).message).toBe('width must be an integer in 1–16384 (got 0)');
    expect(configError({ scale: -1 }).message).toBe('scale must be a finite number in 0–100 (got -1)');
    expect(configError({ depth: '2.5' }).message).toBe('depth must be an integer in 1–200 (got "2.5")');
    expect(configError({ activation: 'softmax' }).message).toBe(
      'activation must be one of tanh, sigmoid, relu, linear (got "softmax")',
    );
    expect(configError({ scale: Infinity }).field).toBe('scale');
    expect(configError({ seed: 4294967296 }).field).toBe('seed');
    expect(configError({ bins: 'many' }).field).toBe('bins');
    expect(configError({ scheme: 'lecun' }).message).toContain('he-uniform');
  });

  it('rejects each numeric field just outside its table range (the table is the only copy of the ranges)', () => {
    for (const p of INIT_PARAMS) {
      if (p.kind !== 'int' && p.kind !== 'float') continue;
      for (const bad of [defined(p.min, `${p.key}'s min`) - 1, defined(p.max, `${p.key}'s max`) + 1]) {
        const error = configError({ [p.key]: bad });
        expect(error.field).toBe(p.key);
        expect(error.message).toContain(`${p.key} must be`);
        expect(error.message).toContain(`${p.min}–${p.max}`);
        expect(error.message).toContain(`(got ${bad})`);
      }
      expect(validateInitConfig({ [p.key]: p.min })[p.key as 'depth']).toBe(p.min);
      expect(validateInitConfig({ [p.key]: p.max })[p.key as 'depth']).toBe(p.max);
    }
  });

  it('names unknown keys', () => {
    const error = configError({ width: 4, learningRate: 0.1, momentum: 0.9 });
    expect(error.field).toBe('learningRate');
    expect(error.message).toContain('learningRate, momentum');
  });
});

describe('params: parseParam, readParams, writeParams', () => {
  it('parseParam clamps out-of-range numbers and rounds integers, saying so', () => {
    expect(parseParam(spec('width'), '0')).toEqual({
      value: 1,
      clamped: true,
      message: 'width: "0" is not an integer in 1–16384; clamped to 1',
    });
    expect(parseParam(spec('scale'), 1000)).toMatchObject({ value: 100, clamped: true });
    expect(parseParam(spec('depth'), 3.6)).toEqual({
      value: 4,
      clamped: true,
      message: 'depth: 3.6 is not an integer in 1–200; rounded to 4',
    });
    expect(parseParam(spec('depth'), '17')).toEqual({ value: 17, clamped: false });
  });

  it('parseParam falls back to the default on garbage, with a message; absent values are silent', () => {
    expect(parseParam(spec('depth'), 'abc')).toEqual({
      value: 10,
      clamped: false,
      message: 'depth: "abc" is not an integer in 1–200; using 10',
    });
    expect(parseParam(spec('scale'), 'Infinity').value).toBe(1);
    expect(parseParam(spec('activation'), 'gelu')).toMatchObject({ value: 'tanh', clamped: false });
    expect(parseParam(spec('activation'), 'gelu').message).toContain('one of tanh, sigmoid, relu, linear');
    expect(parseParam(spec('depth'), '')).toEqual({ value: 10, clamped: false });
    expect(parseParam(spec('depth'), undefined)).toEqual({ value: 10, clamped: false });
    const flag: ParamSpec = { key: 'log', label: 'log', kind: 'bool', default: false, help: '' };
    expect(parseParam(flag, '1').value).toBe(true);
    expect(parseParam(flag, 'maybe').message).toBe('log: "maybe" is not true or false; using false');
  });

  it('readParams gives every value and one notice per clamped or replaced value', () => {
    const { values, notices } = readParams(
      INIT_PARAMS,
      new URLSearchParams('width=99999&depth=abc&activation=relu&other=ignored'),
    );
    expect(values).toMatchObject({ width: 16384, depth: 10, activation: 'relu', inputWidth: 16384, bins: 64 });
    expect(notices).toHaveLength(2);
    expect(notices[0]).toContain('depth');
    expect(notices[1]).toContain('width');
  });

  it('writeParams omits defaults and round-trips non-default values through the URL', () => {
    const defaults = readParams(INIT_PARAMS, new URLSearchParams()).values;
    expect(writeParams(INIT_PARAMS, defaults).toString()).toBe('');
    const values = {
      ...defaults,
      depth: 37,
      width: 512,
      inputWidth: 3,
      activation: 'relu',
      scheme: 'he-uniform',
      scale: 0.1 + 0.2,
      seed: 4294967295,
    };
    const search = writeParams(INIT_PARAMS, values);
    expect(search.has('batch')).toBe(false);
    const back = readParams(INIT_PARAMS, new URLSearchParams(search.toString()));
    expect(back.notices).toEqual([]);
    expect(back.values).toEqual(values);
    expect(validateInitConfig(back.values)).toEqual(values);
    // inputWidth equal to width is its default: omitted, and read back from width.
    const same = writeParams(INIT_PARAMS, { ...defaults, width: 512, inputWidth: 512 });
    expect(same.toString()).toBe('width=512');
    expect(readParams(INIT_PARAMS, same).values.inputWidth).toBe(512);
  });
});
