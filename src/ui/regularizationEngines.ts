// The Regularization explorer's engine, from its backend: the GPU engine (src/gpu/regularization.ts) on a
// WebGPU device, or CpuRegularizationEngine without WebGPU: the CPU twins (core/gridLoss.ts: gridLoss,
// gridPenalty, gridArgmin, in f64) in a Web Worker, J cached per data as the GPU engine caches it, so a λ
// move reruns only the cheap penalty passes. Both satisfy RegularizationEvaluator.

import type { GridMinimum, Penalty } from '../core/gridLoss';
import {
  nonFiniteNotice,
  penaltyRequests,
  type RegularizationConfig,
  regularizationDataOptions,
  regularizationWindow,
} from '../core/regularizationConfig';
import { generateRegularizationData, type RegularizationData } from '../core/regularizationModels';
import {
  RegularizationEngine,
  type RegularizationResult,
  type RegularizationSurface,
  regularizationDataKey,
} from '../gpu/regularization';
import { abortable, CpuTwinJobs } from './cpuTwinJobs';
import type { ComputeBackend } from './explorer';

/** What the explorer asks of an evaluation: minima come unrefined (regularizationRuns.ts refines them in workers). */
export interface RegularizationEvaluateOptions {
  /** More surfaces next to the config's own penalty (λ and mix: the config's). */
  extraPenalties?: readonly Penalty[];
  refine: false;
  /** Newer settings: a long pass (J) stops; the GPU engine and the cheap passes finish (drawn as feedback). */
  signal?: AbortSignal;
  /** Rows of J done so far, while a big J is computed in bands (the GPU engine; the CPU one has no bands). */
  onProgress?: (progress: { rowsDone: number; rows: number }) => void;
}

export interface RegularizationEvaluator {
  /** J (when its data changed) and J + λ·P per penalty, with their grid minima; calls run one after another. */
  evaluate(config: RegularizationConfig, options: RegularizationEvaluateOptions): Promise<RegularizationResult>;
  destroy(): void;
}

interface CachedJ {
  key: string;
  data: RegularizationData;
  /** f64, as the CPU twin computed it: the penalty passes start from it. */
  dataLoss: Float64Array;
  /** f32, as drawn. */
  values: Float32Array;
  minimum: GridMinimum | null;
  nonFinite: number;
}

export class CpuRegularizationEngine implements RegularizationEvaluator {
  private readonly jobs = new CpuTwinJobs('regularization CPU twin');
  private cache: CachedJ | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  evaluate(config: RegularizationConfig, options: RegularizationEvaluateOptions): Promise<RegularizationResult> {
    const run = this.queue.then(() => this.evaluateNow(config, options));
    this.queue = run.catch(() => undefined);
    return run;
  }

  destroy(): void {
    this.jobs.destroy();
    this.cache = undefined;
  }

  private async evaluateNow(
    config: RegularizationConfig,
    options: RegularizationEvaluateOptions,
  ): Promise<RegularizationResult> {
    const start = performance.now();
    const G = config.grid;
    const window = regularizationWindow(config);
    const requests = penaltyRequests(config, options.extraPenalties ?? []);
    const key = regularizationDataKey(config, G);
    const cached = this.cache?.key === key ? this.cache : undefined;
    const data = cached?.data ?? generateRegularizationData(config.model, regularizationDataOptions(config));
    const job = { kind: 'grid' as const, model: config.model, data, window, G, requests, dataLoss: cached?.dataLoss };
    // Only gridLoss takes long (G²·N terms): that one stops for newer settings.
    const passes = cached
      ? await this.jobs.run(job)
      : await abortable(this.jobs, () => this.jobs.run(job), options.signal);
    const J: CachedJ = cached ?? {
      key,
      data,
      dataLoss: passes.dataLoss,
      values: Float32Array.from(passes.dataLoss),
      minimum: passes.dataMinimum,
      nonFinite: passes.dataNonFinite,
    };
    this.cache = J;
    const surfaces: RegularizationSurface[] = requests.map((request, slot) => {
      const { values, minimum, nonFinite } = passes.surfaces[slot];
      return { ...request, values, minimum: { grid: minimum, refined: null }, nonFinite };
    });
    const notices: string[] = [];
    if (J.nonFinite > 0) notices.push(nonFiniteNotice('J', J.nonFinite, G));
    if (surfaces[0].nonFinite > J.nonFinite) notices.push(nonFiniteNotice('J + λ·P', surfaces[0].nonFinite, G));
    return {
      config: { ...config, grid: G },
      G,
      window,
      data,
      notices,
      dataLoss: J.values,
      penalized: surfaces[0].values,
      surfaces,
      minima: { J: { grid: J.minimum, refined: null }, penalized: surfaces[0].minimum },
      nonFinite: { dataLoss: J.nonFinite, penalized: surfaces[0].nonFinite },
      timeMs: performance.now() - start,
      dispatchedGridLoss: !cached,
    };
  }
}

/** The engine of the Regularization explorer on this backend. */
export async function createRegularizationEngine(backend: ComputeBackend): Promise<RegularizationEvaluator> {
  if (backend === 'cpu') return new CpuRegularizationEngine();
  return RegularizationEngine.create(backend.device);
}
