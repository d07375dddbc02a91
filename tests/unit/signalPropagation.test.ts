import { describe, expect, it } from 'vitest';
import { type Activation, activate, activateDerivative } from '../../src/core/activations';
import { gaussHermite } from '../../src/core/gaussHermite';
import { derivativeMeanSquare } from '../../src/core/meanField';
import {
  chi1,
  chiC,
  correlationMap,
  correlationSequence,
  criticalLine,
  depthScale,
  fixedPointC,
  fixedPointQ,
  lengthAndDerivativeSequences,
  lengthMap,
  lengthSequence,
  stationaryTheory,
} from '../../src/core/signalPropagation';

describe('length map', () => {
  it('linear: q^l = Σ_{k<l} σ_w^{2k} σ_b² + σ_w^{2l} (tolerance 1e-12 relative: a few roundings)', () => {
    const [sw2, sb2] = [0.8, 0.3];
    const sequence = lengthSequence('linear', sw2, sb2, 20);
    sequence.forEach((q, index) => {
      const l = index + 1;
      const closed = sw2 ** l + (sb2 * (1 - sw2 ** l)) / (1 - sw2);
      expect(Math.abs(q / closed - 1)).toBeLessThan(1e-12);
    });
    expect(fixedPointQ('linear', sw2, sb2)).toEqual({ q: sb2 / (1 - sw2), converged: true });
    expect(fixedPointQ('linear', 1.5, 0.1)).toEqual({ q: Infinity, converged: false });
  });

  it('relu: lengthMap = σ_w² q/2 + σ_b² exactly, q* = σ_b²/(1 − σ_w²/2) (tolerance 1e-12)', () => {
    expect(lengthMap('relu', 1.5, 0.2, 3)).toBe(1.5 * 1.5 + 0.2);
    expect(Math.abs(fixedPointQ('relu', 1.5, 0.2).q - 0.2 / 0.25)).toBeLessThan(1e-12);
    expect(fixedPointQ('relu', 2, 0)).toEqual({ q: 2, converged: true });
  });

  it('tanh: q* is a fixed point of lengthMap (relative 1e-10; iterated to 1e-12)', () => {
    for (const [sw2, sb2] of [
      [0.5, 0.1],
      [1.5, 0.05],
      [4, 0.1],
    ]) {
      const { q, converged } = fixedPointQ('tanh', sw2, sb2);
      expect(converged).toBe(true);
      expect(Math.abs(lengthMap('tanh', sw2, sb2, q) / q - 1)).toBeLessThan(1e-10);
    }
    // Ordered with σ_b = 0: q* = 0 exactly; just above σ_w² = 1: q* ≈ (σ_w² − 1)/2 (series, 1e-3 relative).
    expect(fixedPointQ('tanh', 0.9, 0)).toEqual({ q: 0, converged: true });
    const nearCritical = fixedPointQ('tanh', 1 + 1e-4, 0);
    expect(nearCritical.converged).toBe(true);
    expect(Math.abs(nearCritical.q / (1e-4 / 2) - 1)).toBeLessThan(1e-3);
  });

  it('sigmoid: the fixed point exists and is positive (relative 1e-10)', () => {
    const { q, converged } = fixedPointQ('sigmoid', 2, 0.1);
    expect(converged).toBe(true);
    expect(q).toBeGreaterThan(0);
    expect(Math.abs(lengthMap('sigmoid', 2, 0.1, q) / q - 1)).toBeLessThan(1e-10);
  });
});

describe('χ₁ and the critical line', () => {
  it('linear: χ₁ = σ_w² exactly', () => {
    for (const sw2 of [0.3, 1, 2.5]) expect(chi1('linear', sw2, 0.2)).toBe(sw2);
  });

  it('relu: χ₁ = σ_w²/2, so the critical σ_w² is 2 at σ_b = 0 (bisection, tolerance 1e-9)', () => {
    for (const sw2 of [0.5, 1.9, 3]) expect(chi1('relu', sw2, 0.1)).toBe(sw2 / 2);
    const [point] = criticalLine('relu', 0, 0, 1);
    expect(Math.abs(point.sw2 - 2)).toBeLessThan(1e-9);
  });

  it('tanh: critical σ_w² = 1 at σ_b² = 0 (tolerance 1e-6); the line rises with σ_b²', () => {
    const line = criticalLine('tanh', 0, 0.5, 11);
    expect(line[0].sb2).toBe(0);
    expect(Math.abs(line[0].sw2 - 1)).toBeLessThan(1e-6);
    for (let k = 1; k < line.length; k++) {
      expect(Number.isFinite(line[k].sw2)).toBe(true);
      expect(line[k].sw2).toBeGreaterThan(line[k - 1].sw2);
    }
    // On the line χ₁ = 1 (tolerance 1e-8: bisection to 1e-12 in σ_w², χ₁ has slope ~1).
    for (const { sb2, sw2 } of line) expect(Math.abs(chi1('tanh', sw2, sb2) - 1)).toBeLessThan(1e-8);
  });

  it('returns NaN where no root is bracketed in [0.01, 100]', () => {
    // sigmoid: φ'(z) ≤ 1/4, so with a huge bias χ₁ stays < 1 even at σ_w² = 100.
    const [point] = criticalLine('sigmoid', 1e6, 1e6, 1);
    expect(Number.isNaN(point.sw2)).toBe(true);
  });
});

