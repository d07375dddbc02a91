// shaders/rngWords.wgsl (composed with shaders/common/rng.wgsl) against src/core/rng.ts.
import { describe, expect, it } from 'vitest';
import { compareRngWords, parityVerdict, RNG_PARITY } from '../../src/core/parity';
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
    // The self-check's comparison and tolerance (src/core/parity.ts: RNG_NORMAL_TOLERANCE says why 1e-6).
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
