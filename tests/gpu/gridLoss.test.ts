// shaders/gridLoss.wgsl, gridPenalty.wgsl and gridArgmin.wgsl against their CPU twins in
// src/core/gridLoss.ts, and the regularization engine (src/gpu/regularization.ts) built on them.
import { afterAll, describe, expect, it, vi } from 'vitest';
import { type GridWindow, gridArgmin, gridLoss, gridPenalty, PENALTIES } from '../../src/core/gridLoss';
import { validateRegularizationConfig } from '../../src/core/regularizationConfig';
import {
  defaultWindow,
  generateRegularizationData,
  REGULARIZATION_MODELS,
  type RegularizationModel,
} from '../../src/core/regularizationModels';
import { withErrorScopes } from '../../src/gpu/device';
import { GridArgminKernel } from '../../src/gpu/gridArgmin';
import { GridLossKernel, GridLossPass } from '../../src/gpu/gridLoss';
import { GridPenaltyKernel } from '../../src/gpu/gridPenalty';
import { RegularizationEngine } from '../../src/gpu/regularization';
import { defined } from '../helpers/defined';
import { useTestGpu } from '../helpers/gpu';
import { seedLabel, testSeed } from '../helpers/seed';

const seed = testSeed();
const gpu = useTestGpu();

/** Deterministic per-seed knobs in [lo, hi). */
function knob(index: number, lo: number, hi: number): number {
  const x = Math.sin(seed * 12.9898 + index * 78.233) * 43758.5453;
  return lo + (x - Math.floor(x)) * (hi - lo);
}

function windowOf(model: RegularizationModel): GridWindow {
  const [w1Min, w1Max, w2Min, w2Max] = defaultWindow(model);
  return { w1Min, w1Max, w2Min, w2Max };
}

