// Benchmark of the training engine: K = 1024 copies of a 2-8-8-1 tanh network on N = 256 training
// points, GPU (TrainingEngine) and CPU twin (CpuTrainingEngine) in one run. The CPU twin is timed
// over fewer steps (it is ~the same per step every step), which each row's note says.
import { validateTrainConfig } from '../core/trainConfig';
import { CpuTrainingEngine } from '../core/trainingEngine';
import type { GpuContext } from '../gpu/device';
import { TrainingEngine } from '../gpu/trainingEngine';
import type { BenchRow, BenchSuite } from './bench';

const COPIES = 1024;
/** 512 points with a test share of 0.5: 256 training points. */
const CONFIG = validateTrainConfig({
  dataset: 'moons',
  points: 512,
  testShare: 0.5,
  hidden: '8,8',
  activation: 'tanh',
  copies: COPIES,
  seed: 1,
});
const SHAPE = 'K=1024 2-8-8-1 tanh N=256 train (+256 test)';

export interface TrainBenchSteps {
  gpu: number;
  cpu: number;
}

export function trainBenchSuite(steps: TrainBenchSteps = { gpu: 40, cpu: 2 }): BenchSuite {
  return {
    name: 'train',
    async run(gpu: GpuContext, { log }) {
      const engine = await TrainingEngine.create(gpu.device);
      const cpu = new CpuTrainingEngine();
      try {
        await engine.reset(CONFIG);
        await engine.step(2); // warm-up: pipelines, batch sizing
        let start = performance.now();
        await engine.step(steps.gpu);
        const gpuMs = (performance.now() - start) / steps.gpu;
        log(`  train: GPU ${gpuMs.toFixed(1)} ms/step`);
        start = performance.now();
        await engine.checkpoint();
        const gpuCheckpointMs = performance.now() - start;

        await cpu.reset(CONFIG);
        start = performance.now();
        await cpu.step(steps.cpu);
        const cpuMs = (performance.now() - start) / steps.cpu;
        log(`  train: CPU twin ${cpuMs.toFixed(0)} ms/step`);
        start = performance.now();
        await cpu.checkpoint();
        const cpuCheckpointMs = performance.now() - start;

        const note = `GPU timed over ${steps.gpu} steps, CPU twin over ${steps.cpu}`;
        const rows: BenchRow[] = [
          {
            suite: 'train',
            case: 'step',
            shape: SHAPE,
            unit: 'steps/s',
            gpuMs,
            gpuRate: 1000 / gpuMs,
            cpuMs,
            cpuRate: 1000 / cpuMs,
            note,
          },
          {
            suite: 'train',
            case: 'step',
            shape: SHAPE,
            unit: 'copy-steps/s',
            gpuMs,
            gpuRate: (COPIES * 1000) / gpuMs,
            cpuMs,
            cpuRate: (COPIES * 1000) / cpuMs,
            note,
          },
          {
            suite: 'train',
            case: 'checkpoint',
            shape: SHAPE,
            unit: 'checkpoints/s',
            gpuMs: gpuCheckpointMs,
            gpuRate: 1000 / gpuCheckpointMs,
            cpuMs: cpuCheckpointMs,
            cpuRate: 1000 / cpuCheckpointMs,
            note: 'metrics of every copy on 512 points + weight histogram, one run each',
          },
        ];
        return rows;
      } finally {
        engine.destroy();
      }
    },
  };
}

export const trainBench: BenchSuite = trainBenchSuite();
