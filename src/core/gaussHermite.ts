// Quadrature rules for the mean-field theory curves.
// Probabilists' Gauss–Hermite: Σ_i w_i f(x_i) ≈ E_{u~N(0,1)}[f(u)], exact for polynomials of degree
// ≤ 2n − 1. Nodes by Newton's method on the orthonormal Hermite polynomials (no overflow up to
// n in the hundreds, unlike He_n itself), started from the asymptotic guesses of Numerical Recipes'
// gauher. Gauss–Legendre on [−1, 1] serves the composite rules (see meanField.ts).

export interface QuadratureRule {
  nodes: Float64Array;
  weights: Float64Array;
}

/**
 * Orthonormal probabilists' Hermite h_n and h_{n−1} at x:
 * h_0 = 1, h_{k+1} = (x h_k − √k h_{k−1}) / √(k+1); then h_n' = √n h_{n−1}.
 */
function hermitePair(n: number, x: number): [number, number] {
  let previous = 0;
  let current = 1;
  for (let k = 0; k < n; k++) {
    const next = (x * current - Math.sqrt(k) * previous) / Math.sqrt(k + 1);
    previous = current;
    current = next;
  }
  return [current, previous];
}

const hermiteCache = new Map<number, QuadratureRule>();

/** n-point probabilists' Gauss–Hermite rule; weights sum to 1 (an expectation under N(0, 1)). */
export function gaussHermite(n: number): QuadratureRule {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`Gauss–Hermite needs an integer n ≥ 1 (got ${n})`);
  const cached = hermiteCache.get(n);
  if (cached) return cached;
  const nodes = new Float64Array(n);
  const weights = new Float64Array(n);
  const half = Math.floor((n + 1) / 2);
  // Guesses are the physicists' roots t (x = √2 t), largest first.
  const roots: number[] = [];
  let t = 0;
  for (let i = 0; i < half; i++) {
    if (i === 0) t = Math.sqrt(2 * n + 1) - 1.85575 * (2 * n + 1) ** -0.16667;
    else if (i === 1) t -= (1.14 * n ** 0.426) / t;
    else if (i === 2) t = 1.86 * t - 0.86 * roots[0];
    else if (i === 3) t = 1.91 * t - 0.91 * roots[1];
    else t = 2 * t - roots[i - 2];
    let x = Math.SQRT2 * t;
    for (let iteration = 0; iteration < 100; iteration++) {
      const [hn, hn1] = hermitePair(n, x);
      const step = hn / (Math.sqrt(n) * hn1);
      x -= step;
      if (Math.abs(step) <= 1e-15 * (1 + Math.abs(x))) break;
    }
    if (n % 2 === 1 && i === half - 1) x = 0; // the middle root of an odd rule is exactly 0
    t = x / Math.SQRT2; // the next guesses start from the converged roots
    roots.push(t);
    const [, hn1] = hermitePair(n, x);
    // Christoffel number for orthonormal polynomials: 1 / (n h_{n−1}(x)²).
    const weight = 1 / (n * hn1 * hn1);
    nodes[i] = -x;
    nodes[n - 1 - i] = x;
    weights[i] = weight;
    weights[n - 1 - i] = weight;
  }
  const rule = { nodes, weights };
  hermiteCache.set(n, rule);
  return rule;
}

const legendreCache = new Map<number, QuadratureRule>();

/** n-point Gauss–Legendre rule on [−1, 1] (weights sum to 2), by Newton on P_n. */
export function gaussLegendre(n: number): QuadratureRule {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`Gauss–Legendre needs an integer n ≥ 1 (got ${n})`);
  const cached = legendreCache.get(n);
  if (cached) return cached;
  const nodes = new Float64Array(n);
  const weights = new Float64Array(n);
  for (let i = 0; i < Math.floor((n + 1) / 2); i++) {
    let x = Math.cos((Math.PI * (i + 0.75)) / (n + 0.5));
    let derivative = 1;
    for (let iteration = 0; iteration < 100; iteration++) {
      let previous = 0;
      let current = 1;
      for (let k = 0; k < n; k++) {
        const next = ((2 * k + 1) * x * current - k * previous) / (k + 1);
        previous = current;
        current = next;
      }
      derivative = (n * (x * current - previous)) / (x * x - 1);
      const step = current / derivative;
      x -= step;
      if (Math.abs(step) <= 1e-16) break;
    }
    const weight = 2 / ((1 - x * x) * derivative * derivative);
    nodes[i] = -x;
    nodes[n - 1 - i] = x;
    weights[i] = weight;
    weights[n - 1 - i] = weight;
  }
  const rule = { nodes, weights };
  legendreCache.set(n, rule);
  return rule;
}

/**
 * E_{u~N(0,1)}[f(√q u)] by n-point Gauss–Hermite. Accurate for integrands smooth on the scale of
 * √q (polynomials, tanh or sigmoid at moderate q); q = ∞ gives the limit (f(+∞) + f(−∞)) / 2.
 */
export function gaussianExpectation(f: (z: number) => number, q: number, n = 101): number {
  if (Number.isNaN(q)) return NaN;
  if (q < 0) throw new RangeError(`a second moment q must be ≥ 0 (got ${q})`);
  if (q === 0) return f(0);
  if (q === Infinity) return (f(Infinity) + f(-Infinity)) / 2;
  const { nodes, weights } = gaussHermite(n);
  const sd = Math.sqrt(q);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += weights[i] * f(sd * nodes[i]);
  return sum;
}

/**
 * E_{u~N(0,1)}[f(√q u)] for an f that varies on a scale of about 1 and is constant for
 * |z| ≥ saturation (clamped tanh: 15; sigmoid: 40, where it is 1 to 4e-18).
 * Gauss–Hermite alone is wrong for large q: f(√q u) then changes over 1/√q in u, far finer than the
 * node spacing (101 nodes miss E[tanh'²] by 7e-10 at q = 1 and by 0.07 at q = 100). So for q > ½
 * integrate in z = √q u instead:
 * 8-point Gauss–Legendre panels of width ½ on [−R, R], R = min(saturation, 12√q), which resolve both
 * f and the density, plus the constant tails f(±R)·P(±z > R) with P = ½ − ∫_0^R density. An `even` f
 * (f(−z) = f(z) bit for bit) is evaluated at z only, as 2 f(z): the same sum with half the evaluations.
 */
export function saturatingGaussianExpectation(
  f: (z: number) => number,
  q: number,
  saturation: number,
  even = false,
): number {
  if (!(q > 0.5) || q === Infinity) return gaussianExpectation(f, q);
  const sd = Math.sqrt(q);
  const reach = Math.min(saturation, 12 * sd);
  const panels = Math.ceil(reach / 0.5);
  const width = reach / panels;
  const { nodes, weights } = gaussLegendre(8);
  const normalizer = 1 / (sd * Math.sqrt(2 * Math.PI));
  let inside = 0;
  let halfMass = 0; // ∫_0^R density
  for (let panel = 0; panel < panels; panel++) {
    const center = (panel + 0.5) * width;
    for (let i = 0; i < nodes.length; i++) {
      const z = center + 0.5 * width * nodes[i];
      const density = 0.5 * width * weights[i] * normalizer * Math.exp(-(z * z) / (2 * q));
      inside += density * (even ? 2 * f(z) : f(z) + f(-z));
      halfMass += density;
    }
  }
  const tail = Math.max(0, 0.5 - halfMass);
  return inside + tail * (f(reach) + f(-reach));
}
