// Bench suite of the Regularization landscape: gridLoss (the data pass, G²·N loss terms) and a λ-only
// update (gridPenalty + gridArgmin), GPU kernels and CPU twins timed side by side in one run.
import { gridArgmin, gridLoss, gridPenalty, refineMinimizer } from '../core/gridLoss';
import { regularizationWindow, validateRegularizationConfig } from '../core/regularizationConfig';
import { generateRegularizationData } from '../core/regularizationModels';
import { createStorageBuffer } from '../gpu/buffers';
import { GridArgminKernel } from '../gpu/gridArgmin';
import { GridLossKernel, packRegularizationPoints } from '../gpu/gridLoss';
import { GridPenaltyKernel } from '../gpu/gridPenalty';
import { RegularizationEngine } from '../gpu/regularization';
import { type BenchRow, type BenchSuite, timeMedian } from './bench';

const G = 1024;
const N = 256;
const GPU_REPEATS = 3;

export const regularizationBench: BenchSuite = {
  name: 'regularization',
  async run(gpu, { log }) {
    const { device } = gpu;
    const config = validateRegularizationConfig({ model: 'linear', grid: G, points: N, penalty: 'l1', lambda: 0.5 });
    const window = regularizationWindow(config);
    const data = generateRegularizationData('linear', {
      seed: config.seed,
      points: N,
      correlation: config.correlation,
      eccentricity: config.eccentricity,
      noise: config.noise,
    });
    const shape = `G=${G} N=${N} linear`;
    const cells = G * G;
    const terms = cells * N;
    const rows: BenchRow[] = [];

    const [lossKernel, penaltyKernel, argminKernel] = await Promise.all([
      GridLossKernel.create(device),
      GridPenaltyKernel.create(device),
      GridArgminKernel.create(device),
    ]);
    const packed = packRegularizationPoints(data);
    const points = createStorageBuffer(device, 'bench points', packed.byteLength);
    device.queue.writeBuffer(points, 0, packed);
    const dataLoss = createStorageBuffer(device, 'bench dataLoss', cells * 4);
    const penalized = createStorageBuffer(device, 'bench penalized', cells * 4);
    const lossPass = lossKernel.createPass(points, dataLoss);
    const penaltyPass = penaltyKernel.createPass(dataLoss, penalized);
    const argminPass = argminKernel.createPass(penalized, cells);
    try {
      log(`  gridLoss on the GPU (${shape}, ${(terms / 1e6).toFixed(0)} M terms)…`);
      const gpuLossMs = await timeMedian(GPU_REPEATS, async () => {
        const encoder = device.createCommandEncoder({ label: 'bench gridLoss' });
        lossPass.encode(encoder, { model: 'linear', window, G, n: N, quadratic: data.quadratic });
        device.queue.submit([encoder.finish()]);
        await device.queue.onSubmittedWorkDone();
      });
      log('  gridLoss on the CPU twin (f64, one thread; one timed run after a warm-up)…');
      let cpuLoss: Float64Array = new Float64Array(0);
      const cpuLossMs = await timeMedian(1, () => {
        cpuLoss = gridLoss('linear', data, window, G);
      });
      rows.push({
        suite: 'regularization',
        case: 'gridLoss',
        shape,
        unit: 'terms/s',
        gpuMs: gpuLossMs,
        gpuRate: terms / (gpuLossMs / 1e3),
        cpuMs: cpuLossMs,
        cpuRate: terms / (cpuLossMs / 1e3),
        note: 'G²·N loss terms, whole grid on both sides; GPU in f32, CPU twin in f64',
      });

      log('  λ-only update (gridPenalty + gridArgmin)…');
      const gpuLambdaMs = await timeMedian(5, async () => {
        const encoder = device.createCommandEncoder({ label: 'bench λ update' });
        penaltyPass.encode(encoder, { window, G, penalty: 'l1', lambda: 0.5, mix: 0 });
        argminPass.encode(encoder, cells);
        device.queue.submit([encoder.finish()]);
        await argminPass.read();
      });
      const cpuLambdaMs = await timeMedian(3, () =>
        gridArgmin(gridPenalty(cpuLoss, window, G, 'l1', 0.5, 0), window, G),
      );
      rows.push({
        suite: 'regularization',
        case: 'λ update: gridPenalty+argmin',
        shape,
        unit: 'cells/s',
        gpuMs: gpuLambdaMs,
        gpuRate: cells / (gpuLambdaMs / 1e3),
        cpuMs: cpuLambdaMs,
        cpuRate: cells / (cpuLambdaMs / 1e3),
        note: 'GPU: both passes + read-back of the per-workgroup partials; no G² read-back',
      });

      log('  λ-only update through the engine (+ G² read-back and CPU refinement)…');
      const engine = await RegularizationEngine.create(device);
      try {
        await engine.evaluate(config);
        let lambda = 0.5;
        const engineMs = await timeMedian(3, async () => {
          lambda = lambda === 0.5 ? 0.6 : 0.5; // a new λ each time, so nothing is cached
          const result = await engine.evaluate({ ...config, lambda });
          if (result.dispatchedGridLoss) throw new Error('bench: a λ-only change dispatched gridLoss');
        });
        const cpuRefineMs = await timeMedian(3, () => {
          const minimum = gridArgmin(gridPenalty(cpuLoss, window, G, 'l1', lambda, 0), window, G);
          if (minimum) refineMinimizer('linear', data, 'l1', lambda, 0, minimum.w);
        });
        rows.push({
          suite: 'regularization',
          case: 'λ update: engine.evaluate',
          shape,
          unit: 'cells/s',
          gpuMs: engineMs,
          gpuRate: cells / (engineMs / 1e3),
          cpuMs: cpuRefineMs,
          cpuRate: cells / (cpuRefineMs / 1e3),
          note: 'what the explorer pays per λ: passes, G² values read back (J cached, read once), refineMinimizer',
        });
      } finally {
        engine.destroy();
      }
    } finally {
      lossPass.destroy();
      penaltyPass.destroy();
      argminPass.destroy();
      for (const buffer of [points, dataLoss, penalized]) buffer.destroy();
    }
    return rows;
  },
};
