// The page's CPU backend (no WebGPU): each view's CPU engine gives the numbers of the CPU twin it runs in
// pieces (here inline: Node has no Worker, the fallback WorkerJobs takes), with progress and aborts between
// pieces; the tables' defaults and notes for the CPU backend; the command line with --cpu.
import { describe, expect, it } from 'vitest';
import { gridArgmin, gridLoss, gridPenalty } from '../../src/core/gridLoss';
import { INIT_PARAMS, validateInitConfig } from '../../src/core/initConfig';
import { initChunkAccumulators, initStats, initStatsAccumulators } from '../../src/core/initStats';
import { meanFieldTheory } from '../../src/core/meanField';
import { tableForAdapter } from '../../src/core/params';
import {
  REGULARIZATION_PARAMS,
  regularizationDataOptions,
  regularizationWindow,
  validateRegularizationConfig,
} from '../../src/core/regularizationConfig';
import { generateRegularizationData } from '../../src/core/regularizationModels';
import { addChunk, createLayerAccumulators, summarize, summarizeFirst } from '../../src/core/stats';
import { fitTrainConfig, TRAIN_PARAMS } from '../../src/core/trainConfig';
import { CpuTrainingEngine, runTraining } from '../../src/core/trainingEngine';
import { CpuInitEngine, cpuInitsPerChunk } from '../../src/ui/initEngines';
import { defaultInitConfig, initCommand } from '../../src/ui/initUrl';
import { backendCommand, shrunkSizes } from '../../src/ui/kit/frame';
import { CpuRegularizationEngine } from '../../src/ui/regularizationEngines';
import { nextStepsPerJob, WorkerTrainingEngine } from '../../src/ui/trainingEngines';
import { testSeed } from '../helpers/seed';

const seed = testSeed();

describe(`init chunks (seed ${seed}, replay with SEED=${seed})`, () => {
  const config = validateInitConfig({ depth: 4, width: 24, batch: 4, inits: 11, seed, bins: 16 });
  const theory = meanFieldTheory(config);

  it('chunks put together with addChunk are the whole run: the same bins, per-init values and symmetry', () => {
    const whole = initStatsAccumulators(config, {}, theory);
    const layers = Array.from({ length: config.depth }, () => createLayerAccumulators(config.bins, config.inits));
    for (const [first, count] of [
      [0, 4],
      [4, 4],
      [8, 3],
    ]) {
      addChunk(layers, initChunkAccumulators(config, theory, first, count), first);
    }
    layers.forEach((layer, index) => {
      const reference = whole[index];
      for (const quantity of ['z', 'a', 'delta'] as const) {
        const got = layer[quantity];
        const want = reference[quantity];
        expect(Array.from(got.histogram)).toEqual(Array.from(want.histogram));
        expect(Array.from(got.initSum)).toEqual(Array.from(want.initSum));
        expect(Array.from(got.initCount)).toEqual(Array.from(want.initCount));
        expect([got.count, got.nan, got.underflow, got.overflow]).toEqual([
          want.count,
          want.nan,
          want.underflow,
          want.overflow,
        ]);
        expect(got.sumSquares).toBeCloseTo(want.sumSquares, 9);
      }
      expect(Array.from(layer.dWNormSquared)).toEqual(Array.from(reference.dWNormSquared));
      expect(layer.symmetry).toBe(reference.symmetry);
    });
  });

  it('summarizeFirst over all inits is summarize; over the first few, a run of that many', () => {
    const whole = initStatsAccumulators(config, {}, theory);
    expect(summarizeFirst(config, theory, whole, config.inits)).toEqual(summarize(config, theory, whole));
    const layers = Array.from({ length: config.depth }, () => createLayerAccumulators(config.bins, config.inits));
    addChunk(layers, initChunkAccumulators(config, theory, 0, 5), 0);
    const partial = summarizeFirst(config, theory, layers, 5);
    const fewer = initStats({ ...config, inits: 5 });
    expect(partial.config.inits).toBe(5);
    expect(partial.layers[0].a.histogram.counts).toEqual(fewer.layers[0].a.histogram.counts);
    expect(partial.layers[0].dW.normQuantiles).toEqual(fewer.layers[0].dW.normQuantiles);
  });

  it('CpuInitEngine gives the CPU twin’s numbers in chunks, with progress after each', async () => {
    const engine = new CpuInitEngine();
    const progress: number[] = [];
    const run = await engine.run(config, {
      initsPerChunk: 3,
      onProgress: ({ done, partial }) => {
        progress.push(done);
        expect(partial().config.inits).toBe(done);
      },
    });
    expect(progress).toEqual([3, 6, 9, 11]);
    expect(run.initsPerChunk).toBe(3);
    const reference = initStats(config);
    run.result.layers.forEach((layer, index) => {
      const want = reference.layers[index];
      expect(layer.a.histogram.counts).toEqual(want.a.histogram.counts);
      expect(layer.delta.meanSquare).toBeCloseTo(want.delta.meanSquare ?? NaN, 12);
      expect(layer.symmetry).toBe(want.symmetry);
    });
    engine.destroy();
  });

  it('an abort stops CpuInitEngine between chunks with an AbortError', async () => {
    const engine = new CpuInitEngine();
    const controller = new AbortController();
    const run = engine.run(config, {
      initsPerChunk: 2,
      signal: controller.signal,
      onProgress: ({ done }) => {
        if (done === 4) controller.abort();
      },
    });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    engine.destroy();
  });

  it('chunks of the default run take ~0.1 s of work each (at least one init, at most all)', () => {
    const defaults = defaultInitConfig('cpu');
    expect(cpuInitsPerChunk(defaults)).toBeGreaterThan(1);
    expect(cpuInitsPerChunk(defaults)).toBeLessThan(defaults.inits);
    expect(cpuInitsPerChunk({ ...defaults, width: 4096, inputWidth: 4096 })).toBe(1);
    expect(cpuInitsPerChunk({ ...defaults, width: 2, inputWidth: 2, inits: 5 })).toBe(5);
  });
});

