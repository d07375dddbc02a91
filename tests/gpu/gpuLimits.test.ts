// The three engines at the device's limits (src/gpu/gpuErrors.ts, src/gpu/submitBudget.ts):
// - an allocation over a limit (a device that pretends to allow more than it does, or to have less
//   memory than its limits say) stops the run with a message naming what did not fit and what does,
//   returns nothing, frees the run's buffers, and the engine still serves a small run afterwards;
// - a tiny submission budget cuts a run into many submissions with the very same numbers.
import { describe, expect, it, vi } from 'vitest';
import { validateInitConfig } from '../../src/core/initConfig';
import { validateRegularizationConfig } from '../../src/core/regularizationConfig';
import { validateTrainConfig } from '../../src/core/trainConfig';
import { runTraining } from '../../src/core/trainingEngine';
import { withErrorScopes } from '../../src/gpu/device';
import { GpuRunError } from '../../src/gpu/gpuErrors';
import { largestChunkBuffer } from '../../src/gpu/initPlan';
import { InitStatsEngine } from '../../src/gpu/initStats';
import { RegularizationEngine } from '../../src/gpu/regularization';
import { TrainingEngine } from '../../src/gpu/trainingEngine';
import { defined } from '../helpers/defined';
import { useTestGpu } from '../helpers/gpu';
import { pretendDevice } from '../helpers/pretendDevice';
import { seedLabel, testSeed } from '../helpers/seed';

const gpu = useTestGpu();
const seed = testSeed();
const GIB = 1024 ** 3;
const MIB = 1024 ** 2;

