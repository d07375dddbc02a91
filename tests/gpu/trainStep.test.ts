// The training kernels (shaders/trainInit, trainStep, trainMetrics, decisionGrid) against their CPU
// twins (src/core/train*.ts, decisionGrid.ts), and the learning checks on the GPU path.
import { describe, expect, it } from 'vitest';
import { decisionGrid } from '../../src/core/decisionGrid';
import { validateTrainConfig } from '../../src/core/trainConfig';
import { trainInit } from '../../src/core/trainInit';
import { trainingData } from '../../src/core/trainingData';
import { runTraining } from '../../src/core/trainingEngine';
import { trainLayout } from '../../src/core/trainLayout';
import { METRICS_PER_COPY, trainMetrics } from '../../src/core/trainMetrics';
import { band, metricColumn } from '../../src/core/trainStats';
import { trainStep } from '../../src/core/trainStep';
import { withErrorScopes } from '../../src/gpu/device';
import { TrainingEngine } from '../../src/gpu/trainingEngine';
import { useTestGpu } from '../helpers/gpu';
import { seedLabel, testSeed } from '../helpers/seed';

const seed = testSeed();
const gpu = useTestGpu();

type Kernels = 'unrolled' | 'tiled';
const engines = new Map<Kernels, Promise<TrainingEngine>>();
/** One engine per kernel family for the file (pipelines compile once), outputs poisoned. */
function engine(kernels: Kernels = 'unrolled'): Promise<TrainingEngine> {
  let created = engines.get(kernels);
  if (!created) {
    created = TrainingEngine.create(gpu().device, { poisonOutputs: true, kernels });
    engines.set(kernels, created);
  }
  return created;
}

function worstError(
  gpuValues: ArrayLike<number>,
  cpuValues: ArrayLike<number>,
  scale: (cpu: number) => number,
): number {
  expect(gpuValues.length).toBe(cpuValues.length);
  let worst = 0;
  for (let i = 0; i < cpuValues.length; i++) {
    const error = Math.abs(gpuValues[i] - cpuValues[i]) / scale(cpuValues[i]);
    worst = Math.max(worst, Number.isNaN(error) ? Infinity : error);
  }
  return worst;
}