describe('correlation map', () => {
  it('linear: c′ = (σ_w² q c + σ_b²)/(σ_w² q + σ_b²) (tolerance 1e-15)', () => {
    const [sw2, sb2, q] = [0.7, 0.2, 1.3];
    for (const c of [-0.9, 0, 0.4, 0.99]) {
      expect(Math.abs(correlationMap('linear', sw2, sb2, q, c) - (sw2 * q * c + sb2) / (sw2 * q + sb2))).toBeLessThan(
        1e-15,
      );
    }
  });

  it('relu: the closed form agrees with a quadrature of the arc-cosine kernel (tolerance 1e-6)', async () => {
    // Independent quadrature of E[relu(u1)relu(u2)]: in polar coordinates (z1, z2) = r(cos θ, sin θ),
    // u1 = √q r cos θ, u2 = √q r cos(θ − α), cos α = c, so E = q E[r²] (1/2π) ∫ cos θ cos(θ − α) dθ over the
    // arc θ ∈ [α − π/2, π/2] where both are positive, E[r²] = 2. 20-point Gauss–Legendre on the arc (smooth
    // integrand, no kinks). A product Gauss–Hermite rule misses it by ~1e-2 at 201² points (the kink).
    const { gaussLegendre } = await import('../../src/core/gaussHermite');
    const { nodes, weights } = gaussLegendre(20);
    const [sw2, sb2, q] = [1.6, 0.3, 2];
    for (const c of [-0.8, -0.2, 0.3, 0.7, 0.95]) {
      const alpha = Math.acos(c);
      const [from, to] = [alpha - Math.PI / 2, Math.PI / 2];
      let arc = 0;
      for (let i = 0; i < nodes.length; i++) {
        const theta = 0.5 * (from + to) + 0.5 * (to - from) * nodes[i];
        arc += 0.5 * (to - from) * weights[i] * Math.cos(theta) * Math.cos(theta - alpha);
      }
      const cross = (q * 2 * arc) / (2 * Math.PI);
      const quadrature = (sw2 * cross + sb2) / ((sw2 * q) / 2 + sb2);
      expect(Math.abs(correlationMap('relu', sw2, sb2, q, c) - quadrature)).toBeLessThan(1e-6);
    }
  });

  it('tanh: product quadrature matches the linear limit at small q (tolerance 1e-6 ~ O(q))', () => {
    // At q = 1e-7, tanh(u) = u − u³/3: c′ − linear c′ = O(q) ≈ 1e-7.
    const q = 1e-7;
    for (const c of [-0.5, 0.2, 0.8]) {
      const linear = correlationMap('linear', 1, 1e-8, q, c);
      expect(Math.abs(correlationMap('tanh', 1, 1e-8, q, c) - linear)).toBeLessThan(1e-6);
    }
  });

  it('c = 1 is a fixed point of every map (exactly)', () => {
    for (const activation of ['tanh', 'sigmoid', 'relu', 'linear'] as const) {
      expect(correlationMap(activation, 1.7, 0.2, 0.9, 1)).toBe(1);
    }
    // the discretized tanh map: c just below 1 stays just below (never overshoots 1).
    expect(correlationMap('tanh', 4, 0.1, 1.5, 1 - 1e-9)).toBeLessThanOrEqual(1);
  });

  it('correlationSequence starts with the linear first layer (tolerance 1e-15)', () => {
    const [c1] = correlationSequence('tanh', 2, 0.1, 0.5, 1);
    expect(Math.abs(c1 - (2 * 0.5 + 0.1) / 2.1)).toBeLessThan(1e-15);
    const linear = correlationSequence('linear', 0.8, 0.3, 0.2, 10, { atFixedPoint: true });
    const q = 0.3 / 0.2;
    for (let l = 1; l < linear.length; l++) {
      expect(Math.abs(linear[l] - (0.8 * q * linear[l - 1] + 0.3) / (0.8 * q + 0.3))).toBeLessThan(1e-15);
    }
  });

  it('tanh: ordered (0.5, 0.1) has c* = 1; chaotic (4, 0.1) has c* < 0.99', () => {
    const ordered = fixedPointC('tanh', 0.5, 0.1);
    expect(ordered.converged).toBe(true);
    // stops at |Δc| ≤ 1e-12 with rate χ₁ ≈ 0.39, within 1e-11 of 1, which is snapped to 1 exactly.
    expect(ordered.c).toBe(1);
    const chaotic = fixedPointC('tanh', 4, 0.1);
    expect(chaotic.converged).toBe(true);
    expect(chaotic.c).toBeLessThan(0.99);
    // c* is a fixed point (tolerance 1e-11: iterated to 1e-12).
    const q = fixedPointQ('tanh', 4, 0.1).q;
    expect(Math.abs(correlationMap('tanh', 4, 0.1, q, chaotic.c) - chaotic.c)).toBeLessThan(1e-11);
    // depth 30 from c0 = 0.5: ordered → 1 (within 1e-6), chaotic stays below 0.99.
    expect(1 - correlationSequence('tanh', 0.5, 0.1, 0.5, 30)[29]).toBeLessThan(1e-6);
    expect(correlationSequence('tanh', 4, 0.1, 0.5, 30)[29]).toBeLessThan(0.99);
  });
});

