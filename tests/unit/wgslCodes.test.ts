// The codes TypeScript and WGSL share (src/gpu/wgslCodes.ts), checked on the WGSL text without a GPU:
// every entry of a table has its case in each switch that dispatches on it and every case is an entry
// of the table (so adding an activation, a draw, an update rule or a model without its WGSL fails
// here); no kernel spells a code of its own; an override that carries a code is refused outside its
// table; and the constants the WGSL repeats agree with TypeScript.
import { describe, expect, it } from 'vitest';
import activationsSource from '../../shaders/common/activations.wgsl?raw';
import drawsSource from '../../shaders/common/draws.wgsl?raw';
import gridArgminSource from '../../shaders/gridArgmin.wgsl?raw';
import gridLossSource from '../../shaders/gridLoss.wgsl?raw';
import initWeightsSource from '../../shaders/initWeights.wgsl?raw';
import layerStatsSource from '../../shaders/layerStats.wgsl?raw';
import trainCommonSource from '../../shaders/trainCommon.wgsl?raw';
import trainInitSource from '../../shaders/trainInit.wgsl?raw';
import { ACTIVATIONS, TANH_CLAMP } from '../../src/core/activations';
import { INIT_PARAMS } from '../../src/core/initConfig';
import { REGULARIZATION_MODEL_INFO, REGULARIZATION_MODELS } from '../../src/core/regularizationModels';
import { Metric } from '../../src/core/trainMetrics';
import { NO_FINITE_VALUE } from '../../src/gpu/gridArgmin';
import { GRID_LOSS_CELLS_PER_INVOCATION } from '../../src/gpu/gridLoss';
import { DRAW_PAIRS } from '../../src/gpu/initKernels';
import { copyMetricsLayout } from '../../src/gpu/trainShaders';
import { checkCodeOverrides, WGSL_CODE_TABLES, wgslCodeName, wgslCodesSource } from '../../src/gpu/wgslCodes';

const SHADERS = import.meta.glob<string>('../../shaders/**/*.wgsl', { query: '?raw', import: 'default', eager: true });

/** The body of `fn <name>(…) … { … }` in a source. */
function functionBody(source: string, name: string): string {
  const start = source.indexOf(`fn ${name}(`);
  if (start < 0) throw new Error(`no fn ${name}`);
  const open = source.indexOf('{', start);
  let depth = 0;
  for (let i = open; i < source.length; i++) {
    if (source[i] === '{') depth++;
    if (source[i] === '}' && --depth === 0) return source.slice(open + 1, i);
  }
  throw new Error(`fn ${name} is not closed`);
}

/** The case labels of the `switch (<selector>)` in fn <name>, sorted. */
function switchCases(source: string, name: string, selector: string): string[] {
  const body = functionBody(source, name);
  const at = body.indexOf(`switch (${selector})`);
  if (at < 0) throw new Error(`fn ${name} has no switch (${selector})`);
  const labels = [...body.slice(at).matchAll(/\bcase\s+([^:]+):/g)].flatMap((match) =>
    match[1].split(',').map((label) => label.trim()),
  );
  return labels.sort();
}

const names = (prefix: string, keys: readonly string[]) => keys.map((key) => wgslCodeName(prefix, key)).sort();
const tableNames = (prefix: string) => names(prefix, Object.keys(WGSL_CODE_TABLES[prefix]));

function wgslConstant(source: string, name: string): number {
  const match = new RegExp(`const ${name}: (?:u32|f32) = (0x[0-9a-f]+|[\\d.]+)u?;`).exec(source);
  if (!match) throw new Error(`no constant ${name}`);
  return Number(match[1]);
}