describe(`an allocation over a limit (${seedLabel(seed)})`, () => {
  it('init engine: a chunk over the real buffer limit fails with its size and the chunk that fits', async () => {
    // The planner sees 8 GiB per buffer and a 4 GiB budget: K = 20 inits of width 4096 in one chunk,
    // W[1] and W[2] 1.25 GiB each, over the software adapter's real 1 GiB.
    const pretend = pretendDevice(gpu().device, {
      limits: { maxStorageBufferBindingSize: 8 * GIB, maxBufferSize: 8 * GIB },
    });
    const engine = await InitStatsEngine.create(pretend.device, { memoryBudgetBytes: 4 * GIB, compileDefaults: false });
    // The software family keeps W in buffers (the hardware one draws it in place); the cap is the budget's.
    const big = validateInitConfig({
      width: 4096,
      depth: 2,
      batch: 4,
      inits: 20,
      seed,
      kernels: 'software',
      gpuMemory: 4096,
    });
    expect(engine.plan(big).initsPerChunk).toBe(20);
    const onProgress = vi.fn();
    const failed = engine.run(big, { onProgress });
    await expect(failed).rejects.toThrow(GpuRunError);
    const message = await failed.then(
      () => '',
      (error: Error) => error.message,
    );
    console.info(`[init] ${message}`);
    expect(message).toMatch(/^K = 20 inits \(depth 2, width 4096, batch 4\) need 2\.5 GiB of GPU buffers/);
    expect(message).toMatch(/the largest 1\.3 GiB; the GPU refused them \(validation error: .+\)\./);
    const fits = /Chunks of ≤ (\d+) inits \(.+, the largest (.+)\) fit in half of that; the engine plans them/.exec(
      message,
    );
    expect(onProgress).not.toHaveBeenCalled(); // no partial result of the failed run
    expect(pretend.live()).toEqual([]); // its buffers are freed
    // The next run plans what the message says: fewer inits, no buffer over half the refused one.
    const next = engine.plan(big);
    expect(next.initsPerChunk).toBe(Number(defined(fits, 'the chunk that fits')[1]));
    expect(next.initsPerChunk).toBeLessThan(20);
    expect(largestChunkBuffer(big, next)).toBeLessThanOrEqual(0.65 * GIB);
    const small = validateInitConfig({ width: 16, depth: 3, batch: 4, inits: 4, seed });
    const after = await withErrorScopes(gpu().device, () => engine.run(small));
    expect(after.result.layers).toHaveLength(3);
    expect(after.accumulators[0].a.count).toBe(4 * 4 * 16);
    engine.destroy();
  });

  it('regularization engine: a grid whose buffers the device cannot allocate fails with the G that fits', async () => {
    const pretend = pretendDevice(gpu().device, { maxBufferBytes: MIB });
    const engine = await RegularizationEngine.create(pretend.device);
    const config = validateRegularizationConfig({ model: 'linear', grid: 1024, points: 64, seed });
    const failed = engine.evaluate(config, { extraPenalties: ['l1', 'l2'] });
    await expect(failed).rejects.toThrow(GpuRunError);
    const message = await failed.then(
      () => '',
      (error: Error) => error.message,
    );
    console.info(`[regularization] ${message}`);
    expect(message).toMatch(/^grid G = 1024 with 2 surfaces and 64 points needs 24 MiB of GPU buffers/);
    expect(message).toMatch(/the largest 4\.0 MiB; the GPU refused them \(validation error: .+\): G ≤ 724 fits/);
    expect(pretend.refused).toBeGreaterThan(0);
    // Only the kernels' own uniforms stay; the grid's buffers and the points are freed.
    const liveBytes = pretend.live().reduce((sum, buffer) => sum + buffer.size, 0);
    expect(liveBytes).toBeLessThan(4096);
    const after = await withErrorScopes(gpu().device, () => engine.evaluate({ ...config, grid: 64 }));
    expect(after.G).toBe(64);
    expect(after.dataLoss).toHaveLength(64 * 64);
    expect(after.minima.J.grid).not.toBeNull();
    engine.destroy();
  });

  it('training engine: copies whose buffers the device cannot allocate fail with the K that fits', async () => {
    const pretend = pretendDevice(gpu().device, { maxBufferBytes: 64 * 1024 });
    const engine = await TrainingEngine.create(pretend.device);
    const config = validateTrainConfig({ hidden: '8,8', copies: 256, points: 128, steps: 4, every: 2, seed });
    const onCheckpoint = vi.fn();
    const failed = runTraining(engine, config, { onCheckpoint });
    await expect(failed).rejects.toThrow(GpuRunError);
    const message = await failed.then(
      () => '',
      (error: Error) => error.message,
    );
    console.info(`[train] ${message}`);
    expect(message).toMatch(/^K = 256 copies of 2-8-8-1 \(P = 105\) on 128 points need \d+ KiB of GPU buffers/);
    expect(message).toMatch(/the GPU refused them \(validation error: .+\): K ≤ \d+ fits in half of that\.$/);
    expect(onCheckpoint).not.toHaveBeenCalled();
    expect(engine.config).toBeUndefined(); // no run is left half made
    const liveBytes = pretend.live().reduce((sum, buffer) => sum + buffer.size, 0);
    expect(liveBytes).toBeLessThan(64 * 1024);
    const small = { ...config, copies: 4 };
    const checkpoints = await withErrorScopes(gpu().device, () => runTraining(engine, small));
    expect(checkpoints.map((checkpoint) => checkpoint.step)).toEqual([0, 2, 4]);
    expect(checkpoints[2].trainLoss.p50).toBeGreaterThan(0);
    engine.destroy();
  });
});

