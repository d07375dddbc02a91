// The phase-diagram engine on the GPU (src/gpu/phaseEngine.ts) against its CPU twin (phaseRecordsCpu in
// src/core/phase.ts) on fresh random small grids, the record buffer poisoned with NaN before every chunk
// (an unwritten record fails every comparison: NaN sums, a finite flag that is neither 0 nor 1).
import { beforeAll, describe, expect, it } from 'vitest';
import type { Activation } from '../../src/core/activations';
import { combinePhaseRecords, type PhaseRecords, phaseRecordsCpu, recordIndex } from '../../src/core/phase';
import { type PhaseConfig, phaseCellCount, validatePhaseConfig } from '../../src/core/phaseConfig';
import { Stream } from '../../src/core/rng';
import { withErrorScopes } from '../../src/gpu/device';
import { PhaseEngine, type PhaseRunOptions } from '../../src/gpu/phaseEngine';
import { useTestGpu } from '../helpers/gpu';
import { seedLabel, testSeed } from '../helpers/seed';

const gpu = useTestGpu();
const seed = testSeed();

/** A small generator for the shapes of the random grids (the seed replays them too). */
function shapes(from: number) {
  let state = from >>> 0 || 1;
  return (lo: number, hi: number) => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return lo + (state % (hi - lo + 1));
  };
}
const pick = shapes(seed ^ Stream.test);

function randomConfig(overrides: Partial<Record<keyof PhaseConfig, unknown>>): PhaseConfig {
  return validatePhaseConfig({
    cellsW: pick(2, 3),
    cellsB: pick(1, 2),
    width: pick(9, 24),
    depth: pick(3, 6),
    inits: pick(2, 3),
    batch: pick(1, 2),
    sw2Min: 0.5,
    sw2Max: 0.5 + pick(10, 30) / 10,
    sb2Min: 0,
    sb2Max: pick(0, 5) / 10,
    c0: pick(-9, 9) / 10,
    seed,
    ...overrides,
  });
}

let engine: PhaseEngine;
beforeAll(async () => {
  engine = await PhaseEngine.create(gpu(), { poisonOutputs: true, compileDefaults: false });
});

function runOnGpu(config: PhaseConfig, options: PhaseRunOptions = {}, on = engine): Promise<PhaseRecords> {
  return withErrorScopes(gpu().device, () => on.run(config, options));
}

const U = 2 ** -24;
/** The largest |φ'|: the gain of a perturbation of z through φ. */
const DERIVATIVE_BOUND: Record<Activation, number> = { tanh: 1, relu: 1, linear: 1, sigmoid: 0.25 };

/**
 * The relative tolerance of the sums of squares, f32 on the GPU against f64: one z (or δ) is a dot
 * product of n terms, relative error ≤ n·u (u = 2^-24), and the error of layer l − 1 reaches layer l
 * through (σ_w/√n)·W and φ', whose gain is at most G = σ_w·max|φ'| in the typical direction; over L
 * layers up and L down the error is ≤ 2L·n·u·max(1, G)^(2L), and a sum of squares doubles a relative
 * error. A factor 4 covers the sums themselves (2B·n terms in pairwise-ish f32 order, ≪ n·u·2L here).
 * For the shapes here (n ≤ 24, L ≤ 6, σ_w² ≤ 3.5) that is ≤ 4e-5…1e-1; measured errors are ~2e-6.
 */
function tolerance(config: PhaseConfig): number {
  const gain = Math.max(1, Math.sqrt(config.sw2Max) * DERIVATIVE_BOUND[config.activation]);
  return 2 * 4 * 2 * config.depth * config.width * U * gain ** (2 * config.depth);
}

function expectRecordsClose(config: PhaseConfig, on: PhaseRecords, cpu: PhaseRecords): void {
  const tol = Math.min(1e-2, tolerance(config));
  for (let cell = 0; cell < phaseCellCount(config); cell++) {
    for (let copy = 0; copy < config.inits; copy++) {
      for (let l = 1; l <= config.depth; l++) {
        const at = recordIndex(config, cell, copy, l);
        const where = `cell ${cell} copy ${copy} layer ${l}`;
        expect(on.finite[at], `${where} finite`).toBe(cpu.finite[at]);
        const zError = Math.abs(on.zSquare[at] - cpu.zSquare[at]) / cpu.zSquare[at];
        expect(zError, `${where} zSquare ${on.zSquare[at]} vs ${cpu.zSquare[at]}`).toBeLessThan(tol);
        const dError = Math.abs(on.deltaSquare[at] - cpu.deltaSquare[at]) / cpu.deltaSquare[at];
        expect(dError, `${where} deltaSquare ${on.deltaSquare[at]} vs ${cpu.deltaSquare[at]}`).toBeLessThan(tol);
        // Each pair's cosine is in [−1, 1] with the relative error of its sums: B·tol absolute.
        const cError = Math.abs(on.cosine[at] - cpu.cosine[at]);
        expect(cError, `${where} cosine ${on.cosine[at]} vs ${cpu.cosine[at]}`).toBeLessThan(config.batch * tol);
      }
    }
  }
}