describe('χ_c and the depth scale', () => {
  it('relu: χ_c = σ_w² (π − arccos c)/(2π); at c* = 1 χ_c = χ₁', () => {
    // tolerance 1e-15: roundings only.
    const closed = (1.5 * (Math.PI - Math.acos(0.3))) / (2 * Math.PI);
    expect(Math.abs(chiC('relu', 1.5, 0.1, 0.3) - closed)).toBeLessThan(1e-15);
    expect(chiC('relu', 1.5, 0.1)).toBe(chi1('relu', 1.5, 0.1));
  });

  it('tanh: χ_c at c* = 1 equals χ₁; chaotic χ_c < 1; ξ_c = −1/ln χ_c (tolerance 1e-12)', () => {
    expect(chiC('tanh', 0.5, 0.1)).toBe(chi1('tanh', 0.5, 0.1));
    // just below 1 the 61×61 rule is used instead of the 1-D one; they agree to 1e-8.
    expect(Math.abs(chiC('tanh', 0.5, 0.1, 1 - 1e-12) - chi1('tanh', 0.5, 0.1))).toBeLessThan(1e-8);
    expect(chiC('tanh', 0.5, 0.1, 1)).toBe(chi1('tanh', 0.5, 0.1));
    const chaotic = chiC('tanh', 4, 0.1);
    expect(chaotic).toBeLessThan(1);
    expect(Math.abs(depthScale('tanh', 4, 0.1) + 1 / Math.log(chaotic))).toBeLessThan(1e-12);
    expect(depthScale('linear', 1, 0)).toBe(Infinity);
  });

  it('tanh: ξ_c peaks near the critical line (σ_b² = 0.05)', () => {
    const [{ sw2 }] = criticalLine('tanh', 0.05, 0.05, 1);
    const near = depthScale('tanh', sw2 * 1.02, 0.05);
    expect(near).toBeGreaterThan(depthScale('tanh', sw2 * 2, 0.05));
    expect(near).toBeGreaterThan(depthScale('tanh', sw2 * 0.5, 0.05));
  });
});

describe('phase grid', () => {
  // A 16×16 grid across the window (the 64×64 the view will want took 13 s here: a benchmark's business).
  it('a 16×16 grid of χ₁ and c at depth 30 is finite everywhere (time printed, not asserted)', () => {
    const size = 16;
    const start = performance.now();
    let finite = 0;
    for (let i = 0; i < size; i++) {
      const sw2 = 0.5 + (3.5 * i) / (size - 1);
      for (let j = 0; j < size; j++) {
        const sb2 = (0.5 * j) / (size - 1);
        const chi = chi1('tanh', sw2, sb2);
        const c = correlationSequence('tanh', sw2, sb2, 0.5, 30)[29];
        if (Number.isFinite(chi) && Number.isFinite(c)) finite++;
      }
    }
    console.log(`16×16 tanh grid (χ₁, c at depth 30): ${(performance.now() - start).toFixed(0)} ms`);
    expect(finite).toBe(size * size);
  }, 300_000);
});

