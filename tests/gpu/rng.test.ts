// shaders/rngWords.wgsl (composed with shaders/common/rng.wgsl) against src/core/rng.ts.
import { describe, expect, it } from 'vitest';
import {
  compareRngWords,
  parityVerdict,
  RNG_NORMAL_TOLERANCE,
  RNG_PARITY,
  worstNormalError,
} from '../../src/core/parity';
import { drawsOfWords, rngWords, Stream, streamKey } from '../../src/core/rng';
import { withErrorScopes } from '../../src/gpu/device';
import { RngWordsKernel } from '../../src/gpu/rngWords';
import { useTestGpu } from '../helpers/gpu';
import { seedLabel, testSeed } from '../helpers/seed';
import { correlation, ksStatisticNormal, moments } from '../helpers/statistics';

const COUNTERS = 1_000_000;
const seed = testSeed();
const gpu = useTestGpu();

/**
 * ε = 2^-24 is the relative error of one correctly rounded f32 operation (1 ULP of x is at most 2ε·|x|).
 * RNG_NORMAL_TOLERANCE (src/core/parity.ts) bounds |n_GPU − n_CPU| for a normal n = r·c (r = √(−2 ln u₁),
 * c the cos or sin of 2πu₂), in ε·r, from WGSL's accuracy table
 * (https://www.w3.org/TR/WGSL/#concrete-float-accuracy, gpuweb/gpuweb wgsl/index.bs): +, −, × correctly
 * rounded; x / y 2.5 ULP; inverseSqrt 2 ULP; sqrt "inherited from 1.0 / inverseSqrt(x)"; fusion only where
 * at least as accurate. The uniforms are exact (bit for bit, below); log_unit and cos_sin_turns use no other
 * built-in (the table gives log and cos only absolute bounds, 2^-21 and 2^-11, which is why they are not
 * used). The CPU twin is f64, exact at this scale.
 * - ln u (log_unit): m + 1 (1ε) and the quotient (2.5 ULP, 5ε) put 6ε on t; t² and the series (t² ≤ 0.03)
 *   add 1.2ε, the product 1ε: 8.2ε on ln m = 2·atanh t. For e ≠ 0, e·ln 2 carries 2ε (ln 2 in f32, the
 *   product) and the sum 1ε; |ln m| ≤ ln √2 ≤ |ln u|, worst at e = −1: 8.2 + 2·2 + 1 = 13.2ε.
 * - r: half of that through the root (6.6ε), inverseSqrt (2 ULP, 4ε), the division (2.5 ULP, 5ε): 15.6ε.
 * - c (cos_sin_turns; u₂·4, its floor and the fraction are exact): θ = f·π/2 carries 2ε·|θ| ≤ 1.6ε, which
 *   moves cos θ − sin θ by ≤ √2·1.6ε; the two series 3.8ε, the difference 1.4ε, the product by √½ and
 *   its rounding 2ε: |Δc| ≤ 7.2ε (absolute: c crosses 0, so no relative bound holds for it).
 * - n = r·c: |c|·15.6ε·r + r·7.2ε + 1ε·|n| ≤ 23.8ε·r.
 * Reassociation, which WGSL also permits, is not covered: it could reorder the series' sums.
 */

/** A fresh word (a multiplicative hash of the index and the seed). */
function hashWord(index: number): number {
  return Math.imul((index ^ seed) >>> 0, 0x9e3779b1) >>> 0;
}

/** 2^23 words, one per pattern of the top 23 bits (so one per uniform), with fresh low bits (which must not matter). */
function everyUniformWord(): Uint32Array<ArrayBuffer> {
  const words = new Uint32Array(2 ** 23);
  for (let top = 0; top < words.length; top++) words[top] = ((top << 9) | (hashWord(top) >>> 23)) >>> 0;
  return words;
}

