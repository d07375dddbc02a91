// The Initialization explorer's engine, from its backend: the GPU engine (src/gpu/initStats.ts) on a
// WebGPU device, or CpuInitEngine without WebGPU: the CPU twin (core/initStats.ts) in a Web Worker, one
// chunk of inits per job, so partial results come in, an abort stops the worker and the page never blocks.
// Both satisfy InitEngine, the part of the GPU engine the explorer uses.

import { type InitConfig, validateInitConfig } from '../core/initConfig';
import { meanFieldTheory } from '../core/meanField';
import { addChunk, createLayerAccumulators, summarize, summarizeFirst } from '../core/stats';
import { type InitRunOptions, InitStatsEngine, type InitStatsRun, initStatsFlops } from '../gpu/initStats';
import { abortable, CpuTwinJobs } from './cpuTwinJobs';
import type { ComputeBackend } from './explorer';

export type InitEngineRunOptions = Pick<InitRunOptions, 'signal' | 'onProgress' | 'initsPerChunk' | 'theory'>;

export interface InitEngine {
  /** How many inits one chunk (one submission, or one worker job) takes. */
  plan(config: InitConfig): { initsPerChunk: number };
  /** Runs one configuration; runs queue behind each other. */
  run(config: InitConfig, options?: InitEngineRunOptions): Promise<InitStatsRun>;
  destroy(): void;
}

/** FLOPs of one worker job: ~0.1 s at the CPU twin's ~0.25 GFLOP/s (2-core development machine). */
export const CPU_CHUNK_FLOPS = 25e6;

/** Inits per worker job: about CPU_CHUNK_FLOPS each, at least one, at most all. */
export function cpuInitsPerChunk(config: InitConfig): number {
  const perInit = initStatsFlops(config) / config.inits;
  return Math.min(config.inits, Math.max(1, Math.floor(CPU_CHUNK_FLOPS / perInit)));
}

export class CpuInitEngine implements InitEngine {
  private readonly jobs = new CpuTwinJobs('initialization CPU twin');
  private queue: Promise<unknown> = Promise.resolve();

  plan(config: InitConfig): { initsPerChunk: number } {
    return { initsPerChunk: cpuInitsPerChunk(config) };
  }

  run(config: InitConfig, options: InitEngineRunOptions = {}): Promise<InitStatsRun> {
    const current = this.queue.catch(() => undefined).then(() => this.execute(config, options));
    this.queue = current.catch(() => undefined);
    return current;
  }

  destroy(): void {
    this.jobs.destroy();
  }

  private async execute(rawConfig: InitConfig, options: InitEngineRunOptions): Promise<InitStatsRun> {
    const start = performance.now();
    const config = validateInitConfig({ ...rawConfig });
    const { signal } = options;
    signal?.throwIfAborted();
    if (options.theory && options.theory.length !== config.depth) {
      throw new Error(`the theory given has ${options.theory.length} layers, the configuration ${config.depth}`);
    }
    const theory = options.theory ?? meanFieldTheory(config);
    const initsPerChunk = Math.max(1, Math.min(config.inits, options.initsPerChunk ?? cpuInitsPerChunk(config)));
    const layers = Array.from({ length: config.depth }, () => createLayerAccumulators(config.bins, config.inits));
    for (let firstInit = 0; firstInit < config.inits; firstInit += initsPerChunk) {
      const inits = Math.min(initsPerChunk, config.inits - firstInit);
      const job = { kind: 'initChunk' as const, config, theory, firstInit, inits };
      const chunk = await abortable(this.jobs, () => this.jobs.run(job), signal);
      signal?.throwIfAborted();
      addChunk(layers, chunk, firstInit);
      const done = firstInit + inits;
      options.onProgress?.({ done, total: config.inits, partial: () => summarizeFirst(config, theory, layers, done) });
    }
    return {
      result: summarize(config, theory, layers),
      accumulators: layers,
      timeMs: performance.now() - start,
      flops: initStatsFlops(config),
      initsPerChunk,
    };
  }
}

/** The engine of the Initialization explorer on this backend (the GPU one compiles its default kernels). */
export async function createInitEngine(backend: ComputeBackend): Promise<InitEngine> {
  if (backend === 'cpu') return new CpuInitEngine();
  return InitStatsEngine.create(backend.device);
}
