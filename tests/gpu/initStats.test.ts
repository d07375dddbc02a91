// The initialization engine on the GPU (src/gpu/initStats.ts) against its CPU twin
// (src/core/initStats.ts), on fresh seeds, for every activation and scheme; then the science.
import { beforeAll, describe, expect, it } from 'vitest';
import { type InitConfig, validateInitConfig } from '../../src/core/initConfig';
import { initStatsAccumulators } from '../../src/core/initStats';
import { meanFieldTheory } from '../../src/core/meanField';
import { inputValue } from '../../src/core/schemes';
import type { LayerAccumulators, QuantityAccumulator } from '../../src/core/stats';
import { withErrorScopes } from '../../src/gpu/device';
import { InitStatsEngine, type InitStatsRun } from '../../src/gpu/initStats';
import { defined } from '../helpers/defined';
import { useTestGpu } from '../helpers/gpu';
import { seedLabel, testSeed } from '../helpers/seed';

const gpu = useTestGpu();
const seed = testSeed();

function config(overrides: Partial<Record<keyof InitConfig, unknown>>): InitConfig {
  return validateInitConfig({ depth: 4, width: 12, batch: 5, inits: 6, seed, bins: 32, ...overrides });
}

let engine: InitStatsEngine;
beforeAll(async () => {
  engine = await InitStatsEngine.create(gpu().device);
});

function runOnGpu(cfg: InitConfig, initsPerChunk?: number, redrawWeights?: boolean): Promise<InitStatsRun> {
  return withErrorScopes(gpu().device, () => engine.run(cfg, { initsPerChunk, redrawWeights }));
}

/**
 * Tolerances, f32 on the GPU against f64 on the CPU: a dot product of n terms in f32 carries a
 * relative error of about n·2^-24 ≈ 1e-6 for the widths here, amplified a little per layer, so sums of
 * squares agree to 1e-4 relative. Histogram counts agree except for values within f32 rounding of a
 * bin edge: allow 0.5% of the values (at least 2) to change bins.
 */
function expectQuantityClose(
  gpuAcc: QuantityAccumulator,
  cpuAcc: QuantityAccumulator,
  what: string,
  squaresTolerance = 1e-4,
): void {
  expect(gpuAcc.count, `${what} count`).toBe(cpuAcc.count);
  expect([gpuAcc.nan, gpuAcc.posInf, gpuAcc.negInf], `${what} non-finite`).toEqual([
    cpuAcc.nan,
    cpuAcc.posInf,
    cpuAcc.negInf,
  ]);
  const scale = Math.sqrt(cpuAcc.count * cpuAcc.sumSquares) + 1e-300;
  expect(Math.abs(gpuAcc.sum - cpuAcc.sum) / scale, `${what} sum`).toBeLessThan(1e-5);
  expect(
    Math.abs(gpuAcc.sumSquares - cpuAcc.sumSquares) / (cpuAcc.sumSquares + 1e-300),
    `${what} sum of squares`,
  ).toBeLessThan(squaresTolerance);
  let moved = Math.abs(gpuAcc.underflow - cpuAcc.underflow) + Math.abs(gpuAcc.overflow - cpuAcc.overflow);
  for (let bin = 0; bin < cpuAcc.histogram.length; bin++)
    moved += Math.abs(gpuAcc.histogram[bin] - cpuAcc.histogram[bin]);
  expect(moved, `${what} histogram`).toBeLessThanOrEqual(Math.max(2, 0.005 * cpuAcc.count));
  for (let k = 0; k < cpuAcc.initCount.length; k++) {
    expect(gpuAcc.initCount[k], `${what} init ${k} count`).toBe(cpuAcc.initCount[k]);
    const initScale = cpuAcc.initSumSquares[k] + 1e-300;
    expect(Math.abs(gpuAcc.initSumSquares[k] - cpuAcc.initSumSquares[k]) / initScale, `${what} init ${k}`).toBeLessThan(
      squaresTolerance,
    );
  }
}