/** The composed WGSL with `replacements` made, each found exactly once (else the test would test nothing). */
function rewriteOnce(replacements: readonly [string, string][], helpers: string): (code: string) => string {
  return (code) => {
    let rewritten = code;
    for (const [from, to] of replacements) {
      const found = rewritten.split(from).length - 1;
      if (found !== 1) throw new Error(`expected "${from}" once in the composed rng WGSL, found it ${found} times`);
      rewritten = rewritten.replace(from, to);
    }
    return `${rewritten}\n${helpers}`;
  };
}

// shaders/common/rng.wgsl's run-time divisions and square roots (its other divisions are of constants,
// folded at compile time), routed through gpu_divide and gpu_sqrt.
const DIVISION_AND_ROOT: [string, string][] = [
  ['(m - 1.0) / (m + 1.0)', 'gpu_divide(m - 1.0, m + 1.0)'],
  ['sqrt(-2.0 * log_unit(', 'gpu_sqrt(-2.0 * log_unit('],
];

// What a GPU may do instead of SwiftShader's correctly rounded x / y and sqrt (SSE divps, sqrtps): the
// reciprocal forms compilers use, and results moved to the edge of WGSL's bounds in either direction
// (2 ULP after a correctly rounded quotient: ≤ 2.5 ULP; 4 ULP after a correctly rounded root: inside
// the ≤ 9ε of 1.0 / inverseSqrt). Bit steps of a nonzero finite f32 move it away from or toward 0.
const GPU_FREEDOMS: { name: string; helpers: string }[] = [
  {
    name: 'division as x * (1 / y), sqrt as 1 / inverseSqrt(x)',
    helpers: `fn gpu_divide(x: f32, y: f32) -> f32 { return x * (1.0 / y); }
fn gpu_sqrt(x: f32) -> f32 { return 1.0 / inverseSqrt(x); }`,
  },
  ...[
    ['away from 0', '+'],
    ['toward 0', '-'],
  ].map(([direction, sign]) => ({
    name: `division 2 ULP and sqrt 4 ULP ${direction}`,
    helpers: `fn ulps_from(x: f32, steps: u32) -> f32 {
  return select(x, bitcast<f32>(bitcast<u32>(x) ${sign} steps), x != 0.0);
}
fn gpu_divide(x: f32, y: f32) -> f32 { return ulps_from(x / y, 2u); }
fn gpu_sqrt(x: f32) -> f32 { return ulps_from(sqrt(x), 4u); }`,
  })),
];

