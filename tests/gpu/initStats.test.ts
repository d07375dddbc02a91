// The initialization engine on the GPU (src/gpu/initStats.ts) against its CPU twin
// (src/core/initStats.ts), on fresh seeds, for every activation and scheme; then the science.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type InitConfig, validateInitConfig } from '../../src/core/initConfig';
import { initStatsAccumulators } from '../../src/core/initStats';
import { meanFieldTheory } from '../../src/core/meanField';
import {
  compareInitLayers,
  INIT_PARITY_BASE,
  INIT_PARITY_CASES,
  initCaseName,
  initParityConfig,
  parityVerdict,
} from '../../src/core/parity';
import type { LayerAccumulators } from '../../src/core/stats';
import { withErrorScopes } from '../../src/gpu/device';
import { InitStatsEngine, type InitStatsRun } from '../../src/gpu/initStats';
import { checkInitCase, SelfCheck } from '../../src/gpu/selfcheck';
import { defined } from '../helpers/defined';
import { useTestGpu } from '../helpers/gpu';
import { seedLabel, testSeed } from '../helpers/seed';

const gpu = useTestGpu();
const seed = testSeed();

function config(overrides: Partial<Record<keyof InitConfig, unknown>>): InitConfig {
  return validateInitConfig({ ...INIT_PARITY_BASE, seed, ...overrides });
}

let engine: InitStatsEngine;
let selfCheck: SelfCheck;
beforeAll(async () => {
  engine = await InitStatsEngine.create(gpu().device);
  selfCheck = new SelfCheck(gpu().device);
});
afterAll(() => selfCheck.destroy());

function runOnGpu(cfg: InitConfig, initsPerChunk?: number, redrawWeights?: boolean): Promise<InitStatsRun> {
  return withErrorScopes(gpu().device, () => engine.run(cfg, { initsPerChunk, redrawWeights }));
}

/**
 * The comparison and its tolerances are src/core/parity.ts (shared with `npm run cli -- selfcheck`):
 * every failed check is listed by layer and quantity, e.g. "layer 2 δ sum of squares: error … > tolerance …".
 */
function expectLayersClose(cfg: InitConfig, gpuLayers: LayerAccumulators[], cpuLayers: LayerAccumulators[]): void {
  expect(parityVerdict(compareInitLayers(cfg, gpuLayers, cpuLayers)).failures).toEqual([]);
}

describe(`GPU engine vs CPU twin (${seedLabel(seed)})`, () => {
  // The cases are the self-check's (src/core/parity.ts), run the way it runs them (src/gpu/selfcheck.ts). The
  // software family runs every case; the hardware family, which SwiftShader compiles and runs several times
  // slower (its tiles draw W and synchronize workgroups), the cases that reach each of its code paths: odd
  // widths (a draw that starts mid-pair), batch tiles 4, 8 and 16, every draw kind, tanh, sigmoid and relu
  // (linear is φ = z, no branch of its own in the tiles), biases, and width 1024. `npm run cli -- selfcheck`
  // runs both families on every case.
  const hardwarePaths = (c: Partial<InitConfig>) =>
    (c.width ?? 0) % 2 === 1 ||
    (c.batch ?? 0) >= 6 ||
    (c.width ?? 0) >= 1024 ||
    c.scheme === 'zeros' ||
    c.scheme === 'constant';
  for (const kernels of ['software', 'hardware'] as const)
    for (const overrides of INIT_PARITY_CASES.filter((c) => kernels === 'software' || hardwarePaths(c))) {
      it(`agrees on ${initCaseName(overrides)} (${kernels} kernels)`, async () => {
        const cfg = initParityConfig(overrides, seed, kernels);
        const checks = await withErrorScopes(gpu().device, () => checkInitCase(selfCheck, cfg));
        expect(parityVerdict(checks).failures).toEqual([]);
      });
    }

  it('matches the CPU twin with GPU-sized reduction workgroups (64 lanes; the software adapter uses 8)', async () => {
    const cfg = config({ activation: 'sigmoid', scheme: 'he-normal', width: 40, biasStd: 0.3 });
    const wide = await InitStatsEngine.create(gpu().device, { reductionLanes: 64, compileDefaults: false });
    try {
      const wideRun = await withErrorScopes(gpu().device, () => wide.run(cfg));
      expectLayersClose(cfg, wideRun.accumulators, initStatsAccumulators(cfg));
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

  it('runs width 2048 like the CPU twin in a 24 MiB budget with W drawn in place (hardware kernels)', async () => {
    const cfg = config({ width: 2048, depth: 2, batch: 4, inits: 2, bins: 64, kernels: 'hardware' });
    // The 2 × 16 MiB of W[2] (over the budget) never exist: the chunk holds activations and statistics only.
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
