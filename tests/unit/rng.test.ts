import { describe, expect, it } from 'vitest';
import { cosSinTurns, normalAt, rngWords, Stream, streamKey, threefry2x32, uniformFromWord } from '../../src/core/rng';
import { ksStatisticNormal, moments } from '../helpers/statistics';

describe('threefry2x32 (CPU)', () => {
  it('matches the Random123 known-answer vectors', () => {
    expect(threefry2x32(0, 0, 0, 0)).toEqual([0x6b200159, 0x99ba4efe]);
    expect(threefry2x32(0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff)).toEqual([0x1cb996fc, 0xbb002be7]);
    expect(threefry2x32(0x13198a2e, 0x03707344, 0x243f6a88, 0x85a308d3)).toEqual([0xc4923a9c, 0x483df7a0]);
  });

  it('maps words strictly inside (0, 1), exactly representable in f32', () => {
    for (const word of [0, 1, 511, 512, 0x7fffffff, 0xfffffe00, 0xffffffff]) {
      const u = uniformFromWord(word);
      expect(u).toBeGreaterThan(0);
      expect(u).toBeLessThan(1);
      expect(Math.fround(u)).toBe(u);
    }
  });

  it('is (top 23 bits + 0.5) / 2^23 for every top-bit pattern, whatever the low 9 bits', () => {
    let mismatches = 0;
    for (let top = 0; top < 2 ** 23; top++) {
      const word = ((top << 9) | (Math.imul(top, 0x9e3779b1) >>> 23)) >>> 0;
      if (uniformFromWord(word) !== (top + 0.5) / 2 ** 23) mismatches++;
    }
    expect(mismatches).toBe(0);
  });

  it('gives a standard normal sample (200k draws; bounds are 5 standard errors)', () => {
    const count = 100_000;
    const { normals } = rngWords(7, streamKey(Stream.test, 0), 0, 0, count);
    const n = normals.length;
    const m = moments(normals);
    expect(Math.abs(m.mean)).toBeLessThan(5 / Math.sqrt(n));
    expect(Math.abs(m.variance - 1)).toBeLessThan(5 * Math.sqrt(2 / n));
    expect(Math.abs(m.skew)).toBeLessThan(5 * Math.sqrt(6 / n));
    // 1.95 / sqrt(n) is the 0.1% critical value of the KS statistic.
    expect(ksStatisticNormal(normals)).toBeLessThan(1.95 / Math.sqrt(n));
  });

  it('normalAt picks the cos branch for even elements and the sin branch for odd ones', () => {
    const { normals } = rngWords(3, streamKey(Stream.weights, 2), 5, 10, 1);
    expect(normalAt(3, Stream.weights, 2, 5, 20)).toBe(normals[0]);
    expect(normalAt(3, Stream.weights, 2, 5, 21)).toBe(normals[1]);
  });
});

describe('cosSinTurns', () => {
  it('matches Math.cos/sin of 2πu within 1e-8 over (0, 1)', () => {
    let worst = 0;
    for (let i = 0; i < 100_000; i++) {
      const u = (i + 0.5) / 100_000;
      const [c, s] = cosSinTurns(u);
      worst = Math.max(worst, Math.abs(c - Math.cos(2 * Math.PI * u)), Math.abs(s - Math.sin(2 * Math.PI * u)));
    }
    expect(worst).toBeLessThan(1e-8);
  });
});
