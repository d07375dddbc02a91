// The self-check: the GPU-vs-CPU-twin parity cases of tests/gpu, run on whatever adapter is present
// (`npm run cli -- selfcheck`, src/cli/selfcheckCommand.ts; the page's GPU view, src/ui/gpuExplorer.ts).
// The cases and their tolerances are src/core/parity.ts, the same table the GPU tests use: the
// initialization engine with each kernel family (every INIT_PARITY_CASES row, widths up to 1024), the
// generator's words and normals, and the regularization grid loss of every model. (The training step's
// parity stays in tests/gpu/trainStep.test.ts: its comparisons are per-test loops, not yet a table.)

import { gridLoss } from '../core/gridLoss';
import type { InitConfig, KernelFamily } from '../core/initConfig';
import { initStatsAccumulators } from '../core/initStats';
import {
  check,
  compareGridLoss,
  compareInitLayers,
  compareRngWords,
  failedVerdict,
  GRID_LOSS_PARITY_SHAPE,
  gridLossParityOptions,
  INIT_PARITY_CASES,
  initCaseName,
  initParityConfig,
  isHardwareSized,
  type ParityCheck,
  type ParityVerdict,
  parityVerdict,
  RNG_PARITY,
} from '../core/parity';
import { defaultWindow, generateRegularizationData, REGULARIZATION_MODELS } from '../core/regularizationModels';
import { rngWords, Stream, streamKey } from '../core/rng';
import type { LayerAccumulators } from '../core/stats';
import { withErrorScopes } from './device';
import { GridLossKernel } from './gridLoss';
import { InitStatsEngine } from './initStats';
import { RngWordsKernel } from './rngWords';

/** `small`: milliseconds to a second on a software adapter; `hardware`: seconds there (width 1024, 10⁶ counters). */
export type SelfCheckSize = 'small' | 'hardware';

/** What the cases run on: the kernels, made on first use, and the CPU twin of the initialization engine. */
export interface SelfCheckKit {
  device: GPUDevice;
  initEngine(): Promise<InitStatsEngine>;
  rngKernel(): Promise<RngWordsKernel>;
  gridLossKernel(): Promise<GridLossKernel>;
  /** The CPU twin's accumulators (the page runs it in a worker; Node calls initStatsAccumulators). */
  cpuInitAccumulators(config: InitConfig, signal?: AbortSignal): Promise<LayerAccumulators[]>;
}

export interface SelfCheckCase {
  name: string;
  size: SelfCheckSize;
  /** The init engine's kernel family the case runs (init cases only). */
  kernels?: KernelFamily;
  run(kit: SelfCheckKit, signal?: AbortSignal): Promise<ParityCheck[]>;
}

export interface SelfCheckCaseResult extends Omit<ParityVerdict, 'failures'> {
  name: string;
  size: SelfCheckSize;
  /** Wall time of the case, GPU run and CPU twin together. */
  ms: number;
  failures: string[];
}

export interface SelfCheckOptions {
  families: readonly KernelFamily[];
  seed: number;
  /** Which sizes to include (default both). */
  sizes?: readonly SelfCheckSize[];
}

/** The initialization engine on one parity case, against its CPU twin (tests/gpu/initStats.test.ts runs these). */
export async function checkInitCase(
  kit: SelfCheckKit,
  config: InitConfig,
  signal?: AbortSignal,
): Promise<ParityCheck[]> {
  const engine = await kit.initEngine();
  const run = await engine.run(config, { signal });
  const cpu = await kit.cpuInitAccumulators(config, signal);
  const checks = compareInitLayers(config, run.accumulators, cpu);
  // A NaN anywhere in what the page would show (means, quantiles, theory ratios).
  checks.push(check('NaN in the summary', JSON.stringify(run.result).includes('NaN') ? 1 : 0, 0));
  return checks;
}

function initCases(options: SelfCheckOptions): SelfCheckCase[] {
  return options.families.flatMap((kernels) =>
    INIT_PARITY_CASES.map((overrides) => ({
      name: `init ${kernels}: ${initCaseName(overrides)}`,
      size: isHardwareSized(overrides) ? ('hardware' as const) : ('small' as const),
      kernels,
      run: (kit: SelfCheckKit, signal?: AbortSignal) =>
        checkInitCase(kit, initParityConfig(overrides, options.seed, kernels), signal),
    })),
  );
}

