import { describe, expect, it } from 'vitest';
import { activate } from '../../src/core/activations';
import { validateInitConfig } from '../../src/core/initConfig';
import {
  activationMeanSquare,
  chi,
  derivativeMeanSquare,
  meanFieldTheory,
  meanSquares,
  momentScale,
  type TheoryLayer,
} from '../../src/core/meanField';

const config = (raw: Record<string, unknown>) => validateInitConfig({ width: 100, depth: 12, batch: 8, ...raw });

function expectNoNaN(theory: TheoryLayer[]): void {
  for (const layer of theory) {
    for (const value of Object.values(layer)) expect(Number.isNaN(value)).toBe(false);
  }
}

describe('meanFieldTheory, independent weights', () => {
  it('linear + Xavier keeps every second moment at 1 (dW: E[δ²]E[a²]/B = 1/B)', () => {
    for (const layer of meanFieldTheory(config({ activation: 'linear' }))) {
      expect(layer.zMeanSquare).toBeCloseTo(1, 12);
      expect(layer.aMeanSquare).toBeCloseTo(1, 12);
      expect(layer.deltaMeanSquare).toBeCloseTo(1, 12);
      expect(layer.dWMeanSquare).toBeCloseTo(1 / 8, 12);
    }
  });

  it('linear with scale 2 grows q[l] = 4^l forward and E[δ²] = 4^{L−l} backward', () => {
    const theory = meanFieldTheory(config({ activation: 'linear', scale: 2 }));
    for (const { layer, zMeanSquare, deltaMeanSquare } of theory) {
      expect(zMeanSquare / 4 ** layer).toBeCloseTo(1, 12);
      expect(deltaMeanSquare / 4 ** (12 - layer)).toBeCloseTo(1, 12);
    }
  });

  it('ReLU + He keeps q = 2 and E[a²] = 1 at every depth; ReLU + Xavier halves them per layer', () => {
    for (const layer of meanFieldTheory(config({ activation: 'relu', scheme: 'he-normal' }))) {
      expect(layer.zMeanSquare).toBeCloseTo(2, 12);
      expect(layer.aMeanSquare).toBeCloseTo(1, 12);
      expect(layer.deltaMeanSquare).toBeCloseTo(0.5, 12); // E[relu′²] = ½, χ = 2·½ = 1
    }
    for (const layer of meanFieldTheory(config({ activation: 'relu', scheme: 'xavier-uniform' }))) {
      expect(layer.aMeanSquare / 0.5 ** layer.layer).toBeCloseTo(1, 12);
    }
  });

  it('tanh + Xavier: q decreases slowly, matching the recursion done by a fine trapezoid rule (1e-6)', () => {
    const theory = meanFieldTheory(config({ activation: 'tanh', depth: 30 }));
    // Independent recursion: q ← E[tanh(√q u)²] with σ_w² = 1, by the trapezoid rule (step 2e-4).
    let q = 1;
    for (const layer of theory) {
      expect(Math.abs(layer.zMeanSquare - q) / q).toBeLessThan(1e-6);
      let sum = 0;
      const h = 2e-4;
      for (let i = -60000; i <= 60000; i++) sum += Math.tanh(Math.sqrt(q) * i * h) ** 2 * Math.exp(-0.5 * (i * h) ** 2);
      q = (sum * h) / Math.sqrt(2 * Math.PI);
    }
    for (let l = 1; l < theory.length; l++) expect(theory[l].zMeanSquare).toBeLessThan(theory[l - 1].zMeanSquare);
    // Slowly: tanh(x)² ≈ x² − (2/3)x⁴ gives q ← q − 2q², so q[l] ≈ 1/(2l), not geometric decay.
    expect(theory[29].zMeanSquare * 2 * 30).toBeGreaterThan(1);
    expect(theory[29].zMeanSquare * 2 * 30).toBeLessThan(1.2);
  });

  it('sigmoid uses the second moment, so the mean ½ counts: E[σ(0)²] = ¼ at q = 0', () => {
    const zeros = meanFieldTheory(config({ activation: 'sigmoid', scheme: 'zeros' }));
    for (const layer of zeros) {
      expect(layer.zMeanSquare).toBe(0);
      expect(layer.aMeanSquare).toBe(0.25);
    }
    expect(zeros[11].deltaMeanSquare).toBe(1 / 16); // σ′(0)² at the top
    expect(zeros[10].deltaMeanSquare).toBe(0); // zero weights pass no gradient down
    expect(zeros[11].dWMeanSquare).toBeCloseTo(((1 / 16) * 0.25) / 8, 15);
    // With Xavier, layer 2 sees q = E[σ²] ≈ 0.29 > Var(σ) (the Xavier assumption of zero-mean a fails).
    const xavier = meanFieldTheory(config({ activation: 'sigmoid' }));
    expect(xavier[0].aMeanSquare).toBeGreaterThan(0.25);
    expect(xavier[1].zMeanSquare).toBeCloseTo(xavier[0].aMeanSquare, 12);
  });

  it('uses n[0] = inputWidth for the first layer (Glorot: 2/(n[0] + n[1]))', () => {
    const theory = meanFieldTheory(config({ activation: 'linear', scheme: 'glorot-normal', inputWidth: 300 }));
    expect(theory[0].zMeanSquare).toBeCloseTo((300 * 2) / 400, 12);
    expect(theory[1].zMeanSquare).toBeCloseTo(theory[0].zMeanSquare, 12); // 100 · 2/200 = 1
  });

  it('adds σ_b² to q and never returns NaN when exploding (Inf or large finite instead)', () => {
    const biased = meanFieldTheory(config({ activation: 'linear', scheme: 'zeros', biasStd: 0.5 }));
    for (const layer of biased) expect(layer.zMeanSquare).toBe(0.25);
    const exploding = meanFieldTheory(config({ activation: 'linear', scale: 100, depth: 200 }));
    expectNoNaN(exploding);
    expect(exploding[199].zMeanSquare).toBe(Infinity);
    expect(exploding[0].deltaMeanSquare).toBe(Infinity);
    for (const activation of ['tanh', 'sigmoid', 'relu'] as const) {
      const theory = meanFieldTheory(config({ activation, scale: 100, depth: 200, biasStd: 3 }));
      expectNoNaN(theory);
      if (activation !== 'relu') expect(theory[199].aMeanSquare).toBeLessThanOrEqual(1);
    }
  });

  it('chi is 1 at criticality: ReLU + He, and tanh + Xavier as q → 0', () => {
    for (const value of chi(config({ activation: 'relu', scheme: 'he-normal' }))) expect(value).toBeCloseTo(1, 12);
    const tanh = chi(config({ activation: 'tanh', depth: 200 }));
    expect(tanh[199]).toBeLessThan(1);
    expect(tanh[199]).toBeGreaterThan(0.95);
  });
});

