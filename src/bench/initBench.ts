// Benchmark of the initialization engine: the full engine (weights drawn from the generator, kept
// for the backward pass where they fit; backward and statistics included), the same layerForward
// kernel as a plain batched matmul + tanh with weights in memory (plainForward.ts), and the CPU twin,
// on the same shapes in one run.
import { type InitConfig, validateInitConfig } from '../core/initConfig';
import { initStats } from '../core/initStats';
import type { GpuContext } from '../gpu/device';
import { InitStatsEngine, initStatsFlops } from '../gpu/initStats';
import { canTimeKernels } from '../gpu/kernelTimer';
import type { BenchRow, BenchSuite } from './bench';
import { type PlainForwardTime, timePlainForward } from './plainForward';

const SHAPES: Partial<InitConfig>[] = [
  { inits: 256, batch: 32, width: 256, depth: 8 },
  { inits: 64, batch: 32, width: 512, depth: 4 },
  { inits: 4, batch: 16, width: 2048, depth: 4 },
];

/** Engine and plain runs per shape, alternating. */
const TIMED_ROUNDS = 3;

const shapeName = (c: InitConfig) => `K=${c.inits} B=${c.batch} n=${c.width} L=${c.depth}`;

export const initBench: BenchSuite = {
  name: 'init',
  async run(gpu, { log }) {
    const engine = await InitStatsEngine.create(gpu.device);
    const rows: BenchRow[] = [];
    try {
      for (const shape of SHAPES) {
        const config = validateInitConfig({ activation: 'tanh', scheme: 'xavier-normal', seed: 1, ...shape });
        log(`  init ${shapeName(config)}`);
        rows.push(...(await benchShape(gpu, engine, config)));
      }
    } finally {
      engine.destroy();
    }
    return rows;
  },
};

/**
 * One shape. Warm-up on one chunk (pipelines compiled, the chunk's buffers allocated). Then the engine
 * and the plain kernel alternate, three runs each, and each side's fastest run counts: the machine's
 * speed drifts by tens of percent over a minute, and the fastest run is the least disturbed one. A
 * last engine run, not counted, stamps every kernel where the adapter can (where the time goes;
 * reading the stamps back costs time of its own).
 */
async function benchShape(gpu: GpuContext, engine: InitStatsEngine, config: InitConfig): Promise<BenchRow[]> {
  const flops = initStatsFlops(config);
  await engine.run({ ...config, inits: engine.plan(config).initsPerChunk });
  const engineMs: number[] = [];
  const plainRuns: PlainForwardTime[] = [];
  for (let round = 0; round < TIMED_ROUNDS; round++) {
    engineMs.push((await engine.run(config)).timeMs);
    plainRuns.push(await timePlainForward(gpu.device, engine, config, 1));
  }
  const plain = plainRuns.reduce((best, run) => (run.ms < best.ms ? run : best));
  const kernelMs = canTimeKernels(gpu.device) ? (await engine.run(config, { timeKernels: true })).kernelMs : undefined;
  // The CPU twin (single thread, f64) runs whole seconds per init here: time ~40 MFLOP worth of
  // inits, at least one, and scale linearly in K (stated in the note).
  const cpuInits = Math.max(1, Math.min(config.inits, Math.round(2e9 / (flops / config.inits) / 50)));
  const cpuStart = performance.now();
  initStats({ ...config, inits: cpuInits });
  const cpuMs = ((performance.now() - cpuStart) * config.inits) / cpuInits;
  const plainRate = plain.flops / plain.ms / 1e6;
  const engineRate = flops / Math.min(...engineMs) / 1e6;
  return [
    {
      suite: 'init',
      case: 'plain matmul+tanh (W in memory)',
      shape: `${shapeName(config)} (${plain.inits} inits/chunk)`,
      unit: 'GFLOP/s',
      gpuMs: plain.ms,
      gpuRate: plainRate,
    },
    {
      suite: 'init',
      case: 'engine fwd+bwd+stats (W from the RNG)',
      shape: shapeName(config),
      unit: 'GFLOP/s',
      gpuMs: Math.min(...engineMs),
      gpuRate: engineRate,
      cpuMs,
      cpuRate: flops / cpuMs / 1e6,
      note:
        `engine/plain = ${(engineRate / plainRate).toFixed(2)}; ` +
        `CPU twin timed on ${cpuInits} init(s), scaled to K${kernelShares(kernelMs)}`,
      kernelMs,
    },
  ];
}

/** "; GPU time: initWeights 40%, …" from per-kernel milliseconds, largest first. */
function kernelShares(kernelMs: Record<string, number> | undefined): string {
  if (!kernelMs) return '';
  const total = Object.values(kernelMs).reduce((sum, ms) => sum + ms, 0);
  if (!(total > 0)) return '';
  const shares = Object.entries(kernelMs)
    .sort((a, b) => b[1] - a[1])
    .map(([name, ms]) => `${name} ${Math.round((100 * ms) / total)}%`);
  return `; GPU time: ${shares.join(', ')}`;
}