function rngCase(seed: number, count: number, size: SelfCheckSize): SelfCheckCase {
  return {
    name: `rng: words and normals of ${count.toLocaleString('en-US')} counters`,
    size,
    async run(kit) {
      const kernel = await kit.rngKernel();
      const key1 = streamKey(Stream.weights, RNG_PARITY.layer);
      const { counter0, firstCounter1 } = RNG_PARITY;
      const onGpu = await kernel.run(seed, key1, counter0, firstCounter1, count);
      return compareRngWords(onGpu, rngWords(seed, key1, counter0, firstCounter1, count));
    },
  };
}

function gridLossCases(seed: number): SelfCheckCase[] {
  const { G } = GRID_LOSS_PARITY_SHAPE;
  return REGULARIZATION_MODELS.map((model) => ({
    name: `gridLoss: ${model}, G=${G} N=${GRID_LOSS_PARITY_SHAPE.N}`,
    size: 'small' as const,
    async run(kit: SelfCheckKit) {
      const kernel = await kit.gridLossKernel();
      const data = generateRegularizationData(model, gridLossParityOptions(seed));
      const [w1Min, w1Max, w2Min, w2Max] = defaultWindow(model);
      const window = { w1Min, w1Max, w2Min, w2Max };
      return compareGridLoss(await kernel.run(model, data, window, G), gridLoss(model, data, window, G));
    },
  }));
}

/** The cases, in order: the generator, the grid loss, then the initialization engine per family. */
export function selfCheckCases(options: SelfCheckOptions): SelfCheckCase[] {
  const sizes = options.sizes ?? ['small', 'hardware'];
  const cases = [
    rngCase(options.seed, 65_536, 'small'),
    rngCase(options.seed, 1_000_000, 'hardware'),
    ...gridLossCases(options.seed),
    ...initCases(options),
  ];
  return cases.filter((c) => sizes.includes(c.size));
}

/** Kernels made once per self-check and destroyed with it. */
export class SelfCheck implements SelfCheckKit {
  private engine: Promise<InitStatsEngine> | undefined;
  private rng: Promise<RngWordsKernel> | undefined;
  private grid: Promise<GridLossKernel> | undefined;

  constructor(
    readonly device: GPUDevice,
    private readonly cpuTwin: (config: InitConfig, signal?: AbortSignal) => Promise<LayerAccumulators[]> = async (
      config,
      signal,
    ) => initStatsAccumulators(config, { signal }),
  ) {}

  initEngine(): Promise<InitStatsEngine> {
    this.engine ??= InitStatsEngine.create(this.device, { compileDefaults: false });
    return this.engine;
  }

  rngKernel(): Promise<RngWordsKernel> {
    this.rng ??= RngWordsKernel.create(this.device);
    return this.rng;
  }

  gridLossKernel(): Promise<GridLossKernel> {
    this.grid ??= GridLossKernel.create(this.device);
    return this.grid;
  }

  cpuInitAccumulators(config: InitConfig, signal?: AbortSignal): Promise<LayerAccumulators[]> {
    return this.cpuTwin(config, signal);
  }

  /**
   * One case inside validation and out-of-memory error scopes: a GPU error or a throw fails the case
   * (with its message) rather than the whole check; an abort stops the check.
   */
  async runCase(parityCase: SelfCheckCase, signal?: AbortSignal): Promise<SelfCheckCaseResult> {
    signal?.throwIfAborted();
    const start = performance.now();
    let verdict: ParityVerdict;
    try {
      verdict = parityVerdict(await withErrorScopes(this.device, () => parityCase.run(this, signal)));
    } catch (error) {
      if (signal?.aborted) throw error;
      verdict = failedVerdict(error instanceof Error ? error.message : String(error));
    }
    return { name: parityCase.name, size: parityCase.size, ...verdict, ms: performance.now() - start };
  }

  /** Every case in turn; `onCase` hears each result as it comes (progress). */
  async run(
    cases: readonly SelfCheckCase[],
    options: { signal?: AbortSignal; onCase?: (result: SelfCheckCaseResult, index: number) => void } = {},
  ): Promise<SelfCheckCaseResult[]> {
    const results: SelfCheckCaseResult[] = [];
    for (const parityCase of cases) {
      const result = await this.runCase(parityCase, options.signal);
      results.push(result);
      options.onCase?.(result, results.length - 1);
    }
    return results;
  }

  destroy(): void {
    void this.engine?.then((engine) => engine.destroy());
  }
}
