// The Initialization explorer's run decisions: chunking (≥ 8 chunks for runs expected over ~2 s),
// partial summaries at most every 250 ms, the status texts, and the symmetry reading below the top.
import { describe, expect, it } from 'vitest';
import { validateInitConfig } from '../../src/core/initConfig';
import { initStats } from '../../src/core/initStats';
import {
  currentResult,
  doneText,
  initsPerChunk,
  MIN_CHUNKS,
  PARTIAL_INTERVAL_MS,
  PartialThrottle,
  progressText,
  startText,
  symmetryBelowTop,
} from '../../src/ui/initRun';

describe('chunking', () => {
  it('keeps the planned chunk for short or first runs, cuts long ones into at least 8 chunks', () => {
    expect(initsPerChunk(64, 64, undefined)).toBe(64);
    expect(initsPerChunk(64, 64, 1.9)).toBe(64);
    expect(initsPerChunk(64, 64, 2.5)).toBe(8);
    expect(Math.ceil(1000 / initsPerChunk(1000, 1000, 30))).toBeGreaterThanOrEqual(MIN_CHUNKS);
    expect(initsPerChunk(4, 1000, 30)).toBe(4); // never above what fits
    expect(initsPerChunk(64, 3, 30)).toBe(1);
  });

  it('lets a partial summary through at most every 250 ms', () => {
    const throttle = new PartialThrottle();
    expect(throttle.ready(0)).toBe(true);
    expect(throttle.ready(PARTIAL_INTERVAL_MS - 1)).toBe(false);
    expect(throttle.ready(PARTIAL_INTERVAL_MS)).toBe(true);
    expect(throttle.ready(PARTIAL_INTERVAL_MS + 10)).toBe(false);
  });
});

describe('status texts', () => {
  it('estimates, counts down and reports the finished run', () => {
    expect(startText(64, undefined)).toBe('running 0/64 initializations…');
    expect(startText(64, 3.21)).toBe('running 0/64 initializations (about 3.2 s)…');
    expect(progressText(16, 64, 1)).toBe('running 16/64 initializations · 1.0 s elapsed, ~3.0 s left…');
    expect(progressText(0, 64, 0.2)).toBe('running 0/64 initializations · 200 ms elapsed, ~… left…');
    const config = validateInitConfig({ depth: 10, width: 64, batch: 16, inits: 64 });
    expect(doneText(config, { timeMs: 500, flops: 2e8, initsPerChunk: 64 })).toBe(
      'K = 64 inits of a 10-layer, 64-wide net, batch 16: 500 ms · 0.4 GFLOP/s · 64 inits per chunk',
    );
  });

  it('reads the symmetry below the top layer (the read-out makes the top differ)', () => {
    const zeros = initStats(validateInitConfig({ depth: 4, width: 8, batch: 2, inits: 2, scheme: 'zeros' }));
    expect(symmetryBelowTop(zeros.layers)).toBe(0);
    const random = initStats(validateInitConfig({ depth: 4, width: 8, batch: 2, inits: 2 }));
    expect(symmetryBelowTop(random.layers)).toBeGreaterThan(0);
  });
});

describe('currentResult', () => {
  it('gives the result only when it is of the settings shown', () => {
    const config = validateInitConfig({ depth: 4, width: 8, inits: 2, batch: 2 });
    const result = { config: { ...config } };
    expect(currentResult({ config, result })).toBe(result);
    expect(currentResult({ config: { ...config, scale: 3 }, result })).toBeUndefined();
    expect(currentResult({ config, result: undefined })).toBeUndefined();
  });
});