describe(`training engine on the GPU (${seedLabel(seed)})`, () => {
  it("trainInit draws the CPU twin's parameters (normal, uniform, constant, bias std) to f32 accuracy", async () => {
    const { device } = gpu();
    const training = await engine();
    for (const [scheme, biasStd] of [
      ['xavier-normal', 0.3],
      ['he-uniform', 0],
      ['constant', 0.1],
      ['zeros', 0],
    ] as const) {
      const config = validateTrainConfig({ hidden: '5,3', scheme, scale: 1.7, biasStd, copies: 37, seed });
      await withErrorScopes(device, () => training.reset(config));
      const onGpu = await training.readParams();
      const onCpu = trainInit(trainLayout(config.hidden), scheme, 1.7, biasStd, seed, 37);
      // Box–Muller in f32 is within 24ε·r of the f64 normal on any conforming GPU (tests/gpu/rng.test.ts;
      // ε = 2^-24, r ≤ 5.8): 8.3e-6, times a factor ≤ 1.7 (xavier-normal: scale / √n_in; the bias std 0.3),
      // plus the rounding of the product (ε·|w| ≤ 6e-7): 1.5e-5.
      expect(worstError(onGpu, onCpu, () => 1)).toBeLessThan(1.5e-5);
    }
  });

  // Four shapes: K from 1 to 33, one and two tiles of the tiled kernel (64 training points each),
  // every activation and every update rule.
  const cases: Array<Record<string, unknown>> = [
    { copies: 1, hidden: '3', activation: 'tanh', penalty: 'none', points: 40, dataset: 'circle' },
    {
      copies: 3,
      hidden: '5,4',
      activation: 'relu',
      penalty: 'l2',
      lambda: 0.01,
      points: 150,
      dataset: 'moons',
      scheme: 'he-normal',
    },
    {
      copies: 33,
      hidden: '4,3,2',
      activation: 'sigmoid',
      penalty: 'l1',
      lambda: 0.01,
      points: 90,
      dataset: 'xor',
      biasStd: 0.1,
      alpha: 2,
    },
    {
      copies: 8,
      hidden: '6',
      activation: 'linear',
      penalty: 'l1',
      l1Update: 'subgradient',
      lambda: 0.02,
      points: 64,
      dataset: 'spiral',
      alpha: 0.3,
    },
  ];
  // A wide network (P = 2833) only the tiled kernels take (the unrolled ones stop at UNROLLED_MAX_PARAMS).
  const wide = {
    copies: 2,
    hidden: '64,40',
    activation: 'tanh',
    penalty: 'l2',
    lambda: 0.001,
    points: 140,
    dataset: 'moons',
    alpha: 0.2,
  };
  const kernelCases = [
    ...cases.map((raw) => ['unrolled', raw] as const),
    ...[...cases, wide].map((raw) => ['tiled', raw] as const),
  ];
  it.each(kernelCases)("%s kernels: 20 steps give the CPU twin's losses and weights (%o)", async (kernels, raw) => {
    const { device } = gpu();
    const config = validateTrainConfig({ ...raw, seed, steps: 20, every: 20 });
    const training = await engine(kernels);
    await withErrorScopes(device, () => training.reset(config));
    // The twin starts from the GPU's f32 parameters, so only the step arithmetic differs.
    const cpuParams = Float64Array.from(await training.readParams());
    const layout = trainLayout(config.hidden);
    const data = trainingData(config.dataset, config.points, config.noise, config.testShare, config.seed);
    const metricsBefore = await withErrorScopes(device, () => training.readMetrics());
    const cpuMetricsBefore = trainMetrics(layout, config.activation, data, cpuParams, config.copies);
    await withErrorScopes(device, () => training.step(20));
    for (let s = 0; s < 20; s++) trainStep(layout, config.activation, config, data, cpuParams, config.copies);
    const weights = await training.readParams();
    const metricsAfter = await withErrorScopes(device, () => training.readMetrics());
    const cpuMetricsAfter = trainMetrics(layout, config.activation, data, cpuParams, config.copies);
    // f32 against f64: losses are sums of ≤ 2000 terms (relative 1e-5 covers the rounding of the
    // sums and of log/exp); weights move by α·g per step and the differences compound over 20 steps.
    const lossTolerance = 1e-5;
    const weightTolerance = 1e-4;
    const metricError = worstError(metricsBefore, cpuMetricsBefore, (x) => Math.max(1, Math.abs(x)));
    const weightError = worstError(weights, cpuParams, (x) => Math.max(1, Math.abs(x)));
    const metricAfterError = worstError(metricsAfter, cpuMetricsAfter, (x) => Math.max(1, Math.abs(x)));
    console.info(
      `[train ${kernels}] ${JSON.stringify(raw)}: metrics ${metricError.toExponential(2)} → ` +
        `${metricAfterError.toExponential(2)}, weights ${weightError.toExponential(2)}`,
    );
    expect(metricError).toBeLessThan(lossTolerance);
    expect(weightError).toBeLessThan(weightTolerance);
    expect(metricAfterError).toBeLessThan(lossTolerance);
  });

  it("decisionGrid gives the CPU twin's σ(z) on the grid for a chosen copy", async () => {
    const { device } = gpu();
    const training = await engine();
    const config = validateTrainConfig({
      hidden: '7,5',
      activation: 'tanh',
      scheme: 'glorot-normal',
      scale: 2,
      biasStd: 0.5,
      copies: 5,
      seed,
    });
    await withErrorScopes(device, () => training.reset(config));
    const params = await training.readParams();
    const G = 33;
    const onGpu = await withErrorScopes(device, () => training.decisionGrid(3, G));
    const onCpu = decisionGrid(trainLayout(config.hidden), 'tanh', params, 3, G);
    expect(worstError(onGpu, onCpu, () => 1)).toBeLessThan(1e-5);
    // Grids of three copies asked for at once (a View knob moved while a checkpoint draws): each
    // gets its own copy, not the last one's uniforms.
    const copies = [0, 4, 1];
    const grids = await withErrorScopes(device, () =>
      Promise.all(copies.map((copy) => training.decisionGrid(copy, G))),
    );
    copies.forEach((copy, index) => {
      expect(
        worstError(grids[index], decisionGrid(trainLayout(config.hidden), 'tanh', params, copy, G), () => 1),
        `copy ${copy}`,
      ).toBeLessThan(1e-5);
    });
    // A bad copy rejects with a message and leaves the next grid unharmed.
    await expect(training.decisionGrid(5, G)).rejects.toThrow(/copy must be in 0–4/);
    expect(worstError(await training.decisionGrid(3, G), onCpu, () => 1)).toBeLessThan(1e-5);
  });

  it('a reset overtaken by destroy rejects with AbortError, raises no GPU error and leaves no run', async () => {
    const { device } = gpu();
    const training = await TrainingEngine.create(device, { kernels: 'tiled' });
    const config = validateTrainConfig({ hidden: '9,7', copies: 3, points: 40, seed });
    await withErrorScopes(device, async () => {
      const pending = training.reset(config);
      training.destroy();
      await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
      await device.queue.onSubmittedWorkDone();
    });
    await expect(training.readParams()).rejects.toThrow(/reset\(config\) first/);
  });

  it.each(['unrolled', 'tiled'] as const)(
    '%s kernels: count a diverged copy beside bands taken over the finite copies',
    async (kernels) => {
      const { device } = gpu();
      const training = await engine(kernels);
      const config = validateTrainConfig({ hidden: '4', copies: 6, points: 50, seed });
      await withErrorScopes(device, () => training.reset(config));
      await training.step(3);
      const params = await training.readParams();
      const P = trainLayout(config.hidden).paramCount;
      params[2 * P + 5] = NaN;
      training.writeParams(params);
      const checkpoint = await withErrorScopes(device, () => training.checkpoint());
      expect(checkpoint.step).toBe(3);
      expect(checkpoint.diverged).toBe(1);
      const metrics = checkpoint.copyMetrics;
      expect(Array.from(metrics.subarray(2 * METRICS_PER_COPY, 3 * METRICS_PER_COPY)).every(Number.isNaN)).toBe(true);
      const finite = metricColumn(metrics, 0).filter(Number.isFinite);
      expect(finite.length).toBe(5);
      expect(checkpoint.trainLoss).toEqual(band(finite));
      expect(checkpoint.trainLoss.p50).not.toBeNull();
      expect(checkpoint.weights.nonFinite).toBe(1);
      // A run that blows up: how many copies diverge depends on the seed (a copy whose huge linear
      // separator already saturates on the right side of every point has no gradient and stays
      // finite), so check the count against the metrics, then make every copy non-finite: bands
      // empty, nothing thrown.
      const exploding = validateTrainConfig({
        hidden: '6,6',
        activation: 'linear',
        scheme: 'normal',
        scale: 20,
        alpha: 10,
        copies: 4,
        points: 40,
        steps: 40,
        every: 20,
        seed,
      });
      const checkpoints = await withErrorScopes(device, () => runTraining(training, exploding));
      const last = checkpoints[checkpoints.length - 1];
      const finiteLosses = metricColumn(last.copyMetrics, 0).filter(Number.isFinite);
      expect(last.diverged + finiteLosses.length).toBe(4);
      expect(last.trainLoss).toEqual(band(finiteLosses));
      const allNaN = await training.readParams();
      allNaN.fill(NaN);
      training.writeParams(allNaN);
      const dead = await withErrorScopes(device, () => training.checkpoint());
      expect(dead.diverged).toBe(4);
      expect(dead.trainLoss).toEqual({ p10: null, p50: null, p90: null });
      expect(dead.aboveTarget).toBe(0);
    },
  );

  it.each(['unrolled', 'tiled'] as const)(
    '%s kernels: L1 proximal keeps a diverged copy NaN (never exact zeros), as the CPU twin does',
    async (kernels) => {
      const { device } = gpu();
      const config = validateTrainConfig({
        hidden: '3',
        copies: 2,
        points: 40,
        penalty: 'l1',
        l1Update: 'proximal',
        lambda: 0.01,
        seed,
      });
      const training = await engine(kernels);
      await withErrorScopes(device, () => training.reset(config));
      const layout = trainLayout(config.hidden);
      const P = layout.paramCount;
      const params = await training.readParams();
      params[layout.weightOffset[1]] = NaN; // copy 0 has diverged: its output, gradients and updates go NaN
      training.writeParams(params);
      await withErrorScopes(device, () => training.step(1));
      const after = await training.readParams();
      const cpu = Float64Array.from(params);
      trainStep(
        layout,
        config.activation,
        config,
        trainingData(config.dataset, config.points, config.noise, config.testShare, seed),
        cpu,
        2,
      );
      for (let i = 0; i < P; i++) {
        expect(Number.isNaN(after[i]), `copy 0, parameter ${i}`).toBe(true);
        expect(Number.isNaN(cpu[i]), `CPU twin, copy 0, parameter ${i}`).toBe(true);
        expect(Number.isFinite(after[P + i]), `copy 1, parameter ${i}`).toBe(true);
      }
    },
  );

  it('stops between steps when aborted', async () => {
    const training = await engine();
    await training.reset(validateTrainConfig({ hidden: '4', copies: 4, points: 40, seed }));
    const controller = new AbortController();
    controller.abort();
    await expect(training.step(10, { signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
    expect(training.stepCount).toBe(0);
  });
});
