import { describe, expect, it } from 'vitest';
import { activate, activateDerivative } from '../../src/core/activations';
import {
  gaussHermite,
  gaussianExpectation,
  gaussLegendre,
  saturatingGaussianExpectation,
} from '../../src/core/gaussHermite';

function doubleFactorial(m: number): number {
  let product = 1;
  for (let i = m; i > 1; i -= 2) product *= i;
  return product;
}

/** E_{u~N(0,1)}[f(√q u)] by the trapezoid rule, step 1e-4 on [−12, 12] (an independent reference). */
function trapezoid(f: (z: number) => number, q: number): number {
  const h = 1e-4;
  let sum = 0;
  for (let i = -120000; i <= 120000; i++) {
    const u = i * h;
    sum += f(Math.sqrt(q) * u) * Math.exp(-0.5 * u * u);
  }
  return (sum * h) / Math.sqrt(2 * Math.PI);
}

describe('gaussHermite (probabilists’)', () => {
  it('integrates the Gaussian moments exactly up to degree 2n − 1', () => {
    for (const n of [1, 2, 5, 20, 61, 101]) {
      const { nodes, weights } = gaussHermite(n);
      for (let degree = 0; degree <= Math.min(2 * n - 1, 40); degree++) {
        let moment = 0;
        for (let i = 0; i < n; i++) moment += weights[i] * nodes[i] ** degree;
        const exact = degree % 2 === 1 ? 0 : doubleFactorial(degree - 1); // E[u^{2m}] = (2m − 1)!!
        // Relative to the size of the terms summed (odd moments cancel ±x pairs): E[|u|^degree] ≤ (degree)!!.
        const size = doubleFactorial(degree + (degree % 2) - 1);
        expect(Math.abs(moment - exact), `n = ${n}, degree ${degree}`).toBeLessThan(1e-12 * size);
      }
    }
  });

  it('has Σw = 1, E[u²] = 1, E[u⁴] = 3 at 61 and 101 nodes, and fails beyond degree 2n − 1', () => {
    for (const n of [61, 101]) {
      const { nodes, weights } = gaussHermite(n);
      const moment = (p: number) => nodes.reduce((sum, x, i) => sum + weights[i] * x ** p, 0);
      expect(moment(0)).toBeCloseTo(1, 13);
      expect(moment(2)).toBeCloseTo(1, 13);
      expect(moment(4)).toBeCloseTo(3, 12);
    }
    const { nodes, weights } = gaussHermite(3);
    expect(nodes.reduce((sum, x, i) => sum + weights[i] * x ** 6, 0)).not.toBeCloseTo(15, 3);
  });

  it('gaussianExpectation of cos is the characteristic function e^{−q/2}', () => {
    for (const q of [0, 0.01, 0.5, 1, 4]) {
      expect(gaussianExpectation(Math.cos, q)).toBeCloseTo(Math.exp(-q / 2), 12);
    }
    expect(gaussianExpectation((z) => z * z, 7)).toBeCloseTo(7, 12);
    expect(gaussianExpectation(Math.tanh, Infinity)).toBe(0); // (tanh(∞) + tanh(−∞)) / 2
  });
});

describe('gaussLegendre', () => {
  it('integrates polynomials of degree ≤ 2n − 1 on [−1, 1] exactly', () => {
    const { nodes, weights } = gaussLegendre(8);
    for (let degree = 0; degree <= 15; degree++) {
      const integral = nodes.reduce((sum, x, i) => sum + weights[i] * x ** degree, 0);
      const exact = degree % 2 === 1 ? 0 : 2 / (degree + 1);
      expect(integral).toBeCloseTo(exact, 14);
    }
  });
});

describe('saturatingGaussianExpectation', () => {
  it('matches a fine trapezoid rule for tanh², tanh′², sigmoid², sigmoid′² from q = 0.1 to 10⁴ (1e-9)', () => {
    const integrands: [(z: number) => number, number][] = [
      [(z) => activate('tanh', z) ** 2, 15],
      [(z) => activateDerivative('tanh', z) ** 2, 15],
      [(z) => activate('sigmoid', z) ** 2, 40],
      [(z) => activateDerivative('sigmoid', z) ** 2, 40],
    ];
    for (const q of [0.1, 2, 50, 1e4]) {
      for (const [f, saturation] of integrands) {
        expect(Math.abs(saturatingGaussianExpectation(f, q, saturation) - trapezoid(f, q))).toBeLessThan(1e-9);
      }
    }
  });

  it('is where plain Gauss–Hermite fails: E[tanh′(√q u)²] at q = 100', () => {
    const f = (z: number) => activateDerivative('tanh', z) ** 2;
    const reference = trapezoid(f, 100);
    expect(Math.abs(gaussianExpectation(f, 100) - reference)).toBeGreaterThan(0.01);
    expect(Math.abs(saturatingGaussianExpectation(f, 100, 15) - reference)).toBeLessThan(1e-10);
  });
});
