// Benchmark of the initialization engine: the full engine (weights drawn from the generator, kept
// for the backward pass where they fit; backward and statistics included), the same layerForward
// kernel as a plain batched matmul + tanh with weights in memory (plainForward.ts), and the CPU twin,
// on the same shapes in one run. The small shapes run with both kernel families (the hardware/software
// ratio is printed); the hardware-size shapes of issue 12 run with the hardware family, and are skipped
// with their reason on a software adapter.
import { type InitConfig, type KernelFamily, validateInitConfig } from '../core/initConfig';
import { initStats } from '../core/initStats';
import type { GpuContext } from '../gpu/device';
import { InitStatsEngine, initStatsFlops } from '../gpu/initStats';
import { canTimeKernels } from '../gpu/kernelTimer';
import { type PlainForwardTime, timePlainForward } from '../gpu/plainForward';
import type { BenchOptions, BenchRow, BenchSuite } from './bench';

/** Small shapes: seconds on a software adapter; both kernel families on a GPU, the software family there. */
const SHAPES: Partial<InitConfig>[] = [
  { inits: 256, batch: 32, width: 256, depth: 8 },
  { inits: 64, batch: 32, width: 512, depth: 4 },
  { inits: 4, batch: 16, width: 2048, depth: 4 },
];

/**
 * The shape both families run on a software adapter, for their ratio there: the hardware family draws W inside
 * its tiles and synchronizes workgroups, which SwiftShader runs several times slower (a run of the first small
 * shape took over 15 minutes), so it gets a shape of seconds.
 */
const FAMILY_SHAPE: Partial<InitConfig> = { inits: 16, batch: 16, width: 256, depth: 4 };

/** Hardware sizes (issue 12's targets): the engine at each, hardware family. */
const HARDWARE_SHAPES: Partial<InitConfig>[] = [
  { inits: 1024, batch: 16, width: 1024, depth: 10 },
  { inits: 256, batch: 64, width: 1024, depth: 10 },
  { inits: 4, batch: 16, width: 16384, depth: 10 },
];

/** The plain batched forward at n = 4096, B = 256 (one chunk of inits, as the plan gives it), hardware family. */
const HARDWARE_PLAIN: Partial<InitConfig> = { inits: 8, batch: 256, width: 4096, depth: 10 };

/** Engine and plain runs per shape, alternating. */
const TIMED_ROUNDS = 3;

/**
 * The CPU twin runs one init at least; past this many FLOPs per init it is left out (one init at
 * n = 16384 is 163 GFLOP: ten minutes and more of one core), with the reason in the note.
 */
const CPU_TWIN_MAX_FLOPS_PER_INIT = 2e9;

/** What a software adapter is assumed to reach when estimating a skipped shape, when nothing was measured. */
const ASSUMED_SOFTWARE_GFLOPS = 1;

const shapeName = (c: InitConfig) => `K=${c.inits} B=${c.batch} n=${c.width} L=${c.depth}`;

const benchConfig = (shape: Partial<InitConfig>, kernels: KernelFamily) =>
  validateInitConfig({ activation: 'tanh', scheme: 'xavier-normal', seed: 1, ...shape, kernels });

const peakShare = (gflops: number, options: BenchOptions) =>
  options.peakTflops === undefined ? undefined : gflops / (options.peakTflops * 1000);

export const initBench: BenchSuite = {
  name: 'init',
  async run(gpu, options) {
    const { log } = options;
    const engine = await InitStatsEngine.create(gpu.device);
    const rows: BenchRow[] = [];
    try {
      let softwareRate = 0;
      const software = gpu.adapter.software;
      for (const shape of software ? [...SHAPES, FAMILY_SHAPE] : SHAPES) {
        const cpu = cpuTwinTime(benchConfig(shape, 'software'));
        const byFamily: Partial<Record<KernelFamily, BenchRow[]>> = {};
        const families: readonly KernelFamily[] =
          !software || shape === FAMILY_SHAPE ? ['software', 'hardware'] : ['software'];
        for (const kernels of families) {
          const config = benchConfig(shape, kernels);
          log(`  init ${shapeName(config)}, ${kernels} kernels`);
          byFamily[kernels] = await benchShape(gpu, engine, config, options, cpu);
          rows.push(...byFamily[kernels]);
        }
        if (families.length === 2) rows.push(familyRatioRow(benchConfig(shape, 'hardware'), byFamily));
        softwareRate = Math.max(softwareRate, ...rows.map((row) => (row.unit === 'GFLOP/s' ? (row.gpuRate ?? 0) : 0)));
      }
      for (const shape of [...HARDWARE_SHAPES, HARDWARE_PLAIN]) {
        const config = benchConfig(shape, 'hardware');
        const plainOnly = shape === HARDWARE_PLAIN;
        if (software) {
          const skipped = skippedRow(config, plainOnly, softwareRate || ASSUMED_SOFTWARE_GFLOPS);
          log(`  init ${shapeName(config)}: ${skipped.note}`);
          rows.push(skipped);
          continue;
        }
        log(`  init ${shapeName(config)}, hardware kernels${plainOnly ? ' (plain forward only)' : ''}`);
        const cpu = plainOnly ? undefined : cpuTwinTime(config);
        const shapeRows = await benchShape(gpu, engine, config, options, cpu, plainOnly);
        rows.push(...shapeRows);
      }
    } finally {
      engine.destroy();
    }
    return rows;
  },
};

interface CpuTwinTime {
  ms?: number;
  note: string;
}

/**
 * The CPU twin (single thread, f64) runs whole seconds per init here: time ~40 MFLOP worth of inits,
 * at least one, and scale linearly in K (stated in the note); none past CPU_TWIN_MAX_FLOPS_PER_INIT.
 */