describe('CpuRegularizationEngine', () => {
  it('gives the CPU twins’ grids and minima, and a λ move reruns only the penalty passes', async () => {
    const config = validateRegularizationConfig({ model: 'linear', grid: 64, points: 40, penalty: 'l1' });
    const engine = new CpuRegularizationEngine();
    const first = await engine.evaluate(config, { extraPenalties: ['l1', 'l2'], refine: false });
    const window = regularizationWindow(config);
    const data = generateRegularizationData(config.model, regularizationDataOptions(config));
    const J = gridLoss(config.model, data, window, 64);
    expect(first.dispatchedGridLoss).toBe(true);
    expect(Array.from(first.dataLoss)).toEqual(Array.from(Float32Array.from(J)));
    expect(first.surfaces.map((surface) => surface.penalty)).toEqual(['l1', 'l2']);
    expect(first.minima.J.grid).toEqual(gridArgmin(J, window, 64));
    const l2 = gridPenalty(J, window, 64, 'l2', config.lambda, config.mix);
    expect(first.surfaces[1].minimum.grid).toEqual(gridArgmin(l2, window, 64));
    expect(first.minima.penalized).toBe(first.surfaces[0].minimum);
    expect(first.minima.J.refined).toBeNull();

    const moved = await engine.evaluate({ ...config, lambda: 2 }, { extraPenalties: ['l1', 'l2'], refine: false });
    expect(moved.dispatchedGridLoss).toBe(false);
    expect(moved.data).toBe(first.data);
    const l1 = gridPenalty(J, window, 64, 'l1', 2, config.mix);
    expect(Array.from(moved.penalized)).toEqual(Array.from(Float32Array.from(l1)));
    engine.destroy();
  });

  it('refuses to start for an aborted signal', async () => {
    const engine = new CpuRegularizationEngine();
    const signal = AbortSignal.abort();
    const run = engine.evaluate(validateRegularizationConfig({ grid: 64 }), { refine: false, signal });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    engine.destroy();
  });
});

describe('WorkerTrainingEngine', () => {
  it('trains like the CPU twin: the same checkpoints, boundaries and parameters (as f32)', async () => {
    const { config } = fitTrainConfig({ dataset: 'xor', copies: 4, points: 40, steps: 30, every: 10, seed: 3 });
    const engine = new WorkerTrainingEngine();
    const twin = new CpuTrainingEngine();
    const got = await runTraining(engine, config);
    const want = await runTraining(twin, config);
    expect(got).toEqual(want);
    expect(engine.stepCount).toBe(30);
    expect(Array.from(await engine.readParams())).toEqual(Array.from(Float32Array.from(await twin.readParams())));
    const grid = await engine.decisionGrid(1, 8);
    expect(Array.from(grid)).toEqual(Array.from(Float32Array.from(await twin.decisionGrid(1, 8))));
    engine.destroy();
  });

  it('an aborted signal stops the steps with an AbortError; the steps taken stay', async () => {
    const { config } = fitTrainConfig({ copies: 2, points: 16, steps: 10 });
    const engine = new WorkerTrainingEngine();
    await engine.reset(config);
    await engine.step(3);
    await expect(engine.step(5, { signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
    expect(engine.stepCount).toBe(3);
    engine.destroy();
  });

  it('sizes step jobs to ~100 ms', () => {
    expect(nextStepsPerJob(1, 5)).toBe(20);
    expect(nextStepsPerJob(20, 400)).toBe(5);
    expect(nextStepsPerJob(3, 10_000)).toBe(1);
    expect(nextStepsPerJob(500, 1)).toBe(1000);
  });
});

describe('defaults, notes and the command line of the CPU backend', () => {
  it('the CPU table takes cpuDefault, else softwareDefault, else the command line’s default', () => {
    const copies = (backend: 'gpu' | 'software' | 'cpu') =>
      tableForAdapter(TRAIN_PARAMS, backend).find((spec) => spec.key === 'copies')?.default;
    expect([copies('gpu'), copies('software'), copies('cpu')]).toEqual([256, 64, 16]);
    const grid = tableForAdapter(REGULARIZATION_PARAMS, 'cpu').find((spec) => spec.key === 'grid')?.default;
    expect(grid).toBe(128);
    expect(defaultInitConfig('cpu')).toEqual(defaultInitConfig('software'));
  });

  it('the adapter note names the sizes the CPU backend shrinks', () => {
    expect(shrunkSizes(INIT_PARAMS, 'cpu')).toBe('width n 64 (GPU 1024), initializations K 64 (GPU 1024)');
    expect(shrunkSizes(TRAIN_PARAMS, 'cpu')).toBe(
      'points N 200 (GPU 256), steps 300 (GPU 500), checkpoint every T 20 (GPU 50), copies K 16 (GPU 256)',
    );
  });

  it('"copy as command" adds --cpu on the CPU backend only', () => {
    const line = initCommand(defaultInitConfig('cpu'));
    expect(backendCommand(line, 'cpu')).toBe(`${line} --cpu`);
    expect(backendCommand(line, 'software')).toBe(line);
    expect(backendCommand(line, 'gpu')).toBe(line);
  });
});
