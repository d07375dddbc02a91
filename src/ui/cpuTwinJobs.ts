// The jobs of the page's CPU backend (no WebGPU): pieces of the CPU twins of core/ small enough to run
// one at a time in a Web Worker (src/ui/cpuTwinWorker.ts, through src/ui/workerJobs.ts), so the page never
// blocks, progress shows between pieces and an abort terminates the worker. Every job is stateless: it
// carries what it needs (a configuration, the parameters so far) and returns plain data.
// The engines built on them: initEngines.ts, regularizationEngines.ts, trainingEngines.ts, phaseEngines.ts.

import type { Activation } from '../core/activations';
import { decisionGrid, type InputWindow } from '../core/decisionGrid';
import { type GridMinimum, type GridWindow, gridArgmin, gridLoss, gridPenalty } from '../core/gridLoss';
import type { InitConfig } from '../core/initConfig';
import { initChunkAccumulators } from '../core/initStats';
import type { TheoryLayer } from '../core/meanField';
import {
  combinePhaseRecords,
  type PhaseCell,
  type PhaseRecords,
  type PhaseTheory,
  phaseRecordsCpu,
  phaseTheory,
} from '../core/phase';
import { cellSb2, type PhaseConfig } from '../core/phaseConfig';
import type { PenaltyRequest } from '../core/regularizationConfig';
import type { RegularizationData, RegularizationModel } from '../core/regularizationModels';
import { type CriticalPoint, criticalLine } from '../core/signalPropagation';
import type { LayerAccumulators } from '../core/stats';
import { type TrainabilityParams, type TrainabilityResult, trainabilityPieceCpu } from '../core/trainability';
import type { TrainabilityConfig } from '../core/trainabilityConfig';
import type { TrainConfig } from '../core/trainConfig';
import { trainInit } from '../core/trainInit';
import { prepareRun } from '../core/trainingEngine';
import { trainMetrics } from '../core/trainMetrics';
import { trainStep } from '../core/trainStep';
import { abortReason, WorkerJobs } from './workerJobs';

/** One surface of a grid job: J + λ·P in f32 (what is drawn), its grid minimum (from f64), its non-finite cells. */
export interface GridSurface {
  values: Float32Array;
  minimum: GridMinimum | null;
  nonFinite: number;
}

export type CpuTwinJob =
  /** Inits firstInit … firstInit + inits − 1 of an initialization run (core/initStats.ts). */
  | { kind: 'initChunk'; config: InitConfig; theory: TheoryLayer[]; firstInit: number; inits: number }
  /** J on the grid unless given (f64), then J + λ·P, its argmin and its f32 values per request (core/gridLoss.ts). */
  | {
      kind: 'grid';
      model: RegularizationModel;
      data: RegularizationData;
      window: GridWindow;
      G: number;
      requests: PenaltyRequest[];
      dataLoss?: Float64Array;
    }
  /** Fresh parameters of every copy (core/trainInit.ts). */
  | { kind: 'trainInit'; config: TrainConfig }
  /** `count` full-batch steps from `params` (core/trainStep.ts). */
  | { kind: 'trainSteps'; config: TrainConfig; params: Float64Array; count: number }
  /** Loss and accuracy of every copy (core/trainMetrics.ts). */
  | { kind: 'trainMetrics'; config: TrainConfig; params: Float64Array }
  /** σ(z[L]) of one copy on a G×G input grid (core/decisionGrid.ts). */
  | { kind: 'decisionGrid'; config: TrainConfig; params: Float64Array; copy: number; G: number; window: InputWindow }
  /** Records of copies firstCopy … firstCopy + copies − 1 of every cell of a phase grid (core/phase.ts). */
  | { kind: 'phaseCopies'; config: PhaseConfig; firstCopy: number; copies: number }
  /**
   * Rows firstRow … firstRow + rows − 1 of a phase grid: measured (from all copies' records of these rows,
   * phaseRowRecords) beside the theory (theories[cell − firstRow · cellsW] when given).
   */
  | {
      kind: 'phaseRows';
      config: PhaseConfig;
      records: PhaseRecords;
      firstRow: number;
      rows: number;
      theories?: PhaseTheory[];
    }
  /** phaseTheory of each (σ_w², σ_b²) (core/phase.ts). */
  | { kind: 'phaseTheory'; activation: Activation; c0: number; depth: number; settings: { sw2: number; sb2: number }[] }
  /** The theory's critical line χ₁ = 1 at `count` σ_b² in [sb2Min, sb2Max] (core/signalPropagation.ts). */
  | { kind: 'criticalLine'; activation: Activation; sb2Min: number; sb2Max: number; count: number }
  /** `count` steps of a trainability grid from `params` (the init when absent); the result at `finish`. */
  | {
      kind: 'trainabilityPiece';
      config: TrainabilityConfig;
      params?: TrainabilityParams;
      count: number;
      finish: boolean;
    };