describe(`rng on the GPU (${seedLabel(seed)})`, () => {
  it(`gives the CPU words bit for bit over 10⁶ counters and normals within ${RNG_NORMAL_TOLERANCE}ε·r`, async () => {
    // The self-check's comparison and tolerance (src/core/parity.ts; the bound is derived above).
    const { device } = gpu();
    const kernel = await RngWordsKernel.create(device);
    const key1 = streamKey(Stream.weights, RNG_PARITY.layer);
    const { counter0, firstCounter1 } = RNG_PARITY;
    const onGpu = await withErrorScopes(device, () => kernel.run(seed, key1, counter0, firstCounter1, COUNTERS));
    const cpu = rngWords(seed, key1, counter0, firstCounter1, COUNTERS);
    expect(parityVerdict(compareRngWords(onGpu, cpu)).failures).toEqual([]);
  });

  it('gives the same words with native shifts (the hardware family) as with the exact-f32 rotations', async () => {
    const { device } = gpu();
    const native = await RngWordsKernel.create(device, { nativeShifts: true });
    const key1 = streamKey(Stream.weights, 5);
    const onGpu = await withErrorScopes(device, () => native.run(seed, key1, 3, 0xfffff000, 100_000));
    const cpu = rngWords(seed, key1, 3, 0xfffff000, 100_000);
    let mismatches = 0;
    for (let i = 0; i < cpu.words.length; i++) if (onGpu.words[i] !== cpu.words[i]) mismatches++;
    expect(mismatches).toBe(0);
  });

  it('gives every one of the 2^23 uniforms bit for bit and their normals within bound (outputs poisoned)', async () => {
    const { device } = gpu();
    const kernel = await RngWordsKernel.create(device);
    const words = everyUniformWord();
    const onGpu = await withErrorScopes(device, () => kernel.drawsOfWords(words));
    const cpu = drawsOfWords(words);
    let mismatches = 0;
    for (let i = 0; i < words.length; i++) if (onGpu.uniforms[i] !== cpu.uniforms[i]) mismatches++;
    expect(mismatches).toBe(0);
    const worst = worstNormalError(words, onGpu.normals, cpu.normals);
    expect(worst, 'worst error in ε·r').toBeLessThanOrEqual(RNG_NORMAL_TOLERANCE);
  });

  it.each(GPU_FREEDOMS)('keeps the normals within the tolerance with $name', async ({ helpers }) => {
    const { device } = gpu();
    const kernel = await RngWordsKernel.create(device, { rewrite: rewriteOnce(DIVISION_AND_ROOT, helpers) });
    // 2^20 values of u₁ spread over all of (0, 1) (the radius), each paired with a fresh angle word.
    const words = new Uint32Array(2 ** 21).map((_, i) =>
      i % 2 === 0 ? ((i << 11) | (hashWord(i) >>> 21)) >>> 0 : hashWord(i),
    );
    const onGpu = await withErrorScopes(device, () => kernel.drawsOfWords(words));
    const worst = worstNormalError(words, onGpu.normals, drawsOfWords(words).normals);
    expect(worst, 'worst error in ε·r').toBeLessThanOrEqual(RNG_NORMAL_TOLERANCE);
  });

  it('gives a standard normal sample over 2,000,000 GPU draws (bounds: 5 standard errors, KS at 0.1%)', async () => {
    const { device } = gpu();
    const kernel = await RngWordsKernel.create(device);
    const { normals } = await withErrorScopes(device, () =>
      kernel.run(seed, streamKey(Stream.test, 0), 0, 0, COUNTERS),
    );
    const n = normals.length;
    const m = moments(normals);
    expect(Math.abs(m.mean)).toBeLessThan(5 / Math.sqrt(n));
    expect(Math.abs(m.variance - 1)).toBeLessThan(5 * Math.sqrt(2 / n));
    expect(Math.abs(m.skew)).toBeLessThan(5 * Math.sqrt(6 / n));
    expect(Math.abs(m.kurtosis)).toBeLessThan(5 * Math.sqrt(24 / n));
    expect(ksStatisticNormal(normals)).toBeLessThan(1.95 / Math.sqrt(n));
  });

  it('gives uncorrelated streams for neighbouring counters (|r| < 5/√n)', async () => {
    const { device } = gpu();
    const kernel = await RngWordsKernel.create(device);
    const count = 250_000;
    const key1 = streamKey(Stream.inputs, 0);
    const [streamA, streamB] = await withErrorScopes(device, () =>
      Promise.all([kernel.run(seed, key1, 100, 0, count), kernel.run(seed, key1, 101, 0, count)]),
    );
    const bound = 5 / Math.sqrt(count);
    // Neighbouring init counters (k, k+1) at the same element.
    expect(Math.abs(correlation(streamA.normals, streamB.normals))).toBeLessThan(bound);
    // Neighbouring element counters within one stream (lag 1), and the two words of one call.
    const lagged = streamA.normals.subarray(2);
    expect(Math.abs(correlation(streamA.normals.subarray(0, lagged.length), lagged))).toBeLessThan(bound);
    const first = new Float64Array(count);
    const second = new Float64Array(count);
    for (let i = 0; i < count; i++) {
      first[i] = streamA.words[2 * i];
      second[i] = streamA.words[2 * i + 1];
    }
    expect(Math.abs(correlation(first, second))).toBeLessThan(bound);
  });
});
