// The phase-diagram engine on the GPU (src/gpu/phaseEngine.ts) against its CPU twin (phaseRecordsCpu in
// src/core/phase.ts) on fresh random small grids, the record buffer poisoned with NaN before every chunk
// (an unwritten record fails every comparison: NaN sums, a finite flag that is neither 0 nor 1).
import { beforeAll, describe, expect, it } from 'vitest';
import type { Activation } from '../../src/core/activations';
import { combinePhaseRecords, type PhaseRecords, phaseRecordsCpu, recordIndex } from '../../src/core/phase';
import { type PhaseConfig, phaseCellCount, validatePhaseConfig } from '../../src/core/phaseConfig';
import { Stream } from '../../src/core/rng';
import { criticalLine } from '../../src/core/signalPropagation';
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

describe(`the phase diagram measured on the GPU (${seedLabel(seed)})`, () => {
  /** The σ_w² at which the measured χ₁ of row ib crosses 1 between neighbouring cells (linear between them). */
  function measuredCrossings(config: PhaseConfig, records: PhaseRecords, ib: number): number[] {
    const row = combinePhaseRecords(config, records).filter((cell) => cell.ib === ib);
    const crossings: number[] = [];
    for (let iw = 0; iw + 1 < row.length; iw++) {
      const [a, b] = [row[iw], row[iw + 1]];
      const [fa, fb] = [a.chi1.measured - 1, b.chi1.measured - 1];
      if (fa < 0 && fb >= 0) crossings.push(a.sw2 + ((b.sw2 - a.sw2) * -fa) / (fb - fa));
    }
    return crossings;
  }

  it('tanh: the measured crossing χ₁ = 1 lies within one cell of the theory’s critical line', async () => {
    // 8 σ_w² cells 0.29 apart over [0.5, 2.5] at σ_b² = 0.05, 0.15, 0.25 (critical σ_w² ≈ 1.1–1.4): width 256,
    // depth 30, 4 networks × 4 pairs per cell. The measured χ₁ of a cell spreads by ~√(2/(n·2B·K))/√(L/2)
    // ≈ 1%, and its slope across the line is ~0.8 per unit of σ_w², so the crossing moves by ~0.02; over five
    // seeds it stayed within 0.4 cells. σ_b = 0 is left out: there q^l creeps to q* = 0 like 1/l, so at any
    // finite depth the measured crossing sits a cell or more above χ₁(q*) = 1 (seen: +0.33 at depth 20).
    const config = validatePhaseConfig({
      activation: 'tanh',
      sw2Min: 0.5,
      sw2Max: 2.5,
      cellsW: 8,
      sb2Min: 0.05,
      sb2Max: 0.25,
      cellsB: 3,
      width: 256,
      depth: 30,
      inits: 4,
      batch: 4,
      seed,
    });
    const records = await runOnGpu(config);
    const spacing = (config.sw2Max - config.sw2Min) / (config.cellsW - 1);
    const line = criticalLine('tanh', config.sb2Min, config.sb2Max, config.cellsB);
    for (let ib = 0; ib < config.cellsB; ib++) {
      const crossings = measuredCrossings(config, records, ib);
      expect(crossings, `σ_b² = ${line[ib].sb2}: one crossing`).toHaveLength(1);
      expect(Math.abs(crossings[0] - line[ib].sw2), `σ_b² = ${line[ib].sb2}`).toBeLessThan(spacing);
    }
  }, 120_000);

  it('relu at σ_b = 0: χ₁ = σ_w²/2 measured, so the critical point is σ_w² = 2 (He initialization)', async () => {
    // relu' is 0 or 1, so E[φ'²] = ½ at any q: χ₁ = σ_w²/2 exactly in the mean field; the measured ratio of a
    // width-256 net (4 networks × 4 pairs) spreads by ~1%; 5% allowed.
    const config = validatePhaseConfig({
      activation: 'relu',
      sw2Min: 1.5,
      sw2Max: 2.5,
      cellsW: 5,
      sb2Min: 0,
      sb2Max: 0,
      cellsB: 1,
      width: 256,
      depth: 16,
      inits: 4,
      batch: 4,
      seed,
    });
    const records = await runOnGpu(config);
    for (const cell of combinePhaseRecords(config, records)) {
      expect(cell.nonFinite).toBe(0);
      expect(Math.abs(cell.chi1.measured / (cell.sw2 / 2) - 1), `σ_w² = ${cell.sw2}`).toBeLessThan(0.05);
    }
    const [crossing] = measuredCrossings(config, records, 0);
    expect(Math.abs(crossing - 2)).toBeLessThan(0.25); // one cell
  }, 120_000);
});
