import { describe, expect, it } from 'vitest';
import { ACTIVATIONS, activate, activateDerivative, TANH_CLAMP } from '../../src/core/activations';

describe('activate and activateDerivative', () => {
  it('give the textbook values', () => {
    expect(activate('tanh', 0.5)).toBe(Math.tanh(0.5));
    expect(activate('sigmoid', 0)).toBe(0.5);
    expect(activate('sigmoid', 2)).toBeCloseTo(1 / (1 + Math.exp(-2)), 15);
    expect(activate('sigmoid', -2)).toBeCloseTo(1 / (1 + Math.exp(2)), 15);
    expect(activate('relu', -1.5)).toBe(0);
    expect(activate('relu', 2.5)).toBe(2.5);
    expect(activate('linear', -3.25)).toBe(-3.25);
    expect(activateDerivative('tanh', 0)).toBe(1);
    expect(activateDerivative('sigmoid', 0)).toBe(0.25);
    expect(activateDerivative('relu', 0)).toBe(0); // relu'(0) = 0: zero init gives zero relu gradients
  });

  it('derivatives match central finite differences (h = 1e-5, error O(h²) ≈ 1e-10, tolerance 1e-8)', () => {
    const h = 1e-5;
    for (const activation of ACTIVATIONS) {
      for (const z of [-4, -1.3, -0.2, 0.3, 1.5, 3.7]) {
        const numeric = (activate(activation, z + h) - activate(activation, z - h)) / (2 * h);
        expect(Math.abs(activateDerivative(activation, z) - numeric)).toBeLessThan(1e-8);
      }
    }
  });

  it('clamps the tanh argument to |z| ≤ 15, like the GPU', () => {
    expect(activate('tanh', 20)).toBe(Math.tanh(TANH_CLAMP));
    expect(activate('tanh', -1e300)).toBe(-Math.tanh(TANH_CLAMP));
    expect(activateDerivative('tanh', 1e300)).toBe(1 - Math.tanh(TANH_CLAMP) ** 2);
    expect(activate('tanh', 14.5)).toBe(Math.tanh(14.5)); // inside the clamp: untouched
  });

  it('computes the sigmoid derivative without cancellation at large |z|', () => {
    // Naive s(1 − s) is exactly 0 at z = 40 (s rounds to 1); the true value is e^{−40}(1 + O(e^{−40})).
    expect(activateDerivative('sigmoid', 40) / Math.exp(-40)).toBeCloseTo(1, 12);
    expect(activateDerivative('sigmoid', -40) / Math.exp(-40)).toBeCloseTo(1, 12);
    expect(activate('sigmoid', -800)).toBe(0);
    expect(activate('sigmoid', 800)).toBe(1);
  });

  it('propagates NaN through φ and φ′ of every activation', () => {
    for (const activation of ACTIVATIONS) {
      expect(activate(activation, NaN)).toBeNaN();
      expect(activateDerivative(activation, NaN)).toBeNaN();
    }
  });

  it('handles ±∞ sensibly', () => {
    expect(Math.abs(activate('tanh', Infinity) - 1)).toBeLessThan(1e-12);
    expect(Math.abs(activate('tanh', -Infinity) + 1)).toBeLessThan(1e-12);
    expect(activateDerivative('tanh', Infinity)).toBeLessThan(1e-12);
    expect(activate('sigmoid', Infinity)).toBe(1);
    expect(activate('sigmoid', -Infinity)).toBe(0);
    expect(activateDerivative('sigmoid', Infinity)).toBe(0);
    expect(activateDerivative('sigmoid', -Infinity)).toBe(0);
    expect(activate('relu', Infinity)).toBe(Infinity);
    expect(activate('relu', -Infinity)).toBe(0);
    expect(activateDerivative('relu', Infinity)).toBe(1);
    expect(activateDerivative('relu', -Infinity)).toBe(0);
    expect(activate('linear', -Infinity)).toBe(-Infinity);
    expect(activateDerivative('linear', Infinity)).toBe(1);
  });
});