describe(`submissions under a time budget (${seedLabel(seed)})`, () => {
  it('init engine: a 0.01 ms budget runs one init per chunk, with the same numbers', async () => {
    const config = validateInitConfig({ width: 24, depth: 3, batch: 5, inits: 6, seed, bins: 32 });
    const wide = await InitStatsEngine.create(gpu().device, { compileDefaults: false });
    const tight = await InitStatsEngine.create(gpu().device, { compileDefaults: false, submitBudgetMs: 0.01 });
    const whole = await withErrorScopes(gpu().device, () => wide.run(config));
    const cut = await withErrorScopes(gpu().device, () => tight.run(config));
    expect(wide.plan(config).initsPerChunk).toBe(6);
    expect(whole.chunks).toBe(1);
    expect(cut.chunks).toBe(6);
    expect(cut.initsPerChunk).toBe(1);
    expect(cut.accumulators).toEqual(whole.accumulators);
    wide.destroy();
    tight.destroy();
  });

  it('init engine: one init over the budget, W in row blocks: a layer in several submissions', async () => {
    const config = validateInitConfig({ width: 512, depth: 3, batch: 4, inits: 2, seed, bins: 32 });
    // A 0.6 MiB budget holds one init and W[2], W[3] (1 MiB each) in two blocks of rows.
    const options = { compileDefaults: false, memoryBudgetBytes: 0.6 * MIB };
    const wide = await InitStatsEngine.create(gpu().device, options);
    const tight = await InitStatsEngine.create(gpu().device, { ...options, submitBudgetMs: 0.01 });
    const plan = wide.plan(config);
    expect(plan.cacheWeights).toBe(false);
    expect(plan.rowsPerBlock[2]).toBeLessThan(512);
    const whole = await withErrorScopes(gpu().device, () => wide.run(config));
    const cut = await withErrorScopes(gpu().device, () => tight.run(config));
    expect(cut.submissions).toBeGreaterThan(defined(whole.submissions, 'submissions'));
    expect(cut.accumulators).toEqual(whole.accumulators);
    wide.destroy();
    tight.destroy();
  });

  it('regularization engine: a big J goes in bands of rows with the same values as one submission', async () => {
    const config = validateRegularizationConfig({ model: 'tanh-net', grid: 256, points: 300, seed });
    const one = await RegularizationEngine.create(gpu().device, { submitBudgetMs: 1e9 });
    const banded = await RegularizationEngine.create(gpu().device, { submitBudgetMs: 0.01 });
    const reference = await withErrorScopes(gpu().device, () => one.evaluate(config, { refine: false }));
    // 256 rows × 256 cells × 300 points = 2^24 · 1.17 terms: two bands for a new engine, one once measured.
    expect(reference.submissions).toBe(2);
    const progress: number[] = [];
    const cut = await withErrorScopes(gpu().device, () =>
      banded.evaluate(config, { refine: false, onProgress: ({ rowsDone }) => progress.push(rowsDone) }),
    );
    expect(defined(cut.submissions, 'submissions')).toBeGreaterThan(2);
    expect(progress.at(-1)).toBe(256);
    expect(Array.from(cut.dataLoss)).toEqual(Array.from(reference.dataLoss));
    expect(Array.from(cut.penalized)).toEqual(Array.from(reference.penalized));
    expect((await withErrorScopes(gpu().device, () => one.evaluate({ ...config, seed: seed + 1 }))).submissions).toBe(
      1,
    );
    one.destroy();
    banded.destroy();
  });

  it('training engine: a 0.01 ms budget takes one step per submission, with the same parameters', async () => {
    const config = validateTrainConfig({ hidden: '6,5', copies: 8, points: 64, steps: 20, every: 20, seed });
    const wide = await TrainingEngine.create(gpu().device, { submitBudgetMs: 1e9 });
    const tight = await TrainingEngine.create(gpu().device, { submitBudgetMs: 0.01 });
    const paramsAfter = async (engine: TrainingEngine) => {
      await engine.reset(config);
      await engine.step(config.steps);
      return { params: await engine.readParams(), submissions: engine.stepSubmissions };
    };
    const batched = await withErrorScopes(gpu().device, () => paramsAfter(wide));
    const stepped = await withErrorScopes(gpu().device, () => paramsAfter(tight));
    expect(stepped.submissions).toBe(20);
    expect(batched.submissions).toBeLessThan(20);
    expect(Array.from(stepped.params)).toEqual(Array.from(batched.params));
    wide.destroy();
    tight.destroy();
  });
});
