// The comparisons the GPU tests and the self-check share (src/core/parity.ts), on CPU-twin numbers
// with known faults planted: a fault fails with its layer and quantity named, a match passes.
import { describe, expect, it } from 'vitest';
import { initStatsAccumulators } from '../../src/core/initStats';
import {
  check,
  compareGridLoss,
  compareInitLayers,
  compareRngWords,
  INIT_PARITY_CASES,
  initCaseName,
  initParityConfig,
  initParityTolerance,
  isHardwareSized,
  parityVerdict,
} from '../../src/core/parity';
import type { LayerAccumulators } from '../../src/core/stats';

const config = initParityConfig({ activation: 'tanh', scheme: 'xavier-normal' }, 7, 'software');
const twin = () => initStatsAccumulators(config);

function plant(layers: LayerAccumulators[], fault: (layers: LayerAccumulators[]) => void): LayerAccumulators[] {
  fault(layers);
  return layers;
}

describe('compareInitLayers', () => {
  it('passes the CPU twin against itself, every error 0', () => {
    const verdict = parityVerdict(compareInitLayers(config, twin(), twin()));
    expect(verdict).toMatchObject({ pass: true, maxError: 0, failures: [] });
  });

  it('names the layer and quantity of a sum of squares off by 2e-4 (tolerance 1e-4)', () => {
    const gpu = plant(twin(), (layers) => {
      layers[1].delta.sumSquares *= 1 + 2e-4;
    });
    const verdict = parityVerdict(compareInitLayers(config, gpu, twin()));
    expect(verdict.pass).toBe(false);
    expect(verdict.worst).toBe('layer 2 δ sum of squares');
    expect(verdict.maxError).toBeCloseTo(2e-4, 6);
    expect(verdict.tolerance).toBe(1e-4);
    expect(verdict.failures).toEqual([expect.stringMatching(/^layer 2 δ sum of squares: error 2\.00e-4 > tolerance/)]);
  });

  it('fails a count off by one, a NaN (the poison) and a missing layer', () => {
    const counted = plant(twin(), (layers) => {
      layers[0].z.nan += 1;
    });
    expect(parityVerdict(compareInitLayers(config, counted, twin())).failures).toEqual([
      'layer 1 z NaN count: error 1.00 > tolerance 0',
    ]);
    const poisoned = plant(twin(), (layers) => {
      layers[3].dWNormSquared[2] = Number.NaN;
    });
    expect(parityVerdict(compareInitLayers(config, poisoned, twin())).failures).toEqual([
      'layer 4 ‖dW‖² init 2: error Infinity > tolerance 1.00e-4',
    ]);
    expect(parityVerdict(compareInitLayers(config, twin().slice(1), twin())).worst).toBe('number of layers');
  });

  it('lets histogram counts move by 0.5% of the values (at least 2) and no more', () => {
    const moved = (count: number) =>
      plant(twin(), (layers) => {
        layers[0].a.histogram[3] -= count;
        layers[0].a.histogram[4] += count;
      });
    // 6 inits × 5 rows × 12 units = 360 values: 0.5% is 1.8, so the bound is 2 moved counts.
    expect(parityVerdict(compareInitLayers(config, moved(1), twin())).pass).toBe(true);
    expect(parityVerdict(compareInitLayers(config, moved(2), twin())).failures).toEqual([
      'layer 1 a histogram (values moved): error 4.00 > tolerance 2.00',
    ]);
  });

  it('gives ill-conditioned cases 1e-3 and constant init its bound against the terms', () => {
    expect(initParityTolerance(config)).toEqual({ squares: 1e-4, dWAgainstTerms: false });
    const saturating = initParityConfig({ activation: 'tanh', scale: 4 }, 1, 'hardware');
    expect(initParityTolerance(saturating).squares).toBe(1e-3);
    const constant = initParityConfig({ activation: 'relu', scheme: 'constant' }, 1, 'hardware');
    expect(initParityTolerance(constant)).toEqual({ squares: 1e-3, dWAgainstTerms: true });
    const checks = compareInitLayers(constant, initStatsAccumulators(constant), initStatsAccumulators(constant));
    expect(checks.some((c) => c.what.includes('against its terms'))).toBe(true);
  });
});

describe('the case table', () => {
  it('has a hardware-like case (width 1024) and names every case by what differs from the base', () => {
    const wide = INIT_PARITY_CASES.filter(isHardwareSized);
    expect(wide.map(initCaseName)).toEqual(['tanh xavier-normal width=1024 depth=2 batch=16 inits=2 biasStd=0.1']);
    expect(new Set(INIT_PARITY_CASES.map(initCaseName)).size).toBe(INIT_PARITY_CASES.length);
  });
});

describe('the other comparisons', () => {
  it('rng: one differing word fails; normals within 24 ε·r pass (f32 rounding), 1e-4 off fails', () => {
    const cpu = { words: Uint32Array.from([1, 2, 3, 4]), normals: Float64Array.from([0.5, -1, 2, 0]) };
    expect(parityVerdict(compareRngWords({ ...cpu, normals: Float32Array.from(cpu.normals) }, cpu)).pass).toBe(true);
    const word = parityVerdict(compareRngWords({ ...cpu, words: Uint32Array.from([1, 2, 3, 5]) }, cpu));
    expect(word.failures).toEqual(['words differing: error 1.00 > tolerance 0']);
    // Word 3 starts the second pair: u = 2^-24, r ≈ 5.8, so 24 ε·r ≈ 8e-6; 1e-4 is ~290 ε·r.
    const normal = parityVerdict(compareRngWords({ ...cpu, normals: Float64Array.from([0.5, -1, 2 + 1e-4, 0]) }, cpu));
    expect(normal.worst).toBe('normals (in ε·r)');
    expect(normal.pass).toBe(false);
  });

  it('gridLoss: relative to max(|J|, median |J|); a NaN cell fails', () => {
    const cpu = [1, 2, 3, 1000];
    expect(parityVerdict(compareGridLoss([1, 2, 3 + 3e-5, 1000], cpu)).pass).toBe(true); // 3e-5 of the median 3
    expect(parityVerdict(compareGridLoss([1, 2, 3 + 9e-5, 1000], cpu)).pass).toBe(false);
    expect(parityVerdict(compareGridLoss([1, Number.NaN, 3, 1000], cpu)).maxError).toBe(Infinity);
  });

  it('refuses to judge no checks at all', () => {
    expect(() => parityVerdict([])).toThrow(/no checks/);
    expect(parityVerdict([check('exact', 0, 0), check('close', 0.5, 1)]).worst).toBe('close');
  });
});
