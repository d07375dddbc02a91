// Benchmark of the trainability grid: 2 σ_w² × depths 4 and 16 × K = 8 tanh networks of width 8 on N = 32
// training points, the GPU engine (TrainabilityEngine) and the CPU twin (trainabilityCpu) in one run. The
// rate is training steps × copies per second, the whole grid's (init and metrics included); the CPU twin
// is timed over fewer steps, which the row's note says.
import { trainabilityCpu } from '../core/trainability';
import { trainabilityCopies, validateTrainabilityConfig } from '../core/trainabilityConfig';
import type { GpuContext } from '../gpu/device';
import { TrainabilityEngine } from '../gpu/trainabilityEngine';
import type { BenchRow, BenchSuite } from './bench';

const base = {
  activation: 'tanh',
  sw2Min: 0.5,
  sw2Max: 2,
  sw2Cells: 2,
  depths: '4,16',
  width: 8,
  copies: 8,
  dataset: 'gaussians',
  points: 32,
  seed: 1,
};
const SHAPE = '2 σ_w² × depths 4,16 × K=8, width 8, tanh, N=32';

export function trainabilityBenchSuite(steps = { gpu: 100, cpu: 5 }): BenchSuite {
  return {
    name: 'trainability',
    async run(gpu: GpuContext, { log }) {
      const engine = await TrainabilityEngine.create(gpu);
      try {
        await engine.run(validateTrainabilityConfig({ ...base, steps: 2 })); // warm-up: pipelines
        const gpuConfig = validateTrainabilityConfig({ ...base, steps: steps.gpu });
        let start = performance.now();
        await engine.run(gpuConfig);
        const gpuMs = (performance.now() - start) / steps.gpu;
        log(`  trainability: GPU ${gpuMs.toFixed(1)} ms per grid step`);
        const cpuConfig = validateTrainabilityConfig({ ...base, steps: steps.cpu });
        start = performance.now();
        await trainabilityCpu(cpuConfig);
        const cpuMs = (performance.now() - start) / steps.cpu;
        log(`  trainability: CPU twin ${cpuMs.toFixed(0)} ms per grid step`);
        const copies = trainabilityCopies(gpuConfig);
        const row: BenchRow = {
          suite: 'trainability',
          case: 'grid step',
          shape: SHAPE,
          unit: 'copy-steps/s',
          gpuMs,
          gpuRate: (copies * 1000) / gpuMs,
          cpuMs,
          cpuRate: (copies * 1000) / cpuMs,
          note: `whole runs: GPU ${steps.gpu} steps, CPU twin ${steps.cpu}`,
        };
        return [row];
      } finally {
        engine.destroy();
      }
    },
  };
}

export const trainabilityBench: BenchSuite = trainabilityBenchSuite();