/**
 * tolerance: 1e-4 relative in general (sums of squares and ‖dW‖²). Two kinds of case are
 * ill-conditioned and get 1e-3 on the sums of squares:
 * - constant init: δ[l−1]_j = c·Σ_i δ_i[l]·φ' is a cancelling sum of random-signed terms, whose f32
 *   relative error is 2^-24·Σ|δ_i|/|Σ δ_i|, not bounded by the width;
 * - saturating tanh (scale ≥ 4): φ'(z) = sech² z ≈ 4e^{−2|z|} turns an absolute error dz of z into a
 *   relative error 2·dz of φ', and |z| ~ 10 there, so the f32 rounding of z grows ~20× per layer of
 *   δ (a seed gave 1.02e-4 at layer 1 of 6).
 * For constant init ‖dW‖² = ‖(1/B) Σ_b δ_b a_bᵀ‖² itself is a cancelling sum over the batch (every
 * unit of a layer carries the same random-signed value), so a relative bound means nothing there (a
 * seed gave 0.29). It is checked against the size of its terms instead: by Cauchy–Schwarz
 * Σ_{b,c} |δ_b·δ_c| |a_b·a_c| ≤ Σ_b‖δ_b‖² · Σ_b‖a_b‖², so |GPU − CPU| ≤ tolerance · that / B².
 */
function expectLayersClose(
  cfg: InitConfig,
  gpuLayers: LayerAccumulators[],
  cpuLayers: LayerAccumulators[],
  tolerance = 1e-4,
  dWAgainstTerms = false,
): void {
  expect(gpuLayers).toHaveLength(cpuLayers.length);
  const inputSquares = (k: number) => {
    let sum = 0;
    for (let e = 0; e < cfg.batch * cfg.inputWidth; e++)
      sum += inputValue(cfg.seed, k, Math.floor(e / cfg.inputWidth), e % cfg.inputWidth, cfg.inputWidth) ** 2;
    return sum;
  };
  cpuLayers.forEach((cpu, index) => {
    const on = gpuLayers[index];
    const layer = `layer ${index + 1}`;
    expectQuantityClose(on.z, cpu.z, `${layer} z`, tolerance);
    expectQuantityClose(on.a, cpu.a, `${layer} a`, tolerance);
    expectQuantityClose(on.delta, cpu.delta, `${layer} δ`, tolerance);
    for (let k = 0; k < cpu.dWNormSquared.length; k++) {
      const expected = cpu.dWNormSquared[k];
      const error = Math.abs(on.dWNormSquared[k] - expected);
      if (dWAgainstTerms) {
        const belowSquares = index === 0 ? inputSquares(k) : cpuLayers[index - 1].a.initSumSquares[k];
        const terms = (cpu.delta.initSumSquares[k] * belowSquares) / cfg.batch ** 2;
        expect(error, `${layer} ‖dW‖² init ${k} (terms ${terms})`).toBeLessThanOrEqual(1e-4 * terms);
      } else {
        expect(error / (expected + 1e-300), `${layer} ‖dW‖² init ${k}`).toBeLessThan(tolerance);
      }
    }
    if (cpu.symmetry === 0) expect(on.symmetry, `${layer} symmetry`).toBe(0);
    else expect(Math.abs(on.symmetry - cpu.symmetry) / cpu.symmetry, `${layer} symmetry`).toBeLessThan(1e-4);
  });
}

const PARITY_CASES: Partial<Record<keyof InitConfig, unknown>>[] = [
  { activation: 'tanh', scheme: 'xavier-normal' },
  { activation: 'tanh', scheme: 'xavier-uniform', width: 9, inputWidth: 7 },
  // Rows back to back (ld = width): initWeights' contiguous path.
  { activation: 'tanh', scheme: 'he-uniform', width: 32, inputWidth: 16, biasStd: 0.2 },
  { activation: 'sigmoid', scheme: 'glorot-normal', biasStd: 0.5 },
  { activation: 'sigmoid', scheme: 'glorot-uniform' },
  { activation: 'relu', scheme: 'he-normal' },
  { activation: 'relu', scheme: 'he-uniform', batch: 3 },
  { activation: 'tanh', scheme: 'he-normal', batch: 9, width: 20 }, // 8-row batch tiles, one padded
  // 16-row batch tiles, one padded.
  { activation: 'sigmoid', scheme: 'xavier-uniform', batch: 19, width: 17, biasStd: 0.3 },
  { activation: 'linear', scheme: 'normal', scale: 0.3 },
  { activation: 'linear', scheme: 'uniform', scale: 0.5 },
  { activation: 'tanh', scheme: 'zeros' },
  { activation: 'relu', scheme: 'constant' },
  { activation: 'tanh', scheme: 'xavier-normal', scale: 4, depth: 6 }, // saturating
  { activation: 'linear', scheme: 'xavier-normal', scale: 6, depth: 8 }, // exploding (36^8 ≈ 3e12), still finite
  { activation: 'tanh', scheme: 'xavier-normal', scale: 0.2, depth: 8 }, // vanishing (δ ~ 1e-6)
  // A hardware-like width: sixteen 64-unit workgroup blocks per batch tile, 32 slabs of input columns.
  { activation: 'tanh', scheme: 'xavier-normal', width: 1024, depth: 2, batch: 16, inits: 2, biasStd: 0.1 },
];