function cpuTwinTime(config: InitConfig): CpuTwinTime {
  const perInit = initStatsFlops(config) / config.inits;
  if (perInit > CPU_TWIN_MAX_FLOPS_PER_INIT) {
    return { note: `CPU twin not run (${(perInit / 1e9).toFixed(0)} GFLOP per init: minutes of one core)` };
  }
  const cpuInits = Math.max(1, Math.min(config.inits, Math.round(2e9 / perInit / 50)));
  const cpuStart = performance.now();
  initStats({ ...config, inits: cpuInits });
  const ms = ((performance.now() - cpuStart) * config.inits) / cpuInits;
  return { ms, note: `CPU twin timed on ${cpuInits} init(s), scaled to K` };
}

/**
 * One shape. Warm-up on one chunk (pipelines compiled, the chunk's buffers allocated). Then the engine
 * and the plain kernel alternate, three runs each, and each side's fastest run counts: the machine's
 * speed drifts by tens of percent over a minute, and the fastest run is the least disturbed one. A
 * last engine run, not counted, stamps every kernel where the adapter can (where the time goes;
 * reading the stamps back costs time of its own).
 */
async function benchShape(
  gpu: GpuContext,
  engine: InitStatsEngine,
  config: InitConfig,
  options: BenchOptions,
  cpu: CpuTwinTime | undefined,
  plainOnly = false,
): Promise<BenchRow[]> {
  const flops = initStatsFlops(config);
  const family = `${config.kernels} kernels`;
  if (!plainOnly) await engine.run({ ...config, inits: engine.plan(config).initsPerChunk });
  const engineMs: number[] = [];
  const plainRuns: PlainForwardTime[] = [];
  let plainProblem: string | undefined;
  for (let round = 0; round < TIMED_ROUNDS; round++) {
    if (!plainOnly) engineMs.push((await engine.run(config)).timeMs);
    if (plainProblem) continue;
    try {
      plainRuns.push(await timePlainForward(gpu.device, engine, config, 1));
    } catch (error) {
      // W of one layer over one binding (n = 16384 on some adapters): the engine's row still counts.
      plainProblem = error instanceof Error ? error.message : String(error);
    }
  }
  const plain = plainRuns.reduce<PlainForwardTime | undefined>(
    (best, run) => (best && best.ms <= run.ms ? best : run),
    undefined,
  );
  const plainRate = plain ? plain.flops / plain.ms / 1e6 : Number.NaN;
  const plainRow: BenchRow = {
    suite: 'init',
    case: `plain matmul+tanh (W in memory), ${family}`,
    shape: plain ? `${shapeName(config)} (${plain.inits} inits/chunk)` : shapeName(config),
    unit: 'GFLOP/s',
    gpuMs: plain?.ms,
    gpuRate: plain ? plainRate : undefined,
    peakShare: plain ? peakShare(plainRate, options) : undefined,
    note: plainProblem && `not run: ${plainProblem}`,
  };
  if (plainOnly) return [plainRow];
  const kernelMs = canTimeKernels(gpu.device) ? (await engine.run(config, { timeKernels: true })).kernelMs : undefined;
  const engineRate = flops / Math.min(...engineMs) / 1e6;
  return [
    plainRow,
    {
      suite: 'init',
      case: `engine fwd+bwd+stats (W from the RNG), ${family}`,
      shape: shapeName(config),
      unit: 'GFLOP/s',
      gpuMs: Math.min(...engineMs),
      gpuRate: engineRate,
      cpuMs: cpu?.ms,
      cpuRate: cpu?.ms === undefined ? undefined : flops / cpu.ms / 1e6,
      peakShare: peakShare(engineRate, options),
      note:
        `engine/plain = ${(engineRate / plainRate).toFixed(2)}; ` +
        `${cpu?.note ?? 'no CPU twin'}${kernelShares(kernelMs)}`,
      kernelMs,
    },
  ];
}

/** The hardware family's rates over the software family's on one shape (plain and engine). */
function familyRatioRow(config: InitConfig, byFamily: Partial<Record<KernelFamily, BenchRow[]>>): BenchRow {
  const rate = (kernels: KernelFamily, index: number) => byFamily[kernels]?.[index]?.gpuRate ?? Number.NaN;
  const plain = rate('hardware', 0) / rate('software', 0);
  const engine = rate('hardware', 1) / rate('software', 1);
  return {
    suite: 'init',
    case: 'hardware/software kernel family',
    shape: shapeName(config),
    unit: 'ratio',
    gpuRate: engine,
    note: `hardware family's rate over the software family's: engine ${engine.toFixed(2)}×, plain ${plain.toFixed(2)}×`,
  };
}

/** A hardware-size shape on a software adapter: not run, with the estimate that says why. */
function skippedRow(config: InitConfig, plainOnly: boolean, softwareGflops: number): BenchRow {
  const flops = plainOnly ? 2 * config.batch * config.width ** 2 * config.depth * config.inits : initStatsFlops(config);
  // Warm-up + 3 timed engine runs + a stamped run; the plain forward besides.
  const runs = plainOnly ? TIMED_ROUNDS + 1 : TIMED_ROUNDS + 2;
  const minutes = (flops * runs) / (softwareGflops * 1e9) / 60;
  return {
    suite: 'init',
    case: `${plainOnly ? 'plain matmul+tanh (W in memory)' : 'engine fwd+bwd+stats (W from the RNG)'}, hardware`,
    shape: shapeName(config),
    unit: 'GFLOP/s',
    note:
      `skipped: software adapter (${(flops / 1e9).toFixed(0)} GFLOP a run, ${runs} runs at the ` +
      `${softwareGflops.toPrecision(2)} GFLOP/s measured above ≈ ${minutes.toFixed(0)} min); run it on a GPU`,
  };
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