function median(values: ArrayLike<number>): number {
  const sorted = Array.from(values, Math.abs).sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

describe(`gridLoss on the GPU (${seedLabel(seed)})`, () => {
  // G = 67 is not a multiple of the 8 cells per invocation; N = 200 not a multiple of the 64-term sum blocks.
  const G = 67;
  const N = 200;
  const options = {
    seed,
    points: N,
    correlation: knob(1, -0.8, 0.8),
    eccentricity: knob(2, 1, 4),
    noise: knob(3, 0.1, 1.5),
    trueW1: knob(4, -2, 2),
    trueW2: knob(5, -2, 2),
    h1: knob(6, 0.5, 4),
    h2: knob(7, 0.2, 2),
    a1: knob(8, -1.5, 1.5),
    a2: knob(9, -1.5, 1.5),
  };

  // f32 has ε ≈ 6e-8. The grid weights are rounded to f32 too (relative ε·|w|), which moves J by about
  // |∇J|·ε·|w|: largest where J is small but its parts are large (Rosenbrock's valley, Himmelblau's
  // minima). So the tolerance is relative to the loss scale of the window, not to each cell:
  // |J_gpu − J_cpu| ≤ 2e-5 · max(|J_cpu|, median |J_cpu| over the grid). Observed worst: ~2.5e-6 (Beale).
  // tanh-net: the kernel's tanh is the exp-based one of shaders/common/activations.wgsl. Under WGSL's
  // bounds (https://www.w3.org/TR/WGSL/#concrete-float-accuracy: exp 3 + 2|x| ULP, x / y 2.5 ULP) its
  // error is ≤ 5e-7 absolute: e = exp(−2|z|) moves (1 − e)/(1 + e) by 2e/(1 + e)²·(3 + 4|z|)·2^-23 ≤ 2.2e-7
  // (largest at |z| = 0.2, below which the Taylor branch is used), the quotient ≤ 1.5e-7, 1 ± e 1.2e-7.
  // Through J = mean (y − w2·t)², |ΔJ| ≤ 2|w2|·Δt·√J (Cauchy–Schwarz), which relative to max(J, median)
  // is ≤ 2·3·Δt / √median: 3.4e-6 here (|w2| ≤ 3 in the window; the median J is ≥ 0.77 over 200 seeds of
  // these knobs). The built-in tanh, allowed 1e-5 absolute, would give up to 6.8e-5 and fail on a GPU
  // that used its allowance. Observed on SwiftShader: ~8e-7.
  const TOLERANCE = 2e-5;

  it.each(REGULARIZATION_MODELS)('%s matches the CPU twin on every cell (output buffer poisoned)', async (model) => {
    const { device } = gpu();
    const kernel = await GridLossKernel.create(device);
    const data = generateRegularizationData(model, options);
    const window = windowOf(model);
    const onGpu = await withErrorScopes(device, () => kernel.run(model, data, window, G));
    const cpu = gridLoss(model, data, window, G);
    const scale = median(cpu);
    let worst = 0;
    for (let index = 0; index < G * G; index++) {
      // NaN (the poison) fails this comparison too.
      const error = Math.abs(onGpu[index] - cpu[index]) / Math.max(Math.abs(cpu[index]), scale);
      if (!(error <= worst)) worst = Number.isNaN(error) ? Infinity : error;
    }
    expect(worst).toBeLessThanOrEqual(TOLERANCE);
  });
});

describe(`gridPenalty and gridArgmin on the GPU (${seedLabel(seed)})`, () => {
  const G = 150; // 22,500 cells: 6 argmin workgroups of 4,096 values (64 invocations × 64)
  const window: GridWindow = { w1Min: -3.5, w1Max: 2.5, w2Min: -2, w2Max: 4 };
  const data = generateRegularizationData('linear', {
    seed,
    points: 64,
    correlation: 0.3,
    eccentricity: 2,
    noise: 0.5,
  });

  function dataLossWithHoles(): Float32Array<ArrayBuffer> {
    const values = Float32Array.from(gridLoss('linear', data, window, G));
    values[5] = Infinity;
    values[G * 7 + 3] = -Infinity;
    values[G * 40 + 41] = Number.NaN;
    return values;
  }

  it('gives J + λ·P like the CPU twin for every penalty, passing non-finite J through', async () => {
    const { device } = gpu();
    const kernel = await GridPenaltyKernel.create(device);
    const dataLoss = dataLossWithHoles();
    for (const penalty of PENALTIES) {
      const lambda = knob(10, 0.05, 3);
      const mix = knob(11, 0, 1);
      const onGpu = await withErrorScopes(device, () => kernel.run(dataLoss, window, G, penalty, lambda, mix));
      const cpu = gridPenalty(dataLoss, window, G, penalty, lambda, mix);
      let worst = 0;
      for (let index = 0; index < G * G; index++) {
        if (!Number.isFinite(cpu[index])) {
          expect(Object.is(onGpu[index], cpu[index]) || (Number.isNaN(onGpu[index]) && Number.isNaN(cpu[index]))).toBe(
            true,
          );
          continue;
        }
        // Three f32 roundings of terms of size ≤ |J| + λ·P: a few ε relative.
        worst = Math.max(worst, Math.abs(onGpu[index] - cpu[index]) / Math.max(1, Math.abs(cpu[index])));
      }
      expect(worst, penalty).toBeLessThan(1e-6);
      // The poison is a NaN with a recognizable payload; only the planted NaN may be NaN.
      expect(onGpu.filter(Number.isNaN).length).toBe(1);
    }
  });

  it('finds the CPU argmin (first on ties) and counts non-finite cells', async () => {
    const { device } = gpu();
    const kernel = await GridArgminKernel.create(device);
    const values = dataLossWithHoles();
    const cpu = defined(gridArgmin(values, window, G), 'the CPU argmin');
    // A tie later in index order must lose; one earlier must win.
    const later = cpu.j * G + cpu.i + 4000;
    values[later] = values[cpu.j * G + cpu.i];
    const first = await withErrorScopes(device, () => kernel.run(values, window, G));
    expect(first.minimum).toEqual(cpu);
    expect(first.nonFinite).toBe(3);
    const earlier = 17;
    values[earlier] = values[cpu.j * G + cpu.i];
    const second = await kernel.run(values, window, G);
    expect(second.minimum).toEqual(gridArgmin(values, window, G));
    const tie = defined(second.minimum, 'the GPU argmin');
    expect(tie.i + G * tie.j).toBe(earlier);
  });

  it('returns no minimum when no cell is finite', async () => {
    const { device } = gpu();
    const kernel = await GridArgminKernel.create(device);
    const values = new Float32Array(64 * 64).fill(Number.NaN);
    values[100] = Infinity;
    const result = await withErrorScopes(device, () => kernel.run(values, window, 64));
    expect(result.minimum).toBeNull();
    expect(result.nonFinite).toBe(64 * 64);
  });
});

describe(`the regularization engine (${seedLabel(seed)})`, () => {
  let shared: RegularizationEngine | undefined;
  afterAll(() => shared?.destroy());
  /** One engine for the cases below (pipelines compile once). */
  const sharedEngine = async () => {
    shared ??= await RegularizationEngine.create(gpu().device);
    return shared;
  };

  it('reruns only gridPenalty + gridArgmin when λ, the penalty or the mix change', async () => {
    const { device } = gpu();
    const engine = await sharedEngine();
    const encode = vi.spyOn(GridLossPass.prototype, 'encode');
    const base = validateRegularizationConfig({
      model: 'linear',
      grid: 64,
      points: 128,
      seed,
      penalty: 'l1',
      lambda: 0.5,
    });
    const first = await withErrorScopes(device, () => engine.evaluate(base));
    expect(first.dispatchedGridLoss).toBe(true);
    expect(engine.gridLossDispatches).toBe(1);
    expect(encode).toHaveBeenCalledTimes(1);

    for (const change of [
      { lambda: 2 },
      { penalty: 'l2' as const },
      { penalty: 'elastic' as const, mix: 0.3 },
      { alpha: 0.2, steps: 5 },
    ]) {
      const config = { ...base, ...change };
      const result = await withErrorScopes(device, () => engine.evaluate(config, { extraPenalties: ['l1', 'l2'] }));
      expect(result.dispatchedGridLoss, JSON.stringify(change)).toBe(false);
      // The cached J is still the J of this config, and the cheap pass used the new λ.
      expect(result.dataLoss).toEqual(first.dataLoss);
      const cpu = gridPenalty(result.dataLoss, result.window, 64, config.penalty, config.lambda, config.mix);
      let worst = 0;
      for (let index = 0; index < cpu.length; index++)
        worst = Math.max(worst, Math.abs(result.penalized[index] - cpu[index]) / Math.max(1, cpu[index]));
      expect(worst).toBeLessThan(1e-6);
      expect(result.surfaces.map((surface) => surface.penalty)).toEqual([...new Set([config.penalty, 'l1', 'l2'])]);
    }
    expect(engine.gridLossDispatches).toBe(1);
    expect(encode).toHaveBeenCalledTimes(1);

    // A data knob does recompute J.
    const reseeded = await engine.evaluate({ ...base, seed: (seed + 1) >>> 0 });
    expect(reseeded.dispatchedGridLoss).toBe(true);
    expect(engine.gridLossDispatches).toBe(2);
    encode.mockRestore();
  });

  it('clamps a grid beyond the storage limit and says so', async () => {
    const { device } = gpu();
    const small = await RegularizationEngine.create(device, { maxStorageBufferBindingSize: 64 * 64 * 4 });
    try {
      const config = validateRegularizationConfig({ model: 'himmelblau', grid: 128 });
      const result = await withErrorScopes(device, () => small.evaluate(config));
      expect(result.G).toBe(64);
      expect(result.config.grid).toBe(64);
      expect(result.dataLoss.length).toBe(64 * 64);
      expect(result.notices.join('\n')).toMatch(/grid 128 .*using G = 64/);
    } finally {
      small.destroy();
    }
  });

  it('counts and reports cells whose loss overflows f32, and still finds a finite minimum', async () => {
    const { device } = gpu();
    const engine = await sharedEngine();
    // Beale's (w1·w2³)² reaches 1e48 at |w| = 1e6: far beyond f32's 3.4e38.
    const config = validateRegularizationConfig({
      model: 'beale',
      grid: 64,
      w1Min: -1e6,
      w1Max: 1e6,
      w2Min: -1e6,
      w2Max: 1e6,
      penalty: 'l2',
      lambda: 1,
    });
    const result = await withErrorScopes(device, () => engine.evaluate(config));
    const counted = result.dataLoss.filter((value) => !Number.isFinite(value)).length;
    expect(counted).toBeGreaterThan(0);
    expect(result.nonFinite.dataLoss).toBe(counted);
    expect(result.nonFinite.penalized).toBe(result.penalized.filter((value) => !Number.isFinite(value)).length);
    expect(result.notices.join('\n')).toMatch(new RegExp(`${counted} of 4096 cells of J are not finite`));
    expect(result.minima.J.grid).toEqual(gridArgmin(result.dataLoss, result.window, 64));
    expect(Number.isFinite(defined(result.minima.J.grid, 'the grid minimum of J').value)).toBe(true);
  });

  it('puts quadratic minimizers within a grid step of the closed forms, refined to 1e-6, L1 exactly 0', async () => {
    const { device } = gpu();
    const engine = await sharedEngine();
    // THEORY.md: J = ½h(w − a)² per coordinate. L2: w* = h·a / (h + 2λ); L1: w* = sign(a)·max(|a| − λ/h, 0).
    const h = [2, 0.5];
    const a = [1.5, -0.4];
    const G = 129;
    const step = 4 / (G - 1);
    for (const lambda of [0.05, 0.5, 4]) {
      const config = validateRegularizationConfig({
        model: 'quadratic',
        grid: G,
        h1: h[0],
        h2: h[1],
        a1: a[0],
        a2: a[1],
        w1Min: -2,
        w1Max: 2,
        w2Min: -2,
        w2Max: 2,
        penalty: 'l1',
        lambda,
      });
      const result = await withErrorScopes(device, () => engine.evaluate(config, { extraPenalties: ['l2'] }));
      const [l1Surface, l2Surface] = result.surfaces;
      const l1Grid = defined(l1Surface.minimum.grid, 'the L1 grid minimum');
      const l2Grid = defined(l2Surface.minimum.grid, 'the L2 grid minimum');
      const l1Refined = defined(l1Surface.minimum.refined, 'the refined L1 minimum');
      const l2Refined = defined(l2Surface.minimum.refined, 'the refined L2 minimum');
      for (let k = 0; k < 2; k++) {
        const l1Closed = Math.sign(a[k]) * Math.max(Math.abs(a[k]) - lambda / h[k], 0);
        const l2Closed = (h[k] * a[k]) / (h[k] + 2 * lambda);
        expect(Math.abs(l1Grid.w[k] - l1Closed), `L1 grid, λ = ${lambda}, w${k + 1}`).toBeLessThanOrEqual(step);
        expect(Math.abs(l2Grid.w[k] - l2Closed), `L2 grid, λ = ${lambda}, w${k + 1}`).toBeLessThanOrEqual(step);
        expect(Math.abs(l1Refined.w[k] - l1Closed)).toBeLessThan(1e-6);
        expect(Math.abs(l2Refined.w[k] - l2Closed)).toBeLessThan(1e-6);
        if (Math.abs(a[k]) * h[k] < lambda) expect(l1Refined.w[k], `L1 zero above λ = |a|·h, w${k + 1}`).toBe(0);
      }
      const refinedJ = defined(result.minima.J.refined, 'the refined minimum of J');
      expect(refinedJ.w[0]).toBeCloseTo(a[0], 6);
      expect(refinedJ.w[1]).toBeCloseTo(a[1], 6);
    }
  });
});
