import { describe, expect, it } from 'vitest';
import {
  fittedDepthScale,
  joinPhaseRecords,
  measuredChi1,
  measuredCurves,
  pairCosine,
  phaseGridCpu,
  phaseInputs,
  phaseRecordsCpu,
  recordIndex,
} from '../../src/core/phase';
import {
  ConfigError,
  cellSb2,
  cellSw2,
  PHASE_PARAMS,
  type PhaseConfig,
  validatePhaseConfig,
} from '../../src/core/phaseConfig';
import { normalAt, Stream } from '../../src/core/rng';
import { seedLabel, testSeed } from '../helpers/seed';

const seed = testSeed();

function configError(raw: Record<string, unknown>): ConfigError {
  try {
    validatePhaseConfig(raw);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error(`no ConfigError for ${JSON.stringify(raw)}`);
}

describe('validatePhaseConfig and the cell axes', () => {
  it('fills every field from the table defaults', () => {
    const defaults = Object.fromEntries(PHASE_PARAMS.map((spec) => [spec.key, spec.default]));
    expect(validatePhaseConfig({})).toEqual(defaults);
    expect(validatePhaseConfig({ width: '64', c0: ' -0.25 ' })).toMatchObject({ width: 64, c0: -0.25 });
  });

  it('names the field of a bad value, and of an unknown key', () => {
    expect(configError({ width: 1 }).field).toBe('width');
    expect(configError({ c0: 'abc' }).field).toBe('c0');
    expect(configError({ activation: 'gelu' }).field).toBe('activation');
    expect(configError({ depth: 2.5 }).field).toBe('depth');
    expect(configError({ widht: 8 }).field).toBe('widht');
  });

  it('refuses a range whose upper end is below its lower end, saying so', () => {
    const error = configError({ sw2Min: 3, sw2Max: 2 });
    expect(error.field).toBe('sw2Max');
    expect(error.message).toBe('σ_w² to (2) is below σ_w² from (3)');
    expect(configError({ sb2Min: 0.4, sb2Max: 0.1 }).field).toBe('sb2Max');
    // An empty range (one value) is allowed.
    expect(validatePhaseConfig({ sw2Min: 2, sw2Max: 2 }).sw2Max).toBe(2);
  });

  it('cellSw2 and cellSb2 run from the lower to the upper end, both included', () => {
    const config = validatePhaseConfig({ sw2Min: 0.5, sw2Max: 4, sb2Min: 0.1, sb2Max: 0.5, cellsW: 8, cellsB: 5 });
    expect(cellSw2(config, 0)).toBe(0.5);
    expect(cellSw2(config, 7)).toBe(4);
    expect(cellSw2(config, 2)).toBeCloseTo(1.5, 14);
    expect(cellSb2(config, 0)).toBe(0.1);
    expect(cellSb2(config, 4)).toBe(0.5);
    // One cell on an axis sits at its lower end.
    const single = { ...config, cellsW: 1, cellsB: 1 };
    expect(cellSw2(single, 0)).toBe(0.5);
    expect(cellSb2(single, 0)).toBe(0.1);
  });
});

describe(`phaseInputs (${seedLabel(seed)})`, () => {
  it('pairs of rows 2p, 2p + 1 have unit mean square and correlation c₀', () => {
    const n = 4096;
    const config = validatePhaseConfig({ width: n, batch: 4, c0: 0.5, seed });
    const x = phaseInputs(config, 3);
    for (let p = 0; p < config.batch; p++) {
      // The sample cosine of n pairs of correlation ρ has standard deviation ≈ (1 − ρ²)/√n = 0.012: 5σ.
      expect(Math.abs(pairCosine(x, 2 * p * n, (2 * p + 1) * n, n) - 0.5)).toBeLessThan(0.06);
      // A mean of n squares of N(0, 1) has standard deviation √(2/n) = 0.022: 5σ.
      for (const row of [2 * p, 2 * p + 1]) {
        let square = 0;
        for (let j = 0; j < n; j++) square += x[row * n + j] ** 2 / n;
        expect(Math.abs(square - 1)).toBeLessThan(0.11);
      }
    }
  });
});

describe(`fittedDepthScale and measuredChi1 on synthetic curves (${seedLabel(seed)})`, () => {
  const layers = Array.from({ length: 30 }, (_, index) => index + 1);
  // The search is log-spaced with steps of (600/0.25)^(1/240) − 1 = 3.3%, so an exact curve is found
  // within half a step.
  const step = ((20 * 30) / 0.25) ** (1 / 240) - 1;

  it('recovers ξ of c∞ + A·exp(−l/ξ), with and without small noise', () => {
    for (const xi of [2, 5, 12]) {
      const exact = layers.map((l) => 0.8 + 0.2 * Math.exp(-l / xi));
      expect(Math.abs(fittedDepthScale(exact) / xi - 1)).toBeLessThan(step / 2 + 1e-9);
      // Noise of 1e-4 against a signal of 0.2·exp(−l/ξ): within 10% (a few search steps).
      const noisy = exact.map((value, index) => value + 1e-4 * normalAt(seed, Stream.inputs, 0, xi, index));
      expect(Math.abs(fittedDepthScale(noisy) / xi - 1)).toBeLessThan(0.1);
    }
  });

  it('a constant c has nothing to fit (NaN); a linear drift has ξ ≫ L (Infinity)', () => {
    expect(fittedDepthScale(layers.map(() => 0.7))).toBeNaN();
    expect(fittedDepthScale(layers.map(() => 0.7).map((value, index) => value + 1e-5 * (index % 2)))).toBeNaN();
    expect(fittedDepthScale(layers.map((l) => 0.5 + 0.001 * l))).toBe(Infinity);
    // Fewer than 4 finite layers: NaN.
    expect(fittedDepthScale([0.1, NaN, 0.5, Infinity, 0.9])).toBeNaN();
  });

  it('measuredChi1 returns the ratio of a geometric E[δ²_{l−1}] / E[δ²_l] (tolerance 1e-12)', () => {
    for (const ratio of [0.4, 1, 1.7]) {
      const deltaSquare = layers.map((l) => 3 * ratio ** -l);
      expect(Math.abs(measuredChi1(deltaSquare) / ratio - 1)).toBeLessThan(1e-12);
    }
    expect(measuredChi1([1])).toBeNaN();
  });
});

describe(`the CPU twin (${seedLabel(seed)})`, () => {
  const small = (raw: Record<string, unknown>): PhaseConfig =>
    validatePhaseConfig({ cellsW: 1, cellsB: 1, width: 16, depth: 6, inits: 2, batch: 2, seed, ...raw });

  it('a linear network has measured χ₁ ≈ σ_w²', () => {
    // δ[l−1]_j = Σ_i W[l]_ij δ[l]_i with W[l] independent of δ[l] (which depends on the layers above only):
    // E[δ[l−1]²] = n · (σ_w²/n) · E[δ[l]²] = σ_w² E[δ[l]²]. The sample ratio of one layer has relative spread
    // ≈ √(2/(nK)) = 1.6% (n = 128, K = 8), the geometric mean over L − h = 5 layers √5 less: 0.7%; 10% is
    // far out, leaving room for the rows sharing their W.
    const config = small({ activation: 'linear', sw2Min: 1.7, sw2Max: 1.7, sb2Min: 0.2, sb2Max: 0.2 });
    const [cell] = phaseGridCpu({ ...config, width: 128, depth: 10, inits: 8 });
    expect(cell.chi1.theory).toBe(1.7);
    expect(Math.abs(cell.chi1.measured / 1.7 - 1)).toBeLessThan(0.1);
    expect(cell.nonFinite).toBe(0);
  });

  it('counts the copies of an overflowing cell in nonFinite and leaves other cells alone', () => {
    // relu at σ_w² = 1e30 (outside the table: validatePhaseConfig would refuse it): q grows ~5e29 per
    // layer, so z overflows f64 by layer ~21 of 30, and the backward pass carries NaN to every layer.
    const config = { ...small({ activation: 'relu', cellsW: 2, depth: 30, inits: 3 }), sw2Min: 1, sw2Max: 1e30 };
    const records = phaseRecordsCpu(config);
    const [tame, wild] = [0, 1].map((cell) => measuredCurves(config, records, cell));
    expect(tame.nonFinite).toBe(0);
    for (const value of [...tame.q, ...tame.c, ...tame.deltaSquare]) expect(Number.isFinite(value)).toBe(true);
    expect(wild.nonFinite).toBe(3);
    // Every layer of every copy is broken, so there is nothing to average: NaN, not a poisoned number.
    expect(wild.q.every(Number.isNaN)).toBe(true);
  });

  it('a broken record is left out of its layer mean, which stays that of the finite copies', () => {
    const config = small({ activation: 'tanh', inits: 3 });
    const records = phaseRecordsCpu(config);
    const at = (copy: number) => recordIndex(config, 0, copy, 4);
    records.zSquare[at(1)] = Infinity;
    records.deltaSquare[at(1)] = NaN;
    records.finite[at(1)] = 0;
    const curves = measuredCurves(config, records, 0);
    expect(curves.nonFinite).toBe(1);
    const rows = 2 * config.batch * config.width;
    const expected = (records.zSquare[at(0)] + records.zSquare[at(2)]) / (2 * rows);
    expect(curves.q[3]).toBeCloseTo(expected, 14);
    expect(Number.isFinite(curves.deltaSquare[3])).toBe(true);
    // The copy's other layers still count.
    expect(curves.q[2]).toBeCloseTo(
      (records.zSquare[recordIndex(config, 0, 0, 3)] +
        records.zSquare[recordIndex(config, 0, 1, 3)] +
        records.zSquare[recordIndex(config, 0, 2, 3)]) /
        (3 * rows),
      14,
    );
  });

  it('joinPhaseRecords of pieces of copies equals the whole', () => {
    const config = small({ activation: 'sigmoid', cellsW: 2, cellsB: 2, inits: 5 });
    const pieces = [
      { firstCopy: 0, records: phaseRecordsCpu(config, 0, 2) },
      { firstCopy: 2, records: phaseRecordsCpu(config, 2, 3) },
    ];
    expect(joinPhaseRecords(config, pieces)).toEqual(phaseRecordsCpu(config));
  });

  it('tanh at width 256: measured χ₁ within 10% of theory off the critical line; c^30 ordered → 1, chaotic < 1', () => {
    // Ordered (σ_w² = 0.5, χ₁ ≈ 0.4) and chaotic (σ_w² = 4, χ₁ ≈ 1.5) at σ_b² = 0.1, far from χ₁ = 1 at
    // σ_w² ≈ 1.2. Spread of the measured χ₁ ≈ √(2/(nK))/√(L − h) = 1.1%; finite width adds O(1/n).
    const config = small({ activation: 'tanh', cellsW: 2, sw2Min: 0.5, sw2Max: 4, sb2Min: 0.1, sb2Max: 0.1 });
    const [ordered, chaotic] = phaseGridCpu({ ...config, width: 256, depth: 30, inits: 4 });
    for (const cell of [ordered, chaotic]) {
      expect(cell.nonFinite).toBe(0);
      expect(Math.abs(cell.chi1.measured / cell.chi1.theory - 1)).toBeLessThan(0.1);
    }
    expect(ordered.chi1.theory).toBeLessThan(0.5);
    expect(chaotic.chi1.theory).toBeGreaterThan(1.2);
    // Ordered: the two inputs' images merge (theory 1 − c^30 < 1e-6); chaotic: they stay apart, c* < 0.99.
    expect(ordered.c.theory).toBeGreaterThan(1 - 1e-6);
    expect(ordered.c.measured).toBeGreaterThan(0.999);
    expect(chaotic.c.theory).toBeLessThan(0.99);
    expect(chaotic.c.measured).toBeLessThan(0.99);
    // c of a width-256 net fluctuates by ~1/√(nBK) ≈ 1%: 0.1 apart at most.
    expect(Math.abs(chaotic.c.measured - chaotic.c.theory)).toBeLessThan(0.1);
  }, 30_000);
});
