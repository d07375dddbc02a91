// GPU time per kernel (src/gpu/kernelTimer.ts), as the benchmark uses it: every kernel of the
// engine is stamped, the times are real, and timing a run does not change its numbers.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { validateInitConfig } from '../../src/core/initConfig';
import { type GpuContext, requestGpu, withErrorScopes } from '../../src/gpu/device';
import { InitStatsEngine } from '../../src/gpu/initStats';
import { canTimeKernels, KernelTimer } from '../../src/gpu/kernelTimer';
import { nodeGpu } from '../../src/gpu/nodeGpu';
import { seedLabel, testSeed } from '../helpers/seed';

const seed = testSeed();
const config = validateInitConfig({
  activation: 'tanh',
  scheme: 'xavier-normal',
  depth: 3,
  width: 40,
  batch: 8,
  inits: 5,
  seed,
  bins: 16,
});

describe(`kernel timer (${seedLabel(seed)})`, () => {
  let timed: GpuContext;
  let plain: GpuContext;
  beforeAll(async () => {
    // SwiftShader and the hardware adapters we target have timestamp queries: a missing feature fails here.
    timed = await requestGpu(await nodeGpu(), { label: 'timed test device', optionalFeatures: ['timestamp-query'] });
    plain = await requestGpu(await nodeGpu(), { label: 'untimed test device' });
  });
  afterAll(() => {
    timed?.device.destroy();
    plain?.device.destroy();
  });

  it('stamps every kernel of an engine run without changing its numbers', async () => {
    expect(canTimeKernels(timed.device)).toBe(true);
    const engine = await InitStatsEngine.create(timed.device, { compileDefaults: false });
    const untimedRun = await withErrorScopes(timed.device, () => engine.run(config));
    const timedRun = await withErrorScopes(timed.device, () => engine.run(config, { timeKernels: true }));
    expect(untimedRun.kernelMs).toBeUndefined();
    const kernelMs = timedRun.kernelMs ?? {};
    expect(Object.keys(kernelMs).sort()).toEqual([
      'dWNorm',
      'initWeights',
      'layerBackward',
      'layerForward',
      'layerStats',
      'readoutDelta',
    ]);
    for (const [name, ms] of Object.entries(kernelMs)) {
      expect(ms, name).toBeGreaterThanOrEqual(0);
      expect(ms, name).toBeLessThan(timedRun.timeMs);
    }
    // The heavy kernels take measurable time (nanosecond stamps, SwiftShader runs them in ms).
    expect(kernelMs.layerForward).toBeGreaterThan(0);
    expect(kernelMs.initWeights).toBeGreaterThan(0);
    expect(JSON.stringify(timedRun.accumulators)).toBe(JSON.stringify(untimedRun.accumulators));
    engine.destroy();
  });

  it('reads kernels shorter than 65 µs (Dawn timestamp quantization is off in Node)', async () => {
    const engine = await InitStatsEngine.create(timed.device, { compileDefaults: false });
    const tiny = validateInitConfig({ ...config, depth: 2, width: 4, batch: 1, inits: 1 });
    const kernelMs =
      (await withErrorScopes(timed.device, () => engine.run(tiny, { timeKernels: true }))).kernelMs ?? {};
    engine.destroy();
    expect(Object.keys(kernelMs).length).toBe(6);
    // readoutDelta on one row takes ~30 µs here: quantized, it read 0 (or 65.536 µs).
    for (const [name, ms] of Object.entries(kernelMs)) expect(ms, name).toBeGreaterThan(0);
    // Quantized stamps are multiples of 2^16 ns, and so is every sum of their differences.
    const quantum = 2 ** 16;
    const unquantized = Object.values(kernelMs).filter((ms) => Math.round(ms * 1e6) % quantum !== 0);
    expect(unquantized.length).toBeGreaterThan(0);
  });

  it('uses one query set per timed run, a second only past 2,048 passes between collects', async () => {
    const { device } = timed;
    const createQuerySet = vi.spyOn(device, 'createQuerySet');
    const timer = new KernelTimer(device);
    const stampPasses = async (count: number) => {
      const encoder = device.createCommandEncoder({ label: 'timed empty passes' });
      for (let i = 0; i < count; i++) timer.beginPass(encoder, i % 2 === 0 ? 'even' : 'odd', `pass ${i}`).end();
      device.queue.submit([encoder.finish()]);
      await timer.collect();
    };
    await withErrorScopes(device, () => stampPasses(10));
    expect(createQuerySet).toHaveBeenCalledTimes(1);
    await withErrorScopes(device, () => stampPasses(2_500));
    expect(createQuerySet).toHaveBeenCalledTimes(2);
    await withErrorScopes(device, () => stampPasses(10)); // the sets are reused
    expect(createQuerySet).toHaveBeenCalledTimes(2);
    for (const name of ['even', 'odd']) {
      expect(Number.isFinite(timer.totals[name]), name).toBe(true);
      expect(timer.totals[name], name).toBeGreaterThanOrEqual(0);
    }
    timer.destroy();
    createQuerySet.mockRestore();
  });

  it('says what is missing on a device without timestamp queries', async () => {
    expect(canTimeKernels(plain.device)).toBe(false);
    const engine = await InitStatsEngine.create(plain.device, { compileDefaults: false });
    await expect(engine.run(config, { timeKernels: true })).rejects.toThrow(/timestamp-query/);
    engine.destroy();
  });
});