describe(`phase engine vs CPU twin (${seedLabel(seed)})`, () => {
  it.each<Activation>(['tanh', 'relu', 'sigmoid', 'linear'])(
    '%s: every record of a random grid',
    async (activation) => {
      const config = randomConfig({ activation });
      const on = await runOnGpu(config);
      expectRecordsClose(config, on, phaseRecordsCpu(config));
    },
  );

  it('8-row batch tiles (B = 3 and 4) and 64 stats lanes per init, as on a GPU', async () => {
    const wide = await PhaseEngine.create(gpu(), { poisonOutputs: true, compileDefaults: false, statsLanes: 64 });
    try {
      for (const batch of [3, 4]) {
        const config = randomConfig({ activation: 'tanh', batch, width: 33, cellsW: 2, cellsB: 1 });
        expectRecordsClose(config, await runOnGpu(config, {}, wide), phaseRecordsCpu(config));
      }
    } finally {
      wide.destroy();
    }
  });

  it('gives the same records for any chunking: 1, 2 or K + 1 networks per chunk, or all', async () => {
    const config = randomConfig({ activation: 'tanh', inits: 3, cellsW: 3, cellsB: 2 });
    const whole = await runOnGpu(config);
    expect(engine.lastRun.chunks).toBe(1);
    for (const initsPerChunk of [1, 2, config.inits + 1]) {
      const progress: number[] = [];
      const chunked = await runOnGpu(config, { initsPerChunk, onProgress: (done) => progress.push(done) });
      expect(engine.lastRun.chunks, `${initsPerChunk} per chunk`).toBeGreaterThan(1);
      expect(progress.at(-1)).toBe(phaseCellCount(config) * config.inits);
      expect(chunked).toEqual(whole);
    }
  });

  it('flags the layers of an exploding cell whose values leave f32; the calm cell agrees', async () => {
    // Linear with σ_w² = 100: |z^l| ~ 10^l and |δ^l| ~ 10^(L−l), beyond f32's 3.4e38 at the ends.
    const config = validatePhaseConfig({
      activation: 'linear',
      sw2Min: 1,
      sw2Max: 100,
      cellsW: 2,
      cellsB: 1,
      sb2Max: 0,
      width: 16,
      depth: 48,
      inits: 2,
      batch: 1,
      seed,
    });
    const on = await runOnGpu(config);
    const cpu = phaseRecordsCpu(config);
    const F32_MAX = 3.4028234663852886e38;
    const count = 2 * config.batch * config.width;
    let flagged = 0;
    for (let copy = 0; copy < config.inits; copy++) {
      for (let l = 1; l <= config.depth; l++) {
        const at = recordIndex(config, 1, copy, l);
        // f64 never leaves its range here: the CPU twin sees every value finite.
        expect(cpu.finite[at]).toBe(1);
        if (on.finite[at] === 0) {
          flagged++;
          // A value, or a partial sum of an n-term dot product (terms |W_ij a_j| or |W_ij δ_i|, |W_ij| < 8),
          // passed f32's range at this layer or at one it comes from: an infinite z stays infinite (or NaN)
          // up to z[L], whose φ' makes every δ NaN; an infinite δ stays so going down. So some z, or some δ
          // at or above layer l, is within a factor 8n of f32's largest value.
          let operands = 0;
          for (let m = 1; m <= config.depth; m++) {
            const other = recordIndex(config, 1, copy, m);
            operands = Math.max(operands, cpu.zSquare[other], m >= l ? cpu.deltaSquare[other] : 0);
          }
          expect(operands, `copy ${copy} layer ${l}`).toBeGreaterThan((F32_MAX / (8 * config.width)) ** 2);
        } else {
          expect(on.finite[at], `copy ${copy} layer ${l}`).toBe(1);
          // The mean square over f32's range would put some value beyond it.
          const largest = Math.max(cpu.zSquare[at], cpu.deltaSquare[at]);
          expect(largest / count, `copy ${copy} layer ${l}`).toBeLessThan(1.01 * F32_MAX ** 2);
        }
      }
    }
    expect(flagged).toBeGreaterThan(0);
    const [calm, exploding] = combinePhaseRecords(config, on);
    expect(exploding.nonFinite).toBe(config.inits);
    expect(calm.nonFinite).toBe(0);
    // The calm cell (σ_w² = 1) agrees record by record.
    for (let at = 0; at < config.inits * config.depth; at++) {
      expect(Math.abs(on.zSquare[at] - cpu.zSquare[at]) / cpu.zSquare[at]).toBeLessThan(1e-3);
    }
  });

  it('carries vanishing layers (|z| ~ 1e-25, squares below f32) through its scaled sums', async () => {
    const config = randomConfig({ activation: 'tanh', sw2Min: 0.01, sw2Max: 0.01, cellsW: 1, cellsB: 1, depth: 25 });
    const on = await runOnGpu(config);
    const cpu = phaseRecordsCpu(config);
    const top = recordIndex(config, 0, 0, config.depth);
    expect(cpu.zSquare[top]).toBeLessThan(1e-40);
    expectRecordsClose({ ...config, depth: 2 }, on, cpu);
  });

  it('rejects an aborted run with an AbortError and serves the next one', async () => {
    const config = randomConfig({ activation: 'tanh', inits: 3 });
    const controller = new AbortController();
    const aborted = engine.run(config, {
      signal: controller.signal,
      initsPerChunk: 1,
      onProgress: () => controller.abort(),
    });
    await expect(aborted).rejects.toMatchObject({ name: 'AbortError' });
    const before = new AbortController();
    before.abort();
    await expect(engine.run(config, { signal: before.signal })).rejects.toMatchObject({ name: 'AbortError' });
    expectRecordsClose(config, await runOnGpu(config), phaseRecordsCpu(config));
  });
});
