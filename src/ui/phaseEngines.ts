// The Signal propagation explorer's engine, from its backend. A run has two stages:
//   1. the networks: the records of every cell and copy (core/phase.ts), from a PhaseRecordSource;
//   2. the cells: measured curves and summaries from the records beside the mean-field theory
//      (combinePhaseRecords), in a Web Worker one row of σ_b² per job (the theory is most of the time).
// Without WebGPU, stage 1 is the CPU twin (phaseRecordsCpu) in the worker, a piece of copies per job sized to
// take ~150 ms, so progress shows between pieces and an abort terminates the worker. On a WebGPU device (a GPU
// or the software adapter) the GPU engine (src/gpu/phaseEngine.ts, PhaseEngine) fills the same records.

import { joinPhaseRecords, type PhaseCell, type PhaseRecords } from '../core/phase';
import type { PhaseConfig } from '../core/phaseConfig';
import { PhaseEngine } from '../gpu/phaseEngine';
import { nextChunkSize } from '../gpu/submitBudget';
import { abortable, CpuTwinJobs } from './cpuTwinJobs';
import type { ComputeBackend } from './explorer';

export type PhaseStage = 'networks' | 'theory';

export interface PhaseProgress {
  stage: PhaseStage;
  /** Copies (networks) or rows (theory) done so far, of `total`. */
  done: number;
  total: number;
}

export interface PhaseRunOptions {
  signal?: AbortSignal;
  onProgress?: (progress: PhaseProgress) => void;
}

/** Stage 1: the records of every (cell, copy, layer). PhaseEngine of src/gpu/phaseEngine.ts has this shape. */
export interface PhaseRecordSource {
  run(
    config: PhaseConfig,
    options: { signal?: AbortSignal; onProgress?: (copiesDone: number) => void },
  ): Promise<PhaseRecords>;
  destroy(): void;
}

export interface PhaseViewEngine {
  /** Every cell of the grid, measured beside the theory; rejects with an AbortError when the signal fires. */
  run(config: PhaseConfig, options?: PhaseRunOptions): Promise<PhaseCell[]>;
  destroy(): void;
}

/** A worker job is sized to take about this long. */
const TARGET_JOB_MS = 150;

/** The CPU twin's records in the worker, a piece of copies per job (the first job takes one copy). */
export class WorkerPhaseRecords implements PhaseRecordSource {
  constructor(private readonly jobs: CpuTwinJobs) {}

  async run(
    config: PhaseConfig,
    options: { signal?: AbortSignal; onProgress?: (copiesDone: number) => void } = {},
  ): Promise<PhaseRecords> {
    const pieces: { firstCopy: number; records: PhaseRecords }[] = [];
    let firstCopy = 0;
    let copies = 1;
    while (firstCopy < config.inits) {
      const count = Math.min(copies, config.inits - firstCopy);
      const started = performance.now();
      const job = { kind: 'phaseCopies' as const, config, firstCopy, copies: count };
      const records = await abortable(this.jobs, () => this.jobs.run(job), options.signal);
      pieces.push({ firstCopy, records });
      firstCopy += count;
      options.onProgress?.(firstCopy);
      copies = nextChunkSize(Math.max(1, performance.now() - started) / count, TARGET_JOB_MS, config.inits, count);
    }
    return joinPhaseRecords(config, pieces);
  }

  destroy(): void {
    this.jobs.destroy();
  }
}

/** The GPU engine's records, its progress (networks of all cells) told as copies of every cell. */
class GpuPhaseRecords implements PhaseRecordSource {
  constructor(private readonly engine: PhaseEngine) {}

  run(
    config: PhaseConfig,
    options: { signal?: AbortSignal; onProgress?: (copiesDone: number) => void } = {},
  ): Promise<PhaseRecords> {
    const { signal, onProgress } = options;
    return this.engine.run(config, {
      signal,
      onProgress: (done, total) => onProgress?.(Math.floor((config.inits * done) / Math.max(1, total))),
    });
  }

  destroy(): void {
    this.engine.destroy();
  }
}

export class PhaseEngineOnBackend implements PhaseViewEngine {
  constructor(
    private readonly records: PhaseRecordSource,
    private readonly theoryJobs: CpuTwinJobs,
  ) {}

  async run(config: PhaseConfig, options: PhaseRunOptions = {}): Promise<PhaseCell[]> {
    const { signal, onProgress } = options;
    onProgress?.({ stage: 'networks', done: 0, total: config.inits });
    const records = await this.records.run(config, {
      signal,
      onProgress: (done) => onProgress?.({ stage: 'networks', done, total: config.inits }),
    });
    signal?.throwIfAborted();
    const cells: PhaseCell[] = [];
    for (let firstRow = 0; firstRow < config.cellsB; firstRow++) {
      onProgress?.({ stage: 'theory', done: firstRow, total: config.cellsB });
      const job = { kind: 'phaseRows' as const, config, records, firstRow, rows: 1 };
      cells.push(...(await abortable(this.theoryJobs, () => this.theoryJobs.run(job), signal)));
    }
    onProgress?.({ stage: 'theory', done: config.cellsB, total: config.cellsB });
    return cells;
  }

  destroy(): void {
    this.records.destroy();
    this.theoryJobs.destroy();
  }
}

/** The engine of the Signal propagation explorer on this backend. */
export async function createPhaseEngine(backend: ComputeBackend): Promise<PhaseViewEngine> {
  const jobs = new CpuTwinJobs('phase-diagram CPU twin');
  if (backend === 'cpu') return new PhaseEngineOnBackend(new WorkerPhaseRecords(jobs), jobs);
  try {
    return new PhaseEngineOnBackend(new GpuPhaseRecords(await PhaseEngine.create(backend)), jobs);
  } catch (error) {
    jobs.destroy();
    throw error;
  }
}
