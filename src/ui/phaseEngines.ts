// The Signal propagation explorer's engine, from its backend. A run has two stages:
//   1. the networks: the records of every cell and copy (core/phase.ts), from a PhaseRecordSource;
//   2. the cells: measured curves and summaries from the records beside the mean-field theory
//      (combinePhaseRecords) in a pool of workers (workerPool.ts), a few rows of σ_b² per job.
// The theory (phaseTheory per cell) is most of the time and depends on neither the networks nor their width, K,
// batch or seed: it starts with stage 1, one row per job in the pool, and is cached per cell
// (phaseTheoryCache.ts), so a move of those knobs skips it. Progress counts rows whose theory is done.
// Without WebGPU, stage 1 is the CPU twin (phaseRecordsCpu) in the worker, a piece of copies per job sized to
// take ~150 ms, so progress shows between pieces and an abort terminates the worker. On a WebGPU device (a GPU
// or the software adapter) the GPU engine (src/gpu/phaseEngine.ts, PhaseEngine) fills the same records.

import { joinPhaseRecords, type PhaseCell, type PhaseRecords, type PhaseTheory } from '../core/phase';
import { cellSb2, cellSw2, type PhaseConfig } from '../core/phaseConfig';
import { PhaseEngine } from '../gpu/phaseEngine';
import { nextChunkSize } from '../gpu/submitBudget';
import { abortable, type CpuTwinJob, CpuTwinJobs, phaseRowRecords } from './cpuTwinJobs';
import type { ComputeBackend } from './explorer';
import { PhaseTheoryCache, phaseCellTheoryKey } from './phaseTheoryCache';
import { type JobLane, WorkerPool, workerPoolSize } from './workerPool';

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

/** The page's theory cache: it outlives a view (a visit to another view and back, a restart after a lost device). */
const pageTheoryCache = new PhaseTheoryCache();

/** The theory pool's lanes: workers of CPU twin jobs. */
export type TheoryPool = WorkerPool<CpuTwinJob, unknown>;

export class PhaseEngineOnBackend implements PhaseViewEngine {
  constructor(
    private readonly records: PhaseRecordSource,
    private readonly pool: TheoryPool,
    readonly theoryCache = new PhaseTheoryCache(),
  ) {}

  async run(config: PhaseConfig, options: PhaseRunOptions = {}): Promise<PhaseCell[]> {
    const { signal, onProgress } = options;
    let networksDone = false;
    let theoryRows = 0;
    const theoryProgress = (rows: number) => {
      theoryRows = rows;
      if (networksDone) onProgress?.({ stage: 'theory', done: rows, total: config.cellsB });
    };
    onProgress?.({ stage: 'networks', done: 0, total: config.inits });
    const theoriesDone = this.theories(config, signal, theoryProgress);
    theoriesDone.catch(() => undefined); // awaited below; an abort rejects both stages
    let records: PhaseRecords;
    try {
      records = await this.records.run(config, {
        signal,
        onProgress: (done) => onProgress?.({ stage: 'networks', done, total: config.inits }),
      });
      signal?.throwIfAborted();
    } catch (error) {
      this.pool.cancel(); // the theory of a failed run would hold the pool's workers for nothing
      throw error;
    }
    networksDone = true;
    theoryProgress(theoryRows);
    const theories = await theoriesDone;
    const rowsPerJob = Math.ceil(config.cellsB / this.pool.size);
    const jobs: CpuTwinJob[] = [];
    for (let firstRow = 0; firstRow < config.cellsB; firstRow += rowsPerJob) {
      const rows = Math.min(rowsPerJob, config.cellsB - firstRow);
      const rowRecords = phaseRowRecords(config, records, firstRow, rows);
      const rowTheories = theories.slice(firstRow * config.cellsW, (firstRow + rows) * config.cellsW);
      jobs.push({
        kind: 'phaseRows',
        config,
        records: rowRecords,
        firstRow,
        rows,
        theories: rowTheories,
      });
    }
    const pieces = (await this.pool.map(jobs, { signal })) as PhaseCell[][];
    return pieces.flat();
  }

  /** phaseTheory of every cell (index ib · cellsW + iw): the cache's, the rest one row per job in the pool. */
  private async theories(
    config: PhaseConfig,
    signal: AbortSignal | undefined,
    onRows: (rowsDone: number) => void,
  ): Promise<PhaseTheory[]> {
    const theories = new Array<PhaseTheory>(config.cellsW * config.cellsB);
    const jobs: Extract<CpuTwinJob, { kind: 'phaseTheory' }>[] = [];
    const missing: { cell: number; key: string }[][] = [];
    for (let ib = 0; ib < config.cellsB; ib++) {
      const settings: { sw2: number; sb2: number }[] = [];
      const cells: { cell: number; key: string }[] = [];
      for (let iw = 0; iw < config.cellsW; iw++) {
        const cell = ib * config.cellsW + iw;
        const key = phaseCellTheoryKey(config, iw, ib);
        const known = this.theoryCache.get(key);
        if (known) {
          theories[cell] = known;
          continue;
        }
        settings.push({ sw2: cellSw2(config, iw), sb2: cellSb2(config, ib) });
        cells.push({ cell, key });
      }
      if (settings.length === 0) continue;
      const { activation, c0, depth } = config;
      jobs.push({ kind: 'phaseTheory', activation, c0, depth, settings });
      missing.push(cells);
    }
    const cachedRows = config.cellsB - jobs.length;
    onRows(cachedRows);
    if (jobs.length === 0) return theories;
    await this.pool.map(jobs, {
      signal,
      // Each row is cached as it arrives: a run aborted for newer settings keeps the rows it finished.
      onDone: (done, _total, index, result) => {
        (result as PhaseTheory[]).forEach((theory, k) => {
          theories[missing[index][k].cell] = theory;
          this.theoryCache.set(missing[index][k].key, theory);
        });
        onRows(cachedRows + done);
      },
    });
    return theories;
  }

  destroy(): void {
    this.records.destroy();
    this.pool.destroy();
  }
}

/** The theory pool: workerPoolSize() workers of CPU twin jobs. */
export function createTheoryPool(size = workerPoolSize()): TheoryPool {
  return new WorkerPool<CpuTwinJob, unknown>(
    size,
    (index) => new CpuTwinJobs(`phase-diagram theory ${index + 1}`) as JobLane<CpuTwinJob, unknown>,
  );
}

/** The engine of the Signal propagation explorer on this backend. */
export async function createPhaseEngine(backend: ComputeBackend): Promise<PhaseViewEngine> {
  const records =
    backend === 'cpu'
      ? new WorkerPhaseRecords(new CpuTwinJobs('phase-diagram CPU twin'))
      : new GpuPhaseRecords(await PhaseEngine.create(backend));
  return new PhaseEngineOnBackend(records, createTheoryPool(), pageTheoryCache);
}
