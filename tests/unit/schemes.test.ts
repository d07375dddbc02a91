import { describe, expect, it } from 'vitest';
import { normalAt, Stream } from '../../src/core/rng';
import {
  fillWeights,
  initBias,
  initWeight,
  inputValue,
  isUniformScheme,
  readoutValue,
  SCHEMES,
  uniformBound,
  weightFactor,
  weightStd,
  weightVariance,
} from '../../src/core/schemes';

const nIn = 300;
const nOut = 200; // nIn ≠ nOut so fan-in, fan-average and He schemes all differ

describe('weightVariance', () => {
  it('follows the table in THEORY.md, with the scale multiplying the std', () => {
    const s = 2;
    expect(weightVariance('zeros', s, nIn, nOut)).toBe(0);
    expect(weightVariance('constant', s, nIn, nOut)).toBeCloseTo((s / nIn) ** 2, 18);
    expect(weightVariance('normal', s, nIn, nOut)).toBe(4);
    expect(weightVariance('uniform', s, nIn, nOut)).toBe(4);
    expect(weightVariance('xavier-normal', s, nIn, nOut)).toBeCloseTo(4 / nIn, 15);
    expect(weightVariance('xavier-uniform', s, nIn, nOut)).toBeCloseTo(4 / nIn, 15);
    expect(weightVariance('glorot-normal', s, nIn, nOut)).toBeCloseTo((4 * 2) / (nIn + nOut), 15);
    expect(weightVariance('glorot-uniform', s, nIn, nOut)).toBeCloseTo((4 * 2) / (nIn + nOut), 15);
    expect(weightVariance('he-normal', s, nIn, nOut)).toBeCloseTo((4 * 2) / nIn, 15);
    expect(weightVariance('he-uniform', s, nIn, nOut)).toBeCloseTo((4 * 2) / nIn, 15);
  });

  it('gives uniform bounds r with r²/3 = Var (xavier-uniform: √(3/n), he-uniform: √(6/n))', () => {
    expect(uniformBound('xavier-uniform', 1, nIn, nOut)).toBeCloseTo(Math.sqrt(3 / nIn), 15);
    expect(uniformBound('glorot-uniform', 1, nIn, nOut)).toBeCloseTo(Math.sqrt(6 / (nIn + nOut)), 15);
    expect(uniformBound('he-uniform', 1, nIn, nOut)).toBeCloseTo(Math.sqrt(6 / nIn), 15);
    expect(uniformBound('uniform', 0.5, nIn, nOut)).toBeCloseTo(0.5 * Math.sqrt(3), 15);
    expect(uniformBound('xavier-normal', 1, nIn, nOut)).toBe(0);
    expect(weightStd('constant', 1, nIn, nOut)).toBe(0);
    expect(weightFactor('constant', 3, nIn, nOut)).toBe(3 / nIn);
  });
});

describe('initWeight', () => {
  it('has the scheme variance (240k draws; bound 4 standard errors of the mean-square estimator)', () => {
    const scale = 1.7;
    for (const scheme of SCHEMES) {
      if (scheme === 'zeros' || scheme === 'constant') continue;
      const variance = weightVariance(scheme, scale, nIn, nOut);
      let sum = 0;
      let sumSquares = 0;
      let count = 0;
      let largest = 0;
      for (let k = 0; k < 4; k++) {
        for (let row = 0; row < nOut; row++) {
          for (let col = 0; col < nIn; col++) {
            const w = initWeight(9, scheme, scale, 3, k, row, col, nIn, nOut);
            sum += w;
            sumSquares += w * w;
            largest = Math.max(largest, Math.abs(w));
            count++;
          }
        }
      }
      // The mean is known to be 0, so E[w²] estimates Var; its standard error is √((E[w⁴] − Var²)/N),
      // with E[w⁴] = 3 Var² (normal) or 9/5 Var² (uniform).
      const fourth = isUniformScheme(scheme) ? 1.8 : 3;
      const standardError = variance * Math.sqrt((fourth - 1) / count);
      expect(Math.abs(sumSquares / count - variance), scheme).toBeLessThan(4 * standardError);
      expect(Math.abs(sum / count), scheme).toBeLessThan(4 * Math.sqrt(variance / count));
      if (isUniformScheme(scheme)) {
        const bound = uniformBound(scheme, scale, nIn, nOut);
        expect(largest, scheme).toBeLessThan(bound);
        expect(largest, scheme).toBeGreaterThan(0.999 * bound); // the whole interval is used
      }
    }
  });

  it('is exact for zeros and constant (c = s / nIn: every weight equal)', () => {
    for (const [row, col] of [
      [0, 0],
      [7, 11],
      [nOut - 1, nIn - 1],
    ]) {
      expect(initWeight(1, 'zeros', 3, 2, 5, row, col, nIn, nOut)).toBe(0);
      expect(initWeight(1, 'constant', 3, 2, 5, row, col, nIn, nOut)).toBe(3 / nIn);
    }
  });

  it('reads element row·nIn + col of the weights stream of (layer, k)', () => {
    const std = weightStd('he-normal', 1, 5, 7);
    expect(initWeight(4, 'he-normal', 1, 2, 3, 6, 4, 5, 7)).toBe(std * normalAt(4, Stream.weights, 2, 3, 6 * 5 + 4));
    expect(initWeight(4, 'he-normal', 1, 2, 3, 6, 4, 5, 7)).not.toBe(initWeight(4, 'he-normal', 1, 3, 3, 6, 4, 5, 7));
    expect(initWeight(4, 'he-normal', 1, 2, 3, 6, 4, 5, 7)).not.toBe(initWeight(4, 'he-normal', 1, 2, 4, 6, 4, 5, 7));
  });

  it('fillWeights is bit-identical to initWeight (odd element count, every scheme)', () => {
    const [rows, cols] = [5, 3];
    for (const scheme of SCHEMES) {
      const weights = fillWeights(2, scheme, 0.8, 4, 6, cols, rows);
      for (let row = 0; row < rows; row++) {
        for (let col = 0; col < cols; col++) {
          expect(weights[row * cols + col]).toBe(initWeight(2, scheme, 0.8, 4, 6, row, col, cols, rows));
        }
      }
    }
  });
});

describe('biases, inputs and read-out', () => {
  it('draw from their own streams with the documented layout', () => {
    expect(initBias(3, 0, 2, 1, 5)).toBe(0);
    expect(initBias(3, 0.5, 2, 1, 5)).toBe(0.5 * normalAt(3, Stream.biases, 2, 1, 5));
    expect(inputValue(3, 4, 2, 7, 10)).toBe(normalAt(3, Stream.inputs, 0, 4, 2 * 10 + 7));
    expect(readoutValue(3, 12, 4, 2, 7, 10)).toBe(normalAt(3, Stream.readout, 12, 4, 2 * 10 + 7));
    // Same counters, different streams: different numbers.
    expect(initBias(3, 1, 0, 4, 27)).not.toBe(inputValue(3, 4, 2, 7, 10));
  });
});