describe('meanFieldTheory, constant init (all units share one sum)', () => {
  it('linear: z = s·z below, so q[l] = s^{2l} / n[0], not the independent-weights n^{−l}', () => {
    const theory = meanFieldTheory(config({ activation: 'linear', scheme: 'constant', scale: 1.5, inputWidth: 40 }));
    for (const { layer, zMeanSquare } of theory) expect(zMeanSquare / (1.5 ** (2 * layer) / 40)).toBeCloseTo(1, 9);
  });

  it('tanh with σ_b = 0 propagates one Gaussian exactly: layer 2 is E[(s·tanh(√q₁ u))²]', () => {
    const s = 2;
    const theory = meanFieldTheory(config({ activation: 'tanh', scheme: 'constant', scale: s }));
    const q1 = (s * s) / 100;
    expect(theory[0].zMeanSquare).toBeCloseTo(q1, 12);
    let sum = 0;
    const h = 1e-4;
    for (let i = -100000; i <= 100000; i++)
      sum += (s * activate('tanh', Math.sqrt(q1) * i * h)) ** 2 * Math.exp(-0.5 * (i * h) ** 2);
    expect(theory[1].zMeanSquare).toBeCloseTo((sum * h) / Math.sqrt(2 * Math.PI), 10);
    expectNoNaN(
      meanFieldTheory(config({ activation: 'relu', scheme: 'constant', scale: 100, depth: 200, biasStd: 1 })),
    );
  });

  it('reuses a recent result for a new seed or K, as copies, and recomputes when a field it depends on moves', () => {
    const base = { activation: 'tanh', scheme: 'constant', scale: 1.3, biasStd: 0.4, depth: 6 };
    const first = meanFieldTheory(config({ ...base, seed: 1, inits: 8 }));
    first[2].zMeanSquare = -1; // a caller's edit must not reach the next caller
    const again = meanFieldTheory(config({ ...base, seed: 2, inits: 64 }));
    expect(again[2].zMeanSquare).toBeGreaterThan(0);
    expect(again).toEqual(meanFieldTheory(config({ ...base, seed: 3 })));
    for (const moved of [
      { biasStd: 0.5 },
      { scale: 1.4 },
      { batch: 16 },
      { activation: 'sigmoid' },
      { inputWidth: 50 },
    ]) {
      expect(meanFieldTheory(config({ ...base, ...moved })), JSON.stringify(moved)).not.toEqual(again);
    }
  });
});

describe('momentScale', () => {
  it('is the power of two nearest √meanSquare, clamped to 2^±100, and 1 when meaningless', () => {
    expect(momentScale(1)).toBe(1);
    expect(momentScale(4)).toBe(2);
    expect(momentScale(10)).toBe(4); // √10 = 3.16, log2 = 1.66 → 2
    expect(momentScale(0.01)).toBe(0.125); // √ = 0.1, log2 = −3.32 → −3
    expect(momentScale(2 ** -300)).toBe(2 ** -100);
    expect(momentScale(2 ** 300)).toBe(2 ** 100);
    for (const value of [0, -1, NaN, Infinity]) expect(momentScale(value)).toBe(1);
  });
});

describe('meanSquares', () => {
  it('is activationMeanSquare and derivativeMeanSquare bit for bit (both quadratures, every activation)', () => {
    for (const activation of ['tanh', 'sigmoid', 'relu', 'linear'] as const) {
      for (const q of [0, 1e-6, 0.3, 0.5, 0.5000001, 0.7, 1, 2.5, 17, 300, 1e5, Infinity, NaN]) {
        const { activation: square, derivative } = meanSquares(activation, q);
        expect(square, `${activation} q=${q}`).toBe(activationMeanSquare(activation, q));
        expect(derivative, `${activation} q=${q}`).toBe(derivativeMeanSquare(activation, q));
      }
    }
  });
});