export interface GridJobResult {
  dataLoss: Float64Array;
  dataMinimum: GridMinimum | null;
  /** Cells of J that are not finite in f32 (as drawn). */
  dataNonFinite: number;
  surfaces: GridSurface[];
}

export interface CpuTwinJobResult {
  initChunk: LayerAccumulators[];
  grid: GridJobResult;
  trainInit: Float64Array;
  trainSteps: Float64Array;
  trainMetrics: Float64Array;
  decisionGrid: Float64Array;
  phaseCopies: PhaseRecords;
  phaseRows: PhaseCell[];
  phaseTheory: PhaseTheory[];
  criticalLine: CriticalPoint[];
  trainabilityPiece: { params: TrainabilityParams; result?: TrainabilityResult };
}

function countNonFinite(values: Float32Array): number {
  let count = 0;
  for (const value of values) if (!Number.isFinite(value)) count++;
  return count;
}

function gridJob(job: Extract<CpuTwinJob, { kind: 'grid' }>): GridJobResult {
  const { model, data, window, G } = job;
  const dataLoss = job.dataLoss ?? gridLoss(model, data, window, G);
  const surfaces = job.requests.map(({ penalty, lambda, mix }) => {
    const penalized = gridPenalty(dataLoss, window, G, penalty, lambda, mix);
    const values = Float32Array.from(penalized);
    return { values, minimum: gridArgmin(penalized, window, G), nonFinite: countNonFinite(values) };
  });
  return {
    dataLoss,
    dataMinimum: gridArgmin(dataLoss, window, G),
    dataNonFinite: countNonFinite(Float32Array.from(dataLoss)),
    surfaces,
  };
}

/** The data and layout of a training configuration, kept for the next job of the same run. */
let preparedRun: { key: string; run: ReturnType<typeof prepareRun> } | undefined;

function prepared(config: TrainConfig): ReturnType<typeof prepareRun> {
  const key = JSON.stringify(config);
  if (preparedRun?.key !== key) preparedRun = { key, run: prepareRun(config) };
  return preparedRun.run;
}

/**
 * combinePhaseRecords of rows firstRow … firstRow + rows − 1 only (the theory is most of a grid's time, so it
 * goes in pieces too): each row as a grid of one row whose σ_b² is that row's exactly, then renumbered.
 * `records` are those of the rows only (phaseRowRecords: less to post than the whole grid's);
 * `theories` (phaseTheory's of the rows' cells, in order) are used instead of computing them.
 */
export function combinePhaseRows(
  config: PhaseConfig,
  records: PhaseRecords,
  firstRow: number,
  rows: number,
  theories?: readonly PhaseTheory[],
): PhaseCell[] {
  const perRow = config.cellsW * config.inits * config.depth;
  const cells: PhaseCell[] = [];
  for (let ib = firstRow; ib < Math.min(config.cellsB, firstRow + rows); ib++) {
    const sb2 = cellSb2(config, ib);
    const row = { ...config, cellsB: 1, sb2Min: sb2, sb2Max: sb2 };
    const at = ib - firstRow;
    const slice = (array: Float64Array | Uint8Array) => array.subarray(at * perRow, (at + 1) * perRow);
    const rowSlice = {
      zSquare: slice(records.zSquare) as Float64Array,
      cosine: slice(records.cosine) as Float64Array,
      deltaSquare: slice(records.deltaSquare) as Float64Array,
      finite: slice(records.finite) as Uint8Array,
    };
    const offset = (ib - firstRow) * config.cellsW;
    const rowTheories = theories?.slice(offset, offset + config.cellsW);
    for (const cell of combinePhaseRecords(row, rowSlice, rowTheories)) cells.push({ ...cell, ib });
  }
  return cells;
}

