import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  fitTrainConfig,
  parseHidden,
  TRAIN_PARAMS,
  validateTrainConfig,
} from '../../src/core/trainConfig';
import { maxCopiesFor, trainLayout } from '../../src/core/trainLayout';

function configError(raw: Record<string, unknown>): ConfigError {
  try {
    validateTrainConfig(raw);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error(`no ConfigError for ${JSON.stringify(raw)}`);
}

describe('validateTrainConfig', () => {
  it('fills defaults from the table: 2 hidden layers of 8', () => {
    const config = validateTrainConfig({});
    expect(config.hidden).toEqual([8, 8]);
    expect(config).toMatchObject({
      dataset: 'moons',
      copies: 256,
      points: 256,
      steps: 500,
      alpha: 0.5,
      penalty: 'none',
    });
    expect('depth' in config || 'width' in config).toBe(false);
    for (const spec of TRAIN_PARAMS) expect(spec.help.length).toBeGreaterThan(0);
  });

  it('builds hidden from depth × width or from a list', () => {
    expect(validateTrainConfig({ depth: '3', width: '5' }).hidden).toEqual([5, 5, 5]);
    expect(validateTrainConfig({ hidden: '8,4' }).hidden).toEqual([8, 4]);
    expect(validateTrainConfig({ hidden: [16] }).hidden).toEqual([16]);
    expect(parseHidden(' 2, 3 ')).toEqual([2, 3]);
  });

  it('names the field of a bad value', () => {
    expect(configError({ copies: 5000 }).field).toBe('copies');
    expect(configError({ width: 65 }).field).toBe('width');
    expect(configError({ hidden: '8,0' }).field).toBe('hidden');
    expect(configError({ hidden: '1,1,1,1,1,1,1,1,1' }).field).toBe('hidden');
    expect(configError({ hidden: '8', depth: 2 }).field).toBe('hidden');
    expect(configError({ dataset: 'iris' }).field).toBe('dataset');
    expect(configError({ bogus: 1 }).field).toBe('bogus');
    expect(configError({ points: 2001 }).message).toMatch(/points must be an integer in 4–2000/);
  });

  it('rejects L2 decay with 2αλ ≥ 1 and copies that do not fit a 128 MiB buffer', () => {
    expect(configError({ penalty: 'l2', alpha: 1, lambda: 0.5 }).field).toBe('lambda');
    expect(validateTrainConfig({ penalty: 'l1', alpha: 1, lambda: 0.5 }).lambda).toBe(0.5);
    const limit = maxCopiesFor(trainLayout(new Array(8).fill(64)));
    expect(limit).toBeGreaterThan(100);
    expect(limit).toBeLessThan(4096);
    expect(configError({ depth: 8, width: 64, copies: limit + 1 }).field).toBe('copies');
    expect(validateTrainConfig({ depth: 8, width: 64, copies: limit }).copies).toBe(limit);
  });
});

describe('fitTrainConfig', () => {
  it('clamps with a notice instead of refusing', () => {
    const { config, notices } = fitTrainConfig({ copies: '9999', width: '100', points: 'many', depth: 8 });
    expect(config.hidden).toEqual(new Array(8).fill(64));
    expect(config.points).toBe(256);
    expect(config.copies).toBe(maxCopiesFor(trainLayout(config.hidden)));
    expect(notices.some((n) => n.startsWith('copies'))).toBe(true);
    expect(notices.some((n) => n.startsWith('width'))).toBe(true);
    expect(notices.some((n) => n.startsWith('points'))).toBe(true);
    const l2 = fitTrainConfig({ penalty: 'l2', alpha: 2, lambda: 0.5 });
    expect(2 * l2.config.alpha * l2.config.lambda).toBeLessThan(1);
    expect(l2.notices).toHaveLength(1);
  });
});
