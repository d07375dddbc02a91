import { describe, expect, it } from 'vitest';
import { type InitConfig, validateInitConfig } from '../../src/core/initConfig';
import { initPass, initStats, initStatsAccumulators } from '../../src/core/initStats';
import { meanFieldTheory } from '../../src/core/meanField';
import { initWeight, readoutValue } from '../../src/core/schemes';
import { defined } from '../helpers/defined';

/**
 * Standard error of a measured mean square relative to its expectation, for a linear net (and, as an
 * upper bound, a contracting tanh net). Per init, E[a²] at layer l is (1/(Bn)) Σ_b ‖M x_b‖² with M
 * the product of l Gaussian matrices: given M its relative variance per input is 2·tr((MᵀM)²)/tr(MᵀM)²
 * = 2(l + 1)/n (the second moment of a product of l square Ginibre matrices is the Fuss–Catalan
 * number l + 1), and M's own fluctuation is O(l/n²). B·K independent inputs:
 */
function relativeStandardError(l: number, config: InitConfig): number {
  return Math.sqrt((2 * (l + 1)) / (config.width * config.batch * config.inits));
}

function walkNumbers(value: unknown, visit: (x: number) => void): void {
  if (typeof value === 'number') visit(value);
  else if (Array.isArray(value)) for (const item of value) walkNumbers(item, visit);
  else if (value !== null && typeof value === 'object')
    for (const item of Object.values(value)) walkNumbers(item, visit);
}