describe(`GPU engine vs CPU twin (${seedLabel(seed)})`, () => {
  // Both kernel families on every case: the software adapter runs the hardware family too (issue 12).
  for (const kernels of ['software', 'hardware'] as const)
    for (const overrides of PARITY_CASES) {
      it(`agrees on ${JSON.stringify(overrides)} (${kernels} kernels)`, async () => {
        const cfg = config({ ...overrides, kernels });
        const run = await runOnGpu(cfg);
        const illConditioned = cfg.scheme === 'constant' || (cfg.activation === 'tanh' && cfg.scale >= 4);
        expectLayersClose(
          cfg,
          run.accumulators,
          initStatsAccumulators(cfg),
          illConditioned ? 1e-3 : 1e-4,
          cfg.scheme === 'constant',
        );
        expect(JSON.stringify(run.result)).not.toContain('NaN');
      });
    }

  it('matches the CPU twin with GPU-sized reduction workgroups (64 lanes; the software adapter uses 8)', async () => {
    const cfg = config({ activation: 'sigmoid', scheme: 'he-normal', width: 40, biasStd: 0.3 });
    const wide = await InitStatsEngine.create(gpu().device, { reductionLanes: 64, compileDefaults: false });
    try {
      const wideRun = await withErrorScopes(gpu().device, () => wide.run(cfg));
      expectLayersClose(cfg, wideRun.accumulators, initStatsAccumulators(cfg), 1e-4, false);
    } finally {
      wide.destroy();
    }
  });

  it('gives the same numbers for any chunking (1, 2 or all inits per chunk) and with W kept or redrawn', async () => {
    const cfg = config({ inits: 5, activation: 'tanh', scheme: 'he-normal' });
    const whole = (await runOnGpu(cfg)).accumulators;
    expect(engine.plan(cfg).cacheWeights).toBe(true);
    for (const [initsPerChunk, redraw] of [
      [1, false],
      [2, true],
      [undefined, true],
    ] as const) {
      const chunked = (await runOnGpu(cfg, initsPerChunk, redraw)).accumulators;
      chunked.forEach((layer, index) => {
        for (const quantity of ['z', 'a', 'delta'] as const) {
          expect(Array.from(layer[quantity].histogram)).toEqual(Array.from(whole[index][quantity].histogram));
          expect(Array.from(layer[quantity].initSumSquares)).toEqual(Array.from(whole[index][quantity].initSumSquares));
          expect(layer[quantity].sumSquares).toBeCloseTo(whole[index][quantity].sumSquares, 10);
        }
        expect(Array.from(layer.dWNormSquared)).toEqual(Array.from(whole[index].dWNormSquared));
      });
    }
  });

  it('runs width 4096 on one init like the CPU twin, also with W drawn in row blocks (software kernels)', async () => {
    const cfg = config({ width: 4096, depth: 2, batch: 4, inits: 1, bins: 64, kernels: 'software' });
    const cpu = initStatsAccumulators(cfg);
    expectLayersClose(cfg, (await runOnGpu(cfg)).accumulators, cpu);
    // A 24 MiB budget cannot hold the 64 MiB W: the engine draws and uses it in blocks of rows.
    const small = await InitStatsEngine.create(gpu().device, {
      memoryBudgetBytes: 24 * 1024 * 1024,
      compileDefaults: false,
    });
    const plan = small.plan(cfg);
    expect(plan.rowsPerBlock[2]).toBeLessThan(4096);
    const blocked = await withErrorScopes(gpu().device, () => small.run(cfg));
    expectLayersClose(cfg, blocked.accumulators, cpu);
    small.destroy();
  });

  it('runs width 4096 like the CPU twin in a 24 MiB budget with W drawn in place (hardware kernels)', async () => {
    const cfg = config({ width: 4096, depth: 2, batch: 4, inits: 2, bins: 64, kernels: 'hardware' });
    // The 64 MiB W of each init never exists: the chunk holds activations and statistics only.
    const small = await InitStatsEngine.create(gpu().device, {
      memoryBudgetBytes: 24 * 1024 * 1024,
      compileDefaults: false,
    });
    const plan = small.plan(cfg);
    expect(plan.fusedWeights).toBe(true);
    expect(plan.initsPerChunk).toBe(2);
    expect(plan.bytesPerChunk).toBeLessThan(24 * 1024 * 1024);
    const run = await withErrorScopes(gpu().device, () => small.run(cfg));
    expect(small.dispatches.initWeights).toBe(2 * (run.chunks ?? 0)); // per chunk x and g (σ_b = 0: no bias), no W
    expectLayersClose(cfg, run.accumulators, initStatsAccumulators(cfg));
    small.destroy();
  });

  it('takes the theory as given (the page computes it in a worker), and refuses one of the wrong length', async () => {
    const cfg = config({ scheme: 'constant', activation: 'tanh', biasStd: 0.4, depth: 5 });
    const own = await runOnGpu(cfg);
    const theory = meanFieldTheory(cfg);
    const given = await withErrorScopes(gpu().device, () => engine.run(cfg, { theory }));
    expect(given.accumulators).toEqual(own.accumulators);
    // A theory 4× larger: the run reports it and bins z and δ over ranges twice as wide.
    const larger = theory.map((layer) => ({
      ...layer,
      zMeanSquare: 4 * layer.zMeanSquare,
      deltaMeanSquare: 4 * layer.deltaMeanSquare,
      dWMeanSquare: 4 * layer.dWMeanSquare,
    }));
    const wider = await withErrorScopes(gpu().device, () => engine.run(cfg, { theory: larger }));
    for (let l = 0; l < cfg.depth; l++) {
      expect(wider.result.layers[l].theory.zMeanSquare).toBe(larger[l].zMeanSquare);
      const edges = (run: InitStatsRun) => run.result.layers[l].z.histogram.edges;
      expect(edges(wider)[0]).toBeCloseTo(2 * edges(own)[0], 12);
      expect(wider.accumulators[l].z.count).toBe(own.accumulators[l].z.count);
    }
    await expect(engine.run(cfg, { theory: meanFieldTheory({ ...cfg, depth: 4 }) })).rejects.toThrow(
      /theory given has 4 layers, the configuration 5/,
    );
  });

  it('stops an aborted run and keeps serving the next one', async () => {
    const cfg = config({ inits: 8, depth: 6 });
    const controller = new AbortController();
    const aborted = engine.run(cfg, { signal: controller.signal, initsPerChunk: 1 });
    controller.abort();
    await expect(aborted).rejects.toThrow();
    const next = await runOnGpu(cfg);
    expect(next.result.layers).toHaveLength(6);
  });

  it('rejects a configuration whose activations cannot fit, naming what to lower', async () => {
    const tiny = await InitStatsEngine.create(gpu().device, { memoryBudgetBytes: 1024 * 1024, compileDefaults: false });
    await expect(tiny.run(config({ width: 4096, batch: 64, depth: 50, inits: 1 }))).rejects.toThrow(
      /lower the depth, the batch or the width/,
    );
    tiny.destroy();
  });
});

