// The trainability grid's configuration (src/core/trainabilityConfig.ts), its command-line flags
// (src/cli/trainabilityCommand.ts) and the per-cell summary (src/core/trainability.ts), without a GPU.
import { describe, expect, it } from 'vitest';
import { parseFlags, UsageError } from '../../src/cli/args';
import { trainabilityConfigFromFlags } from '../../src/cli/trainabilityCommand';
import { summarizeTrainability, trainabilityGroups } from '../../src/core/trainability';
import {
  ConfigError,
  cellSw2,
  parseDepths,
  sw2Values,
  TRAINABILITY_PARAMS,
  validateTrainabilityConfig,
} from '../../src/core/trainabilityConfig';
import { MAX_BUFFER_FLOATS, trainBufferFloats } from '../../src/core/trainLayout';
import { METRICS_PER_COPY, Metric } from '../../src/core/trainMetrics';

function configError(raw: Record<string, unknown>): ConfigError {
  try {
    validateTrainabilityConfig(raw);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error(`no ConfigError for ${JSON.stringify(raw)}`);
}

describe('validateTrainabilityConfig', () => {
  it('fills defaults from the table, depths from TRAINABILITY_DEPTHS', () => {
    const config = validateTrainabilityConfig({});
    expect(config).toMatchObject({ activation: 'tanh', sw2Min: 0.5, sw2Max: 4, sw2Cells: 8, sb2: 0.05, target: 0.9 });
    expect(config.depths).toEqual([2, 4, 8, 16, 32]);
    for (const spec of TRAINABILITY_PARAMS) expect(spec.help.length, spec.key).toBeGreaterThan(0);
  });

  it('takes numeric strings and a depth list as text or numbers', () => {
    const config = validateTrainabilityConfig({ width: '32', copies: '16', depths: '1, 64', sw2Cells: '16' });
    expect(config).toMatchObject({ width: 32, copies: 16, depths: [1, 64], sw2Cells: 16 });
    expect(parseDepths([3, 5])).toEqual([3, 5]);
  });

  it('refuses what the grid cannot take, naming the field', () => {
    expect(configError({ width: 33 }).field).toBe('width');
    expect(configError({ copies: 17 }).field).toBe('copies');
    expect(configError({ sw2Cells: 17 }).field).toBe('sw2Cells');
    expect(configError({ dataset: 'mnist' }).field).toBe('dataset');
    expect(configError({ sw2Min: 2, sw2Max: 1 }).field).toBe('sw2Max');
    expect(configError({ target: 0.4 }).field).toBe('target');
    expect(configError({ sw2: 1 }).message).toMatch(/unknown parameter sw2/);
    for (const depths of ['', '0,2', '2,65', '4,2', '2,2', 'a', '1.5', Array.from({ length: 17 }, (_, i) => i + 1)])
      expect(configError({ depths }).message, JSON.stringify(depths)).toMatch(/depths must be 1–16 increasing/);
  });

  it('spaces σ_w² evenly, both ends included', () => {
    const config = validateTrainabilityConfig({ sw2Min: 0.5, sw2Max: 2, sw2Cells: 4 });
    expect(sw2Values(config)).toEqual([0.5, 1, 1.5, 2]);
    expect(cellSw2({ sw2Min: 3, sw2Max: 9, sw2Cells: 1 }, 0)).toBe(3);
  });
});

describe('trainability groups', () => {
  it('cut a depth into whole σ_w² columns that fit a buffer', () => {
    const config = validateTrainabilityConfig({ width: 32, copies: 16, sw2Cells: 16, depths: '2,64' });
    const groups = trainabilityGroups(config);
    for (const group of groups) {
      const floats = trainBufferFloats(group.layout, group.copies);
      expect(Math.max(floats.weights, floats.scratch)).toBeLessThanOrEqual(MAX_BUFFER_FLOATS);
      expect(group.cells.scales).toHaveLength(group.columns);
      expect(group.copies).toBe(group.columns * 16);
    }
    const deep = groups.filter((group) => group.depth === 64);
    expect(deep.length).toBeGreaterThan(1); // 256 copies of 64 × 32 need more than one scratch buffer
    expect(deep.reduce((sum, group) => sum + group.columns, 0)).toBe(16);
    expect(groups.filter((group) => group.depth === 2)).toHaveLength(1);
    expect(groups[0].cells.scales[1] ** 2).toBeCloseTo(cellSw2(config, 1), 12);
  });
});

describe('summarizeTrainability', () => {
  it('counts diverged copies as not learned and keeps them out of the loss', () => {
    const config = validateTrainabilityConfig({ sw2Cells: 2, depths: '3', copies: 4, target: 0.9 });
    const groups = trainabilityGroups(config);
    const metrics = new Float64Array(8 * METRICS_PER_COPY);
    const set = (copy: number, loss: number, accuracy: number) => {
      metrics[copy * METRICS_PER_COPY + Metric.trainLoss] = loss;
      metrics[copy * METRICS_PER_COPY + Metric.trainAccuracy] = accuracy;
    };
    // Column 0: two learned, one below the target, one diverged; column 1: all diverged.
    set(0, 0.1, 0.95);
    set(1, 0.2, 0.9);
    set(2, 0.6, 0.6);
    set(3, NaN, NaN);
    for (let copy = 4; copy < 8; copy++) set(copy, NaN, NaN);
    const result = summarizeTrainability(config, groups, [metrics]);
    expect(result.cells[0]).toMatchObject({ depth: 3, learned: 0.5, diverged: 0.25, medianAccuracy: 0.9 });
    expect(result.cells[0].finalLoss.median).toBeCloseTo(0.2, 12);
    expect(result.cells[1]).toMatchObject({ learned: 0, diverged: 1, medianAccuracy: null });
    expect(result.cells[1].finalLoss).toEqual({ p10: null, median: null, p90: null });
    expect(result.depthScale.map((point) => point.sw2)).toEqual(sw2Values(config));
    for (const point of result.depthScale) expect(point.sixXi).toBeCloseTo(6 * point.xi, 12);
  });
});

describe('trainability flags', () => {
  const fromFlags = (...argv: string[]) => trainabilityConfigFromFlags(parseFlags(argv));
  const usage = (...argv: string[]) => {
    try {
      fromFlags(...argv);
    } catch (error) {
      if (error instanceof UsageError) return error.message;
      throw error;
    }
    throw new Error(`no usage error for ${argv.join(' ')}`);
  };

  it('read --sw2=min,max, --sw2-cells and --depths', () => {
    const config = fromFlags('--sw2=0.5,4', '--sw2-cells=3', '--depths=2,4,8', '--width=16', '--cpu');
    expect(config).toMatchObject({ sw2Min: 0.5, sw2Max: 4, sw2Cells: 3, depths: [2, 4, 8], width: 16 });
  });

  it('name the flag and the allowed range', () => {
    expect(usage('--width=64')).toMatch(/^--width: width must be an integer in 1–32/);
    expect(usage('--depths=2,100')).toMatch(/^--depths: depths must be 1–16 increasing .* in 1–64/);
    expect(usage('--sw2=4')).toMatch(/^--sw2 takes the range/);
    expect(usage('--sw2=4,1')).toMatch(/^--sw2: /);
    expect(usage('--sw2=0,1')).toMatch(/^--sw2: sw2Min must be a finite number in 0.01–100/);
    expect(usage('--sw2=1,2', '--sw2-min=1')).toMatch(/not both/);
    expect(usage('--depth=3')).toMatch(/unknown flag --depth/);
  });
});