describe('the fast product rule and fixed points against the plain ones', () => {
  // The plain 61 × 61 product rule (every pair) and the plain iteration of c ↦ c' at q* from 0 to |Δc| ≤ 1e-12.
  const points = 61;
  function plainProduct(f: (z: number) => number, q: number, c: number) {
    const { nodes, weights } = gaussHermite(points);
    const [sd, s] = [Math.sqrt(q), Math.sqrt(1 - c * c)];
    let [cross, square] = [0, 0];
    for (let i = 0; i < points; i++) {
      let inner = 0;
      for (let j = 0; j < points; j++) inner += weights[j] * f(sd * (c * nodes[i] + s * nodes[j]));
      cross += weights[i] * f(sd * nodes[i]) * inner;
      square += weights[i] * f(sd * nodes[i]) ** 2;
    }
    return { cross, square };
  }
  function plainDepthScale(activation: Activation, sw2: number, sb2: number): number {
    const { q } = fixedPointQ(activation, sw2, sb2);
    const map = (c: number) => {
      const { cross, square } = plainProduct((z) => activate(activation, z), q, c);
      return Math.min(1, (sw2 * cross + sb2) / (sw2 * square + sb2));
    };
    let c = 0;
    for (let step = 0; step < 10000; step++) {
      const next = map(c);
      if (Math.abs(next - c) <= 1e-12) break;
      c = next;
    }
    const chi =
      1 - c < 1e-10
        ? chi1(activation, sw2, sb2)
        : sw2 * plainProduct((z) => activateDerivative(activation, z), q, c).cross;
    return -1 / Math.log(chi);
  }

  it('agree to 1e-11 on c^l and 1e-6 relative on ξ_c away from the critical line', () => {
    // c^l: the left-out pairs weigh 3.4e-13 in all and |φ| ≤ 1, so each map moves by less than ~1e-12,
    // and the map contracts. ξ_c: the plain iteration stops ~1e-12/(1 − χ_c) short of c*, which moves
    // χ_c by about that; 1e-6 holds for χ_c ≤ 0.99 (near the critical line the fast one is the closer).
    for (const [activation, sw2, sb2] of [
      ['tanh', 0.5, 0.1],
      ['tanh', 2, 0.1],
      ['tanh', 4, 0.3],
      ['sigmoid', 2, 0.1],
      ['sigmoid', 4, 0.3],
    ] as const) {
      const lengths = lengthSequence(activation, sw2, sb2, 30);
      const fast = correlationSequence(activation, sw2, sb2, 0.5, 30);
      let c = (sw2 * 0.5 + sb2) / (sw2 + sb2);
      for (let l = 1; l <= 30; l++) {
        if (l > 1) {
          const { cross, square } = plainProduct((z) => activate(activation, z), lengths[l - 2], c);
          c = Math.min(1, (sw2 * cross + sb2) / (sw2 * square + sb2));
        }
        expect(Math.abs(fast[l - 1] - c)).toBeLessThan(1e-11);
      }
      const plain = plainDepthScale(activation, sw2, sb2);
      expect(Math.abs(depthScale(activation, sw2, sb2) / plain - 1)).toBeLessThan(1e-6);
    }
  });
});

describe("the phase theory's shortcuts", () => {
  const settings = [
    [1, 0],
    [0.9, 0.05],
    [1.0, 0.02],
    [1.9, 0.3],
    [4, 0.5],
  ] as const;

  it('lengthAndDerivativeSequences is lengthSequence and derivativeMeanSquare at each q^l, bit for bit', () => {
    for (const activation of ['tanh', 'sigmoid', 'relu', 'linear'] as const) {
      for (const [sw2, sb2] of settings) {
        const { q, derivativeMeanSquare: derivative } = lengthAndDerivativeSequences(activation, sw2, sb2, 30);
        expect(q).toEqual(lengthSequence(activation, sw2, sb2, 30));
        expect(derivative).toEqual(q.map((length) => derivativeMeanSquare(activation, length)));
      }
    }
  });

  it('q* started from q^L is q* from q^1 (tolerance 1e-11 relative; χ₁ 1e-11 absolute)', () => {
    for (const activation of ['tanh', 'sigmoid'] as const) {
      for (const [sw2, sb2] of settings) {
        const q = lengthSequence(activation, sw2, sb2, 30);
        const fromEnd = stationaryTheory(activation, sw2, sb2, q[29]);
        const fromStart = stationaryTheory(activation, sw2, sb2);
        expect(Math.abs(fromEnd.q - fromStart.q)).toBeLessThanOrEqual(1e-11 * fromStart.q);
        expect(Math.abs(fromEnd.chi1 - fromStart.chi1)).toBeLessThan(1e-11);
        expect(fromEnd.c === 1).toBe(fromStart.c === 1);
      }
    }
  });
});
