// Bench suite of the Regularization landscape: gridLoss (the data pass, G²·N loss terms) and a λ-only
// update (gridPenalty + gridArgmin), GPU kernels and CPU twins timed side by side in one run.
import { type GridWindow, gridArgmin, gridLoss, gridPenalty, refineMinimizer } from '../core/gridLoss';
import {
  type RegularizationConfig,
  regularizationWindow,
  validateRegularizationConfig,
} from '../core/regularizationConfig';
import { generateRegularizationData, type RegularizationData } from '../core/regularizationModels';
import { createStorageBuffer } from '../gpu/buffers';
import { GridArgminKernel, type GridArgminPass } from '../gpu/gridArgmin';
import { GridLossKernel, type GridLossPass, packRegularizationPoints } from '../gpu/gridLoss';
import { GridPenaltyKernel, type GridPenaltyPass } from '../gpu/gridPenalty';
import { RegularizationEngine } from '../gpu/regularization';
import { type BenchRow, type BenchSuite, timeMedian } from './bench';

const G = 1024;
const N = 256;
const GPU_REPEATS = 3;
const SHAPE = `G=${G} N=${N} linear`;
const CELLS = G * G;
const TERMS = CELLS * N;

/** What the cases share: the configuration, its data and window, and the passes bound to the bench's buffers. */
interface RegularizationBenchSetup {
  device: GPUDevice;
  log: (line: string) => void;
  config: RegularizationConfig;
  window: GridWindow;
  data: RegularizationData;
  lossPass: GridLossPass;
  penaltyPass: GridPenaltyPass;
  argminPass: GridArgminPass;
}

export const regularizationBench: BenchSuite = {
  name: 'regularization',
  async run(gpu, { log }) {
    const { device } = gpu;
    const config = validateRegularizationConfig({ model: 'linear', grid: G, points: N, penalty: 'l1', lambda: 0.5 });
    const data = generateRegularizationData('linear', {
      seed: config.seed,
      points: N,
      correlation: config.correlation,
      eccentricity: config.eccentricity,
      noise: config.noise,
    });
    const [lossKernel, penaltyKernel, argminKernel] = await Promise.all([
      GridLossKernel.create(device),
      GridPenaltyKernel.create(device),
      GridArgminKernel.create(device),
    ]);
    const packed = packRegularizationPoints(data);
    const points = createStorageBuffer(device, 'bench points', packed.byteLength);
    device.queue.writeBuffer(points, 0, packed);
    const dataLoss = createStorageBuffer(device, 'bench dataLoss', CELLS * 4);
    const penalized = createStorageBuffer(device, 'bench penalized', CELLS * 4);
    const setup: RegularizationBenchSetup = {
      device,
      log,
      config,
      window: regularizationWindow(config),
      data,
      lossPass: lossKernel.createPass(points, dataLoss),
      penaltyPass: penaltyKernel.createPass(dataLoss, penalized),
      argminPass: argminKernel.createPass(penalized, CELLS),
    };
    try {
      const { row, cpuLoss } = await benchGridLoss(setup);
      return [row, await benchLambdaPasses(setup, cpuLoss), await benchLambdaEngine(setup, cpuLoss)];
    } finally {
      setup.lossPass.destroy();
      setup.penaltyPass.destroy();
      setup.argminPass.destroy();
      for (const buffer of [points, dataLoss, penalized]) buffer.destroy();
    }
  },
};

/** gridLoss over the whole grid, GPU (f32) and CPU twin (f64); the twin's J feeds the other cases. */
async function benchGridLoss(setup: RegularizationBenchSetup): Promise<{ row: BenchRow; cpuLoss: Float64Array }> {
  const { device, log, window, data, lossPass } = setup;
  log(`  gridLoss on the GPU (${SHAPE}, ${(TERMS / 1e6).toFixed(0)} M terms)…`);
  const gpuMs = await timeMedian(GPU_REPEATS, async () => {
    const encoder = device.createCommandEncoder({ label: 'bench gridLoss' });
    lossPass.encode(encoder, { model: 'linear', window, G, n: N, quadratic: data.quadratic });
    device.queue.submit([encoder.finish()]);
    await device.queue.onSubmittedWorkDone();
  });
  log('  gridLoss on the CPU twin (f64, one thread; one timed run after a warm-up)…');
  let cpuLoss: Float64Array = new Float64Array(0);
  const cpuMs = await timeMedian(1, () => {
    cpuLoss = gridLoss('linear', data, window, G);
  });
  const row: BenchRow = {
    suite: 'regularization',
    case: 'gridLoss',
    shape: SHAPE,
    unit: 'terms/s',
    gpuMs,
    gpuRate: TERMS / (gpuMs / 1e3),
    cpuMs,
    cpuRate: TERMS / (cpuMs / 1e3),
    note: 'G²·N loss terms, whole grid on both sides; GPU in f32, CPU twin in f64',
  };
  return { row, cpuLoss };
}

/** A λ-only update as its two passes: gridPenalty + gridArgmin and the read-back of the partials. */
async function benchLambdaPasses(setup: RegularizationBenchSetup, cpuLoss: Float64Array): Promise<BenchRow> {
  const { device, log, window, penaltyPass, argminPass } = setup;
  log('  λ-only update (gridPenalty + gridArgmin)…');
  const gpuMs = await timeMedian(5, async () => {
    const encoder = device.createCommandEncoder({ label: 'bench λ update' });
    penaltyPass.encode(encoder, { window, G, penalty: 'l1', lambda: 0.5, mix: 0 });
    argminPass.encode(encoder, CELLS);
    device.queue.submit([encoder.finish()]);
    await argminPass.read();
  });
  const cpuMs = await timeMedian(3, () => gridArgmin(gridPenalty(cpuLoss, window, G, 'l1', 0.5, 0), window, G));
  return {
    suite: 'regularization',
    case: 'λ update: gridPenalty+argmin',
    shape: SHAPE,
    unit: 'cells/s',
    gpuMs,
    gpuRate: CELLS / (gpuMs / 1e3),
    cpuMs,
    cpuRate: CELLS / (cpuMs / 1e3),
    note: 'GPU: both passes + read-back of the per-workgroup partials; no G² read-back',
  };
}

/** A λ-only update as the explorer pays it: engine.evaluate (passes, G² read-back, CPU refinement). */
async function benchLambdaEngine(setup: RegularizationBenchSetup, cpuLoss: Float64Array): Promise<BenchRow> {
  const { device, log, config, window, data } = setup;
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
    return {
      suite: 'regularization',
      case: 'λ update: engine.evaluate',
      shape: SHAPE,
      unit: 'cells/s',
      gpuMs: engineMs,
      gpuRate: CELLS / (engineMs / 1e3),
      cpuMs: cpuRefineMs,
      cpuRate: CELLS / (cpuRefineMs / 1e3),
      note: 'what the explorer pays per λ: passes, G² values read back (J cached, read once), refineMinimizer',
    };
  } finally {
    engine.destroy();
  }
}