/** The records of rows firstRow … firstRow + rows − 1 of a grid's records (copies, for a phaseRows job). */
export function phaseRowRecords(config: PhaseConfig, records: PhaseRecords, firstRow: number, rows: number) {
  const perRow = config.cellsW * config.inits * config.depth;
  const [from, to] = [firstRow * perRow, Math.min(config.cellsB, firstRow + rows) * perRow];
  return {
    zSquare: records.zSquare.slice(from, to),
    cosine: records.cosine.slice(from, to),
    deltaSquare: records.deltaSquare.slice(from, to),
    finite: records.finite.slice(from, to),
  };
}

/** Runs a job on this thread: the worker's body, and the fallback where workers fail. */
export function runCpuTwinJob(job: CpuTwinJob): CpuTwinJobResult[CpuTwinJob['kind']] {
  switch (job.kind) {
    case 'initChunk':
      return initChunkAccumulators(job.config, job.theory, job.firstInit, job.inits);
    case 'grid':
      return gridJob(job);
    case 'trainInit': {
      const { config } = job;
      return trainInit(
        prepared(config).layout,
        config.scheme,
        config.scale,
        config.biasStd,
        config.seed,
        config.copies,
      );
    }
    case 'trainSteps': {
      const { config, params } = job;
      const { layout, data } = prepared(config);
      for (let s = 0; s < job.count; s++) trainStep(layout, config.activation, config, data, params, config.copies);
      return params;
    }
    case 'trainMetrics': {
      const { layout, data } = prepared(job.config);
      return trainMetrics(layout, job.config.activation, data, job.params, job.config.copies);
    }
    case 'decisionGrid': {
      const { layout } = prepared(job.config);
      return decisionGrid(layout, job.config.activation, job.params, job.copy, job.G, job.window);
    }
    case 'phaseCopies':
      return phaseRecordsCpu(job.config, job.firstCopy, job.copies);
    case 'phaseRows':
      return combinePhaseRows(job.config, job.records, job.firstRow, job.rows, job.theories);
    case 'phaseTheory':
      return job.settings.map(({ sw2, sb2 }) => phaseTheory(job.activation, sw2, sb2, job.c0, job.depth));
    case 'criticalLine':
      return criticalLine(job.activation, job.sb2Min, job.sb2Max, job.count);
    case 'trainabilityPiece':
      return trainabilityPieceCpu(job.config, job.params, job.count, job.finish);
  }
}

/** One worker of CPU twin jobs; `run` resolves with the job's result, or rejects with Error('cancelled'). */
export class CpuTwinJobs {
  private readonly jobs: WorkerJobs<CpuTwinJob, unknown>;

  constructor(label: string) {
    this.jobs = new WorkerJobs<CpuTwinJob, unknown>(
      label,
      () => new Worker(new URL('./cpuTwinWorker.ts', import.meta.url), { type: 'module', name: label }),
      runCpuTwinJob,
    );
  }

  run<K extends CpuTwinJob['kind']>(job: Extract<CpuTwinJob, { kind: K }>): Promise<CpuTwinJobResult[K]> {
    return this.jobs.run(job) as Promise<CpuTwinJobResult[K]>;
  }

  /** Abandons the job in flight (its promise rejects): the worker is terminated, the next job starts a new one. */
  cancel(): void {
    this.jobs.cancel();
  }

  destroy(): void {
    this.jobs.destroy();
  }
}

/**
 * `work` (a job of `jobs`), or an AbortError as soon as `signal` fires: the worker is terminated then, so a
 * long job stops at once instead of finishing for nothing.
 */
export async function abortable<T>(jobs: CpuTwinJobs, work: () => Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return work();
  signal.throwIfAborted();
  const onAbort = () => jobs.cancel();
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    return await work();
  } catch (error) {
    if (signal.aborted) throw abortReason(signal);
    throw error;
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}