describe('initStats: the science', () => {
  it('linear + Xavier keeps E[a²] = 1 at every layer (within 4 standard errors)', () => {
    const config = validateInitConfig({
      activation: 'linear',
      scheme: 'xavier-normal',
      width: 256,
      batch: 16,
      inits: 8,
      depth: 20,
    });
    const result = initStats(config);
    for (const layer of result.layers) {
      // 4σ grows from 4.4% at layer 1 to 14% at layer 20 for this sample (B·K = 128 inputs): a flat 5%
      // would be a 1.4σ bound at depth 20.
      const measured = defined(layer.a.meanSquare, `layer ${layer.layer} E[a²]`);
      expect(Math.abs(measured - 1), `layer ${layer.layer}`).toBeLessThan(
        4 * relativeStandardError(layer.layer, config),
      );
    }
  });

  it('linear with scale 2 grows E[a²] ≈ 4^l (within 4 standard errors, ≤ 10.4% at depth 10)', () => {
    const config = validateInitConfig({ activation: 'linear', scale: 2, width: 256, batch: 16, inits: 8, depth: 10 });
    for (const layer of initStats(config).layers) {
      const measured = defined(layer.a.meanSquare, `layer ${layer.layer} E[a²]`);
      expect(Math.abs(measured / 4 ** layer.layer - 1), `layer ${layer.layer}`).toBeLessThan(
        4 * relativeStandardError(layer.layer, config),
      );
    }
  });

  it('tanh + Xavier, width 256: measured E[z²] follows the mean-field curve', () => {
    const config = validateInitConfig({ activation: 'tanh', width: 256, batch: 16, inits: 8, depth: 10 });
    for (const layer of initStats(config).layers) {
      const theory = defined(layer.theory.zMeanSquare, `layer ${layer.layer} theory E[z²]`);
      // tanh contracts, so the linear net's standard error bounds the sampling error; the O(1/n)
      // finite-width correction (0.4%) is well inside.
      const measured = defined(layer.z.meanSquare, `layer ${layer.layer} E[z²]`);
      expect(Math.abs(measured / theory - 1), `layer ${layer.layer}`).toBeLessThan(
        4 * relativeStandardError(layer.layer, config),
      );
    }
  });

  it('ReLU + He keeps E[a²] within 10% of 1 (≥ 4 standard errors over inits)', () => {
    const config = validateInitConfig({
      activation: 'relu',
      scheme: 'he-normal',
      width: 256,
      batch: 8,
      inits: 48,
      depth: 4,
    });
    const layers = initStatsAccumulators(config);
    layers.forEach(({ a }, index) => {
      // ReLU norms fluctuate mostly between inits (log-variance ≈ 5l/n per input, Hanin 2018), so the
      // error is judged over the K per-init mean squares.
      const perInit = Array.from(a.initSumSquares, (sum, k) => sum / a.initCount[k]);
      const mean = perInit.reduce((sum, x) => sum + x, 0) / perInit.length;
      const sd = Math.sqrt(perInit.reduce((sum, x) => sum + (x - mean) ** 2, 0) / (perInit.length - 1));
      expect(4 * (sd / Math.sqrt(perInit.length)), `layer ${index + 1}: standard error`).toBeLessThan(0.1);
      expect(Math.abs(a.sumSquares / a.count - 1), `layer ${index + 1}`).toBeLessThan(0.1);
    });
  });

  it('zero init: symmetric, δ exactly 0 and ∂L/∂W = 0 below the top layer', () => {
    for (const activation of ['tanh', 'sigmoid'] as const) {
      const config = validateInitConfig({ activation, scheme: 'zeros', width: 16, batch: 4, inits: 3, depth: 5 });
      const layers = initStatsAccumulators(config);
      const result = initStats(config);
      for (let l = 1; l < config.depth; l++) {
        const { delta, symmetry } = layers[l - 1];
        expect(symmetry).toBe(0);
        expect(delta.count).toBe(3 * 4 * 16);
        expect(delta.sumSquares).toBe(0);
        expect(result.layers[l - 1].dW.meanSquare).toBe(0);
      }
      // The top layer gets δ = g·φ'(0) from the random read-out, so it is neither symmetric nor zero;
      // its weight gradient δ a[L−1]ᵀ is 0 for tanh (a = tanh(0) = 0) but not for sigmoid (a = ½).
      expect(layers[4].symmetry).toBeGreaterThan(0);
      if (activation === 'tanh') expect(result.layers[4].dW.meanSquare).toBe(0);
      else expect(result.layers[4].dW.meanSquare).toBeGreaterThan(0);
    }
  });

  it('constant init is symmetric below the top; biasStd > 0 breaks the symmetry', () => {
    const base = { activation: 'tanh', scheme: 'constant', width: 16, batch: 4, inits: 3, depth: 4 };
    const symmetric = initStatsAccumulators(validateInitConfig(base));
    for (let l = 1; l < 4; l++) expect(symmetric[l - 1].symmetry).toBe(0);
    const broken = initStatsAccumulators(validateInitConfig({ ...base, biasStd: 0.1 }));
    for (let l = 1; l <= 4; l++) expect(broken[l - 1].symmetry).toBeGreaterThan(1e-3);
  });

  it('constant init follows its exact theory (units identical: one Gaussian per input; 8192 inputs, 4σ ≈ 6%)', () => {
    const config = validateInitConfig({
      activation: 'tanh',
      scheme: 'constant',
      scale: 2,
      width: 16,
      batch: 32,
      inits: 256,
      depth: 4,
    });
    for (const layer of initStats(config).layers) {
      // Relative standard error of a Gaussian mean square over N samples: √(2/N) = 1.6%.
      const what = `layer ${layer.layer}`;
      const zRatio =
        defined(layer.z.meanSquare, `${what} E[z²]`) / defined(layer.theory.zMeanSquare, `${what} theory E[z²]`);
      const aRatio =
        defined(layer.a.meanSquare, `${what} E[a²]`) / defined(layer.theory.aMeanSquare, `${what} theory E[a²]`);
      expect(Math.abs(zRatio - 1), what).toBeLessThan(0.07);
      expect(Math.abs(aRatio - 1), what).toBeLessThan(0.07);
    }
  });

  it('exploding (linear, scale 100, depth 200): Inf and NaN counted, statistics stay finite, JSON has no NaN', () => {
    // f64 overflows near layer 155 (100^l); on the f32 GPU the same happens near layer 19.
    const config = validateInitConfig({ activation: 'linear', scale: 100, width: 8, batch: 4, inits: 4, depth: 200 });
    const layers = initStatsAccumulators(config);
    const result = initStats(config);
    const total = 4 * 4 * 8;
    let nonFinite = 0;
    layers.forEach(({ z, a, delta }) => {
      for (const acc of [z, a, delta]) {
        expect(acc.count + acc.nan + acc.posInf + acc.negInf).toBe(total);
        expect(acc.histogram.reduce((sum, c) => sum + c, 0) + acc.underflow + acc.overflow).toBe(acc.count);
        expect(Number.isNaN(acc.sum) || Number.isNaN(acc.sumSquares)).toBe(false);
      }
      nonFinite += z.nan + z.posInf + z.negInf;
    });
    expect(nonFinite).toBeGreaterThan(0);
    expect(layers[199].z.nan).toBeGreaterThan(0);
    expect(layers[0].z.count).toBe(total);
    let nanInResult = 0;
    walkNumbers(result, (x) => {
      if (Number.isNaN(x)) nanInResult++;
    });
    expect(nanInResult).toBe(0);
    expect(JSON.stringify(result)).not.toContain('NaN');
    // Statistics of the finite values are finite while their squares fit in f64 (|z| < 1e154, up to
    // layer ~76), null beyond (the honest value is out of range), and null when no finite value is left.
    for (let l = 1; l <= 60; l++) {
      expect(result.layers[l - 1].z.meanSquare, `layer ${l}`).toBeGreaterThan(0);
      expect(Number.isFinite(result.layers[l - 1].z.variance)).toBe(true);
    }
    expect(result.layers[199].z.mean).toBeNull();
    // At depth 30 f64 does not overflow yet (E[z²] ≈ 1e60): all finite.
    const deep30 = initStats({ ...config, depth: 30 });
    expect(deep30.layers[29].z.count).toBe(total);
    expect(defined(deep30.layers[29].z.meanSquare, 'layer 30 E[z²]') / 1e60).toBeGreaterThan(1e-3);
  });
});