describe(`science on the GPU path (${seedLabel(seed)})`, () => {
  /** Standard error of a mean square of layer l in a linear net: √(2(l+1)/(n·B·K)) (tests/unit/initStats.test.ts). */
  const standardError = (l: number, cfg: InitConfig) => Math.sqrt((2 * (l + 1)) / (cfg.width * cfg.batch * cfg.inits));

  it('linear + Xavier keeps Var(a) at 1 over 20 layers (4 standard errors)', async () => {
    const cfg = config({
      activation: 'linear',
      scheme: 'xavier-normal',
      width: 256,
      batch: 16,
      inits: 8,
      depth: 20,
      bins: 64,
    });
    const { result } = await runOnGpu(cfg);
    for (const layer of result.layers) {
      expect(Math.abs(defined(layer.a.meanSquare, 'E[a²]') - 1), `layer ${layer.layer}`).toBeLessThan(
        4 * standardError(layer.layer, cfg),
      );
    }
  });

  it('linear with scale 2 grows Var(a) as 4^l', async () => {
    const cfg = config({
      activation: 'linear',
      scheme: 'xavier-normal',
      scale: 2,
      width: 256,
      batch: 16,
      inits: 8,
      depth: 10,
      bins: 64,
    });
    const { result } = await runOnGpu(cfg);
    for (const layer of result.layers) {
      expect(
        Math.abs(defined(layer.a.meanSquare, 'E[a²]') / 4 ** layer.layer - 1),
        `layer ${layer.layer}`,
      ).toBeLessThan(4 * standardError(layer.layer, cfg));
    }
  });

  it('tanh + Xavier follows the mean-field curve', async () => {
    const cfg = config({
      activation: 'tanh',
      scheme: 'xavier-normal',
      width: 256,
      batch: 16,
      inits: 8,
      depth: 10,
      bins: 64,
    });
    const { result } = await runOnGpu(cfg);
    for (const layer of result.layers) {
      expect(
        Math.abs(defined(layer.z.meanSquare, 'E[z²]') / defined(layer.theory.zMeanSquare, 'the theory of E[z²]') - 1),
        `layer ${layer.layer}`,
      ).toBeLessThan(4 * standardError(layer.layer, cfg));
    }
  });

  it('zero init: symmetry 0 and zero gradients below the top layer', async () => {
    const cfg = config({ activation: 'tanh', scheme: 'zeros', width: 16, depth: 5 });
    const { result } = await runOnGpu(cfg);
    for (const layer of result.layers.slice(0, -1)) {
      expect(layer.symmetry, `layer ${layer.layer}`).toBe(0);
      expect(layer.delta.meanSquare, `layer ${layer.layer}`).toBe(0);
      expect(layer.dW.meanSquare, `layer ${layer.layer}`).toBe(0);
    }
  });

  it('ReLU + He keeps E[a²] constant (within 10%)', async () => {
    const cfg = config({
      activation: 'relu',
      scheme: 'he-normal',
      width: 256,
      batch: 16,
      inits: 48,
      depth: 4,
      bins: 64,
    });
    const { result } = await runOnGpu(cfg);
    for (const layer of result.layers)
      expect(Math.abs(defined(layer.a.meanSquare, 'E[a²]') - 1), `layer ${layer.layer}`).toBeLessThan(0.1);
  });

  it('bins a range too narrow for f32 bin arithmetic (bins/(hi − lo) > 3.4e38) like the CPU twin', async () => {
    // Zero weights and σ_b = 5e-38: z = b, so E[z²] = 2.5e-75 and 256 bins over ±4 rms give
    // bins/(hi − lo) = 6.4e38, past the f32 maximum: binned unscaled, every value went to an edge bin.
    // The values are still (mostly) normal f32 numbers, so the GPU must bin them as the CPU twin does.
    const cfg = config({
      activation: 'linear',
      scheme: 'zeros',
      biasStd: 5e-38,
      depth: 2,
      width: 64,
      batch: 8,
      inits: 4,
      bins: 256,
    });
    const gpuZ = (await runOnGpu(cfg)).accumulators[0].z;
    const cpuZ = initStatsAccumulators(cfg)[0].z;
    const range = 8 * 5e-38;
    expect(cfg.bins / range).toBeGreaterThan(3.4e38);
    // Below the smallest normal f32 (1.18e-38) the software adapter may flush values to zero, which
    // moves them to the bin beside 0: compare the bins outside that zone one by one, the zone as a whole.
    const edge = (bin: number) => -range / 2 + (bin * range) / cfg.bins;
    // Any part of the bin in the zone.
    const inZone = (bin: number) => Math.min(Math.abs(edge(bin)), Math.abs(edge(bin + 1))) < 1.2e-38;
    let zoneGpu = 0;
    let zoneCpu = 0;
    let moved = 0;
    for (let bin = 0; bin < cfg.bins; bin++) {
      if (inZone(bin)) {
        zoneGpu += gpuZ.histogram[bin];
        zoneCpu += cpuZ.histogram[bin];
      } else {
        moved += Math.abs(gpuZ.histogram[bin] - cpuZ.histogram[bin]);
      }
    }
    expect(gpuZ.count).toBe(cpuZ.count);
    expect(zoneCpu, 'values outside the subnormal zone').toBeLessThan(0.5 * cpuZ.count);
    expect(moved, 'bins outside the subnormal zone').toBeLessThanOrEqual(Math.max(2, 0.005 * cpuZ.count));
    expect(Math.abs(zoneGpu - zoneCpu), 'the subnormal zone').toBeLessThanOrEqual(Math.max(2, 0.005 * cpuZ.count));
    expect([gpuZ.underflow, gpuZ.overflow]).toEqual([cpuZ.underflow, cpuZ.overflow]);
  });

  it('exploding (linear, scale 100, depth 30): Inf/NaN counted, statistics of the finite values kept', async () => {
    const cfg = config({
      activation: 'linear',
      scheme: 'xavier-normal',
      scale: 100,
      depth: 30,
      width: 8,
      batch: 4,
      inits: 2,
    });
    const { result, accumulators } = await runOnGpu(cfg);
    const total = 2 * 4 * 8;
    const deepest = accumulators[29].z;
    expect(deepest.posInf + deepest.negInf + deepest.nan).toBeGreaterThan(0);
    for (const layer of accumulators) {
      expect(layer.z.count + layer.z.nan + layer.z.posInf + layer.z.negInf).toBe(total);
    }
    expect(result.layers[5].z.meanSquare).toBeGreaterThan(0);
    expect(JSON.stringify(result)).not.toContain('NaN');
  });
});
