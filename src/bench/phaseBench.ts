// Benchmark of the phase-diagram engine: the whole grid (draws, forward, backward, records) on the GPU
// and the CPU twin (f64, one thread) timed on a few cells and scaled linearly to the grid (every
// network costs the same), in one run. A GPU runs the page's GPU-sized grid; a software adapter the
// page's software default (the grid it must redraw within ~2 s).
import { phaseRecordsCpu } from '../core/phase';
import { type PhaseConfig, phaseCellCount, validatePhaseConfig } from '../core/phaseConfig';
import { PhaseEngine, phaseFlops } from '../gpu/phaseEngine';
import type { BenchRow, BenchSuite } from './bench';

const GPU_SHAPE: Partial<PhaseConfig> = { cellsW: 32, cellsB: 32, inits: 16, width: 256, depth: 30, batch: 4 };
/** PHASE_PARAMS' softwareDefault values. */
const SOFTWARE_SHAPE: Partial<PhaseConfig> = { cellsW: 12, cellsB: 12, inits: 4, width: 64, depth: 16, batch: 2 };
const TIMED_ROUNDS = 3;

const shapeName = (c: PhaseConfig) =>
  `${c.cellsW}×${c.cellsB} cells K=${c.inits} n=${c.width} L=${c.depth} B=${c.batch}`;

export const phaseBench: BenchSuite = {
  name: 'phase',
  async run(gpu, { log }) {
    const shape = gpu.adapter.software ? SOFTWARE_SHAPE : GPU_SHAPE;
    const config = validatePhaseConfig({ activation: 'tanh', sw2Min: 0.5, sw2Max: 4, sb2Max: 0.5, seed: 1, ...shape });
    log(`  phase ${shapeName(config)}`);
    const engine = await PhaseEngine.create(gpu, { compileDefaults: false });
    const times: number[] = [];
    try {
      await engine.run(config); // warm-up: pipelines, buffers, the chunk sizes measured
      for (let round = 0; round < TIMED_ROUNDS; round++) {
        const start = performance.now();
        await engine.run(config);
        times.push(performance.now() - start);
      }
    } finally {
      engine.destroy();
    }
    const gpuMs = Math.min(...times);
    const { chunks, submissions } = engine.lastRun;
    // The CPU twin on 2 cells of the same networks, scaled to the grid.
    const few = { ...config, cellsW: 2, cellsB: 1 };
    const cpuStart = performance.now();
    phaseRecordsCpu(few);
    const cpuMs = ((performance.now() - cpuStart) * phaseCellCount(config)) / phaseCellCount(few);
    const flops = phaseFlops(config);
    const networks = phaseCellCount(config) * config.inits;
    const note =
      `fastest of ${TIMED_ROUNDS} runs, ${chunks} chunk(s), ${submissions} submission(s); ` +
      `${Math.round(networks / (gpuMs / 1000))} networks/s; CPU twin timed on 2 cells, scaled to the grid`;
    const row: BenchRow = {
      suite: 'phase',
      case: 'grid fwd+bwd+records (W from the RNG, shared per copy)',
      shape: shapeName(config),
      unit: 'GFLOP/s',
      gpuMs,
      gpuRate: flops / gpuMs / 1e6,
      cpuMs,
      cpuRate: flops / cpuMs / 1e6,
      note,
    };
    return [row];
  },
};
