import { describe, expect, it } from 'vitest';
import { DATASETS, shapePoint, splitCounts, trainingData } from '../../src/core/trainingData';

describe('trainingData', () => {
  it('is a pure function of the seed and differs between seeds', () => {
    const a = trainingData('moons', 100, 0.1, 0.5, 7);
    const b = trainingData('moons', 100, 0.1, 0.5, 7);
    const c = trainingData('moons', 100, 0.1, 0.5, 8);
    expect(Array.from(a.inputs)).toEqual(Array.from(b.inputs));
    expect(Array.from(a.inputs)).not.toEqual(Array.from(c.inputs));
  });

  it('splits N into train and test with at least one of each', () => {
    expect(splitCounts(256, 0.5)).toEqual({ trainCount: 128, testCount: 128 });
    expect(splitCounts(10, 0.1)).toEqual({ trainCount: 9, testCount: 1 });
    expect(splitCounts(4, 0.9)).toEqual({ trainCount: 1, testCount: 3 });
    expect(splitCounts(2000, 0.25)).toEqual({ trainCount: 1500, testCount: 500 });
    expect(() => splitCounts(1, 0.5)).toThrow(RangeError);
  });

  it.each(DATASETS)('%s: noise-free points lie in [−1, 1]², both classes present and balanced', (dataset) => {
    const N = 400;
    let ones = 0;
    for (let i = 0; i < N; i++) {
      const { x0, x1, label } = shapePoint(dataset, 3, i);
      ones += label;
      if (dataset !== 'gaussians') {
        expect(Math.abs(x0)).toBeLessThanOrEqual(1 + 1e-12);
        expect(Math.abs(x1)).toBeLessThanOrEqual(1 + 1e-12);
      }
      expect(label === 0 || label === 1).toBe(true);
    }
    expect(ones / N).toBeGreaterThan(0.4);
    expect(ones / N).toBeLessThan(0.6);
  });

  it('labels follow the shape (circle radius, XOR sign, Gaussian side)', () => {
    for (let i = 0; i < 200; i++) {
      const circle = shapePoint('circle', 5, i);
      expect(Math.hypot(circle.x0, circle.x1) < 0.6).toBe(circle.label === 1);
      const xor = shapePoint('xor', 5, i);
      expect(xor.x0 * xor.x1 > 0).toBe(xor.label === 1);
      expect(Math.min(Math.abs(xor.x0), Math.abs(xor.x1))).toBeGreaterThan(0.04);
    }
    // Gaussians: centres ±(0.5, 0.5) with std 0.2: the mean of each class is near its centre.
    const data = trainingData('gaussians', 2000, 0, 0.5, 9);
    const mean = [0, 0];
    for (let i = 0; i < 2000; i++) mean[data.labels[i]] += data.inputs[2 * i] / 1000;
    expect(mean[1]).toBeCloseTo(0.5, 1);
    expect(mean[0]).toBeCloseTo(-0.5, 1);
  });

  it('adds noise of the asked standard deviation', () => {
    const clean = trainingData('spiral', 2000, 0, 0.5, 11);
    const noisy = trainingData('spiral', 2000, 0.3, 0.5, 11);
    let sumSquares = 0;
    for (let e = 0; e < clean.inputs.length; e++) sumSquares += (noisy.inputs[e] - clean.inputs[e]) ** 2;
    const std = Math.sqrt(sumSquares / clean.inputs.length);
    // 4000 draws: the sample std is within ~5·0.3/√8000 of 0.3.
    expect(Math.abs(std - 0.3)).toBeLessThan(0.02);
  });
});
