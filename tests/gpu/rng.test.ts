// shaders/rngWords.wgsl (composed with shaders/common/rng.wgsl) against src/core/rng.ts.
import { describe, expect, it } from 'vitest';
import { rngWords, Stream, streamKey } from '../../src/core/rng';
import { withErrorScopes } from '../../src/gpu/device';
import { RngWordsKernel } from '../../src/gpu/rngWords';
import { useTestGpu } from '../helpers/gpu';
import { seedLabel, testSeed } from '../helpers/seed';
import { correlation, ksStatisticNormal, moments } from '../helpers/statistics';

const COUNTERS = 1_000_000;
const seed = testSeed();
const gpu = useTestGpu();

describe(`rng on the GPU (${seedLabel(seed)})`, () => {
  it('gives the CPU words bit for bit over 1,000,000 counters and normals within 1e-6', async () => {
    const { device } = gpu();
    const kernel = await RngWordsKernel.create(device);
    const key1 = streamKey(Stream.weights, 3);
    const onGpu = await withErrorScopes(device, () => kernel.run(seed, key1, 17, 4_000_000_000, COUNTERS));
    const cpu = rngWords(seed, key1, 17, 4_000_000_000, COUNTERS);
    let wordMismatches = 0;
    for (let i = 0; i < cpu.words.length; i++) if (onGpu.words[i] !== cpu.words[i]) wordMismatches++;
    expect(wordMismatches).toBe(0);
    // The GPU runs Box–Muller in f32 through its own log_unit and cos_sin_turns (WGSL's built-ins
    // promise only 2^-11 / 2^-21 absolute); here it is f64. A few f32 ulps (6e-8 relative) of a
    // radius up to 5.8 stay under 1e-6.
    let worst = 0;
    for (let i = 0; i < cpu.normals.length; i++) worst = Math.max(worst, Math.abs(onGpu.normals[i] - cpu.normals[i]));
    expect(worst).toBeLessThan(1e-6);
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