describe('codes shared by TypeScript and WGSL', () => {
  it('every activation has its case in φ and φ′, and every case is an activation', () => {
    expect(Object.keys(WGSL_CODE_TABLES.ACTIVATION).sort()).toEqual([...ACTIVATIONS].sort());
    for (const fn of ['phi4', 'phi_prime4'])
      expect(switchCases(activationsSource, fn, 'ACTIVATION'), fn).toEqual(tableNames('ACTIVATION'));
  });

  it('every weight draw has its case in common/draws.wgsl (initWeights, hardware layer kernels) and trainInit', () => {
    expect(switchCases(drawsSource, 'draw_pair', 'DRAW_KIND')).toEqual(tableNames('DRAW'));
    expect(switchCases(trainInitSource, 'trainInit', 'params.draw')).toEqual(tableNames('DRAW'));
  });

  it('every parameter update has its case in update_param', () => {
    expect(switchCases(trainCommonSource, 'update_param', 'penalty')).toEqual(tableNames('UPDATE'));
  });

  it('every regularization model has its case in gridLoss: data models in point_terms, others in analytic_loss', () => {
    const usesData = REGULARIZATION_MODELS.filter((model) => REGULARIZATION_MODEL_INFO[model].usesData);
    const analytic = REGULARIZATION_MODELS.filter((model) => !REGULARIZATION_MODEL_INFO[model].usesData);
    expect(switchCases(gridLossSource, 'point_terms', 'MODEL')).toEqual(names('MODEL', usesData));
    expect(switchCases(gridLossSource, 'analytic_loss', 'MODEL')).toEqual(names('MODEL', analytic));
    const dataTest = [...functionBody(gridLossSource, 'uses_data').matchAll(/\bMODEL_\w+/g)].map((m) => m[0]);
    expect(dataTest.sort()).toEqual(names('MODEL', usesData));
  });

  it('gives distinct codes within a table, written as WGSL constants in front of every kernel', () => {
    for (const [prefix, table] of Object.entries(WGSL_CODE_TABLES)) {
      const codes = Object.values(table);
      expect(new Set(codes).size, prefix).toBe(codes.length);
      for (const [key, code] of Object.entries(table))
        expect(wgslCodesSource()).toContain(`const ${wgslCodeName(prefix, key)}: u32 = ${code}u;`);
    }
  });

  it('no kernel declares a code of its own or names one that is not in its table', () => {
    const generated = new Set(Object.keys(WGSL_CODE_TABLES).flatMap(tableNames));
    const prefixes = Object.keys(WGSL_CODE_TABLES).join('|');
    expect(Object.keys(SHADERS).length).toBeGreaterThan(10);
    for (const [file, text] of Object.entries(SHADERS)) {
      const source = text.replace(/\/\/[^\n]*/g, ''); // comments may name the TS tables
      const overrides = new Set([...source.matchAll(/override\s+(\w+)/g)].map((m) => m[1]));
      expect(source, file).not.toMatch(new RegExp(`const\\s+(${prefixes})_\\w+`));
      for (const [name] of source.matchAll(new RegExp(`\\b(?:${prefixes})_[A-Z0-9_]+\\b`, 'g'))) {
        expect(generated.has(name) || overrides.has(name), `${file}: ${name}`).toBe(true);
      }
    }
  });

  it('refuses an override constant outside its table when a pipeline is built', () => {
    const valid = { ACTIVATION: 1, DRAW_KIND: 3, MODEL: 7, WORKGROUP_SIZE: 99 };
    expect(() => checkCodeOverrides('test', valid)).not.toThrow();
    expect(() => checkCodeOverrides('layerForward', { ACTIVATION: 4 })).toThrow(/layerForward: ACTIVATION = 4/);
    expect(() => checkCodeOverrides('initWeights', { DRAW_KIND: 9 })).toThrow(/DRAW_KIND = 9 is not a code of zeros/);
    expect(() => checkCodeOverrides('gridLoss', { MODEL: REGULARIZATION_MODELS.length })).toThrow(/MODEL/);
  });
});

describe('constants the WGSL repeats', () => {
  it('agree with TypeScript', () => {
    expect(wgslConstant(initWeightsSource, 'PAIRS')).toBe(DRAW_PAIRS);
    expect(wgslConstant(gridArgminSource, 'NO_FINITE_VALUE')).toBe(NO_FINITE_VALUE);
    expect(wgslConstant(gridLossSource, 'CELLS_PER_INVOCATION')).toBe(GRID_LOSS_CELLS_PER_INVOCATION);
    expect(wgslConstant(activationsSource, 'TANH_CLAMP')).toBe(TANH_CLAMP);
    const bins = INIT_PARAMS.find((spec) => spec.key === 'bins');
    expect(wgslConstant(layerStatsSource, 'MAX_BINS')).toBe(bins?.max);
  });

  it('the metrics kernels write every metric of the CPU twin, by name', () => {
    expect(copyMetricsLayout().fieldNames.sort()).toEqual(Object.keys(Metric).sort());
  });
});
