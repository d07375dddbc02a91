// The WGSL text of the training kernels, checked without a GPU: the uniform structs are read from
// the source (webgpu-utils, src/gpu/wgslLayout.ts), the constants the WGSL repeats agree with
// src/core/trainLayout.ts, and the unrolled generator writes the network the CPU twin computes.
import { describe, expect, it } from 'vitest';
import trainLayoutSource from '../../shaders/trainLayout.wgsl?raw';
import trainStepSource from '../../shaders/trainStep.wgsl?raw';
import { LAYOUT_ROWS, LAYOUT_SLOTS, MAX_HIDDEN_WIDTH, TRAIN_TILE_QUADS, trainLayout } from '../../src/core/trainLayout';
import { trainMetricsUnrolledSourceFor } from '../../src/gpu/trainMetricsUnrolled';
import { trainStepUnrolledSourceFor } from '../../src/gpu/trainStepUnrolled';
import { backwardLines, fillTemplate, forwardLines, unrolledParameters } from '../../src/gpu/unrolledNetwork';
import { uniformLayout } from '../../src/gpu/wgslLayout';

function wgslConstant(source: string, name: string): number {
  const match = new RegExp(`(?:const|override) ${name}: u32 = (\\d+)u;`).exec(source);
  if (!match) throw new Error(`no constant ${name}`);
  return Number(match[1]);
}

describe('training kernels, as text', () => {
  it('repeat the layout constants of src/core/trainLayout.ts', () => {
    expect(wgslConstant(trainLayoutSource, 'LAYOUT_SLOTS')).toBe(LAYOUT_SLOTS);
    expect(wgslConstant(trainLayoutSource, 'TRAIN_MAX_WIDTH')).toBe(MAX_HIDDEN_WIDTH);
    expect(wgslConstant(trainStepSource, 'TILE_QUADS')).toBe(TRAIN_TILE_QUADS);
    // The accessors read rows in LAYOUT_ROWS order.
    expect(trainLayoutSource).toContain('fn weight_offset(l: u32) -> u32 { return layout_table[LAYOUT_SLOTS + l]; }');
    expect(LAYOUT_ROWS.indexOf('deltaOffset')).toBe(4);
    expect(trainLayoutSource).toContain(
      'fn delta_offset(l: u32) -> u32 { return layout_table[4u * LAYOUT_SLOTS + l]; }',
    );
  });

  it('pack uniforms from the struct in the WGSL source', () => {
    const struct = uniformLayout(trainStepSource);
    expect(struct.name).toBe('TrainStepParams');
    expect(struct.fieldNames).toEqual([
      'copies',
      'paramCount',
      'layerCount',
      'trainCount',
      'trainQuads',
      'scratchUnits',
      'penalty',
      'alpha',
      'alphaLambda',
      'decay',
    ]);
    expect(struct.byteLength).toBe(48);
    const values = {
      copies: 3,
      paramCount: 105,
      layerCount: 3,
      trainCount: 128,
      trainQuads: 32,
      scratchUnits: 33,
      penalty: 1,
      alpha: 0.5,
      alphaLambda: 0.25,
      decay: 0.5,
    };
    const view = new DataView(struct.pack(values));
    expect(view.getUint32(4, true)).toBe(105);
    expect(view.getFloat32(28, true)).toBe(0.5);
    expect(() => struct.pack({ ...values, extra: 1 })).toThrow(/no field extra/);
    const { decay: _decay, ...missing } = values;
    expect(() => struct.pack(missing)).toThrow(/no value for decay/);
  });

  it('the unrolled generator names one register per parameter and writes z = b + Σ W a, δ = φ′ · Wᵀδ', () => {
    const layout = trainLayout([3, 2]);
    const parameters = unrolledParameters(layout);
    expect(parameters).toHaveLength(layout.paramCount);
    expect(new Set(parameters.map((p) => p.p)).size).toBe(layout.paramCount);
    expect(parameters.find((p) => p.name === 'w2_1_2')?.p).toBe(layout.weightOffset[2] + 1 * 3 + 2);
    expect(parameters.find((p) => p.name === 'b3_0')).toMatchObject({ p: layout.paramCount - 1, isBias: true });
    const forward = forwardLines(layout, true);
    expect(forward).toContain('let z2_1 = vec4f(b2_1) + w2_1_0 * a1_0 + w2_1_1 * a1_1 + w2_1_2 * a1_2;');
    expect(forward).toContain('let q1_2 = phi_prime4(z1_2);');
    expect(forward.at(-1)).toBe('let logit = z3_0;');
    expect(forwardLines(layout, false).some((line) => line.includes('phi_prime4'))).toBe(false);
    const backward = backwardLines(layout);
    expect(backward[0]).toBe('let d3_0 = d_out;');
    expect(backward).toContain('let d1_2 = (w2_0_2 * d2_0 + w2_1_2 * d2_1) * q1_2;');
    expect(backward).toContain('gw1_2_1 += dot(d1_2, a0_1);');
    expect(backward).toContain('gb3_0 += dot(d3_0, vec4f(1.0));');
  });

  it('fills every marker of the templates and nothing else', () => {
    const layout = trainLayout([4]);
    for (const source of [trainStepUnrolledSourceFor(layout), trainMetricsUnrolledSourceFor(layout)]) {
      expect(source).not.toMatch(/\/\*@\w+\*\//);
      expect(source).toContain(`const PARAM_COUNT: u32 = ${layout.paramCount}u;`);
    }
    expect(trainStepUnrolledSourceFor(layout)).toContain('weights[base + 16u] = update_param(b2_0, gb2_0, true,');
    expect(fillTemplate('a\n  /*@x*/\nb', { x: ['1;', '2;'] })).toBe('a\n  1;\n  2;\nb');
    expect(() => fillTemplate('/*@y*/', {})).toThrow(/no lines/);
  });
});