describe('initPass and dWNormSquared', () => {
  const tiny = validateInitConfig({
    activation: 'tanh',
    width: 5,
    inputWidth: 4,
    batch: 3,
    inits: 2,
    depth: 3,
    biasStd: 0.3,
    seed: 11,
  });

  it('the batch identity equals the explicitly formed ‖(1/B) Σ_b δ_b a_bᵀ‖_F² (1e-10 relative)', () => {
    const layers = initStatsAccumulators(tiny);
    for (let k = 0; k < tiny.inits; k++) {
      const pass = initPass(tiny, k);
      for (let l = 1; l <= tiny.depth; l++) {
        const nOut = tiny.width;
        const nIn = l === 1 ? tiny.inputWidth : tiny.width;
        let normSquared = 0;
        for (let i = 0; i < nOut; i++) {
          for (let j = 0; j < nIn; j++) {
            let gradient = 0;
            for (let b = 0; b < tiny.batch; b++) gradient += pass.delta[l][b * nOut + i] * pass.a[l - 1][b * nIn + j];
            normSquared += (gradient / tiny.batch) ** 2;
          }
        }
        expect(Math.abs(layers[l - 1].dWNormSquared[k] / normSquared - 1)).toBeLessThan(1e-10);
      }
    }
  });

  it('backpropagates through Wᵀ: a linear net has δ[L] = g and δ[L−1] = W[L]ᵀ g', () => {
    const config = validateInitConfig({
      activation: 'linear',
      width: 4,
      inputWidth: 3,
      batch: 2,
      inits: 1,
      depth: 2,
      seed: 5,
    });
    const pass = initPass(config, 0);
    for (let b = 0; b < 2; b++) {
      for (let j = 0; j < 4; j++) {
        let expected = 0;
        for (let i = 0; i < 4; i++) {
          const g = readoutValue(5, 2, 0, b, i, 4);
          expect(pass.delta[2][b * 4 + i]).toBe(g);
          expected += initWeight(5, config.scheme, 1, 2, 0, i, j, 4, 4) * g;
        }
        expect(pass.delta[1][b * 4 + j]).toBeCloseTo(expected, 14);
      }
    }
  });

  it('runs depth 10, width 64, batch 8, inits 16 and honours an abort', () => {
    const config = validateInitConfig({ width: 64, batch: 8, inits: 16, depth: 10 });
    const result = initStats(config);
    expect(result.layers).toHaveLength(10);
    expect(result.layers[0].z.count).toBe(16 * 8 * 64);
    const controller = new AbortController();
    controller.abort();
    expect(() => initStats(config, { signal: controller.signal })).toThrow();
  });

  it('uses histogram ranges from the theory of the config', () => {
    const result = initStats(tiny);
    const theory = meanFieldTheory(tiny);
    const edges = result.layers[1].z.histogram.edges;
    expect(edges).toHaveLength(tiny.bins + 1);
    expect(edges[tiny.bins]).toBeCloseTo(4 * Math.sqrt(theory[1].zMeanSquare), 14);
  });
});
