// The Signal propagation view's theory stage: the per-cell cache of phaseTheory, the pool of workers the rows
// run in (here inline lanes: Node has no Worker), and the engine over both, which gives the CPU twin's cells.
import { describe, expect, it } from 'vitest';
import { combinePhaseRecords, phaseGridCpu, phaseRecordsCpu, phaseTheory } from '../../src/core/phase';
import { cellSb2, cellSw2, validatePhaseConfig } from '../../src/core/phaseConfig';
import { CpuTwinJobs } from '../../src/ui/cpuTwinJobs';
import { createTheoryPool, PhaseEngineOnBackend, WorkerPhaseRecords } from '../../src/ui/phaseEngines';
import { PhaseTheoryCache, phaseTheoryKey } from '../../src/ui/phaseTheoryCache';
import { type JobLane, WorkerPool, workerPoolSize } from '../../src/ui/workerPool';

const config = validatePhaseConfig({ cellsW: 3, cellsB: 2, width: 8, depth: 6, inits: 2, batch: 2, seed: 5 });

describe('PhaseTheoryCache', () => {
  it('hits the same (activation, σ_w², σ_b², c0, depth); a changed depth, c0 or σ² misses', () => {
    const cache = new PhaseTheoryCache();
    const theory = phaseTheory('tanh', 1.5, 0.1, 0.5, 6);
    cache.set(phaseTheoryKey('tanh', 1.5, 0.1, 0.5, 6), theory);
    expect(cache.get(phaseTheoryKey('tanh', 1.5, 0.1, 0.5, 6))).toBe(theory);
    expect(cache.get(phaseTheoryKey('tanh', 1.5, 0.1, 0.5, 7))).toBeUndefined();
    expect(cache.get(phaseTheoryKey('tanh', 1.5, 0.1, 0.4, 6))).toBeUndefined();
    expect(cache.get(phaseTheoryKey('tanh', 1.5000000000000002, 0.1, 0.5, 6))).toBeUndefined();
    expect(cache.get(phaseTheoryKey('relu', 1.5, 0.1, 0.5, 6))).toBeUndefined();
    expect([cache.hits, cache.misses]).toEqual([1, 4]);
  });

  it('drops the least recently used cells beyond its capacity in layers', () => {
    const cache = new PhaseTheoryCache(12); // two cells of depth 6
    const [a, b, c] = [1, 2, 3].map((sw2) => phaseTheory('tanh', sw2, 0.1, 0.5, 6));
    cache.set('a', a);
    cache.set('b', b);
    cache.get('a'); // b is now the oldest
    cache.set('c', c);
    expect(cache.size).toBe(2);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe(a);
    expect(cache.get('c')).toBe(c);
  });

  it('combinePhaseRecords with the theories given is the uncached combine, value for value', () => {
    const records = phaseRecordsCpu(config);
    const theories = [];
    for (let ib = 0; ib < config.cellsB; ib++) {
      for (let iw = 0; iw < config.cellsW; iw++) {
        theories.push(phaseTheory(config.activation, cellSw2(config, iw), cellSb2(config, ib), config.c0, 6));
      }
    }
    expect(combinePhaseRecords(config, records, theories)).toEqual(combinePhaseRecords(config, records));
  });
});

/** A lane that answers job n with n² after `delays[n]` ms, and records what it ran and whether it was cancelled. */
function slowLane(delays: readonly number[], log: { started: number[]; cancelled: number }): JobLane<number, number> {
  let timers: ReturnType<typeof setTimeout>[] = [];
  let rejects: ((error: Error) => void)[] = [];
  return {
    run: (job) =>
      new Promise((resolve, reject) => {
        log.started.push(job);
        rejects.push(reject);
        timers.push(setTimeout(() => resolve(job * job), delays[job]));
      }),
    cancel: () => {
      log.cancelled++;
      for (const timer of timers) clearTimeout(timer);
      for (const reject of rejects) reject(new Error('cancelled'));
      [timers, rejects] = [[], []];
    },
    destroy: () => undefined,
  };
}

describe('WorkerPool', () => {
  const jobs = Array.from({ length: 12 }, (_, n) => n);
  const delays = jobs.map((n) => [7, 1, 4, 0, 9, 2][n % 6]);

  it('gives the results in the jobs’ order, the same as one lane, with progress after each', async () => {
    const log = { started: [] as number[], cancelled: 0 };
    const one = await new WorkerPool(1, () => slowLane(delays, log)).map(jobs);
    const done: number[] = [];
    const four = await new WorkerPool(4, () => slowLane(delays, log)).map(jobs, {
      onDone: (count) => done.push(count),
    });
    expect(four).toEqual(one);
    expect(four).toEqual(jobs.map((n) => n * n));
    expect(done).toEqual(jobs.map((n) => n + 1));
  });

  it('an abort cancels every lane and rejects with an AbortError; no job starts after it', async () => {
    const log = { started: [] as number[], cancelled: 0 };
    const pool = new WorkerPool(3, () => slowLane(delays, log));
    const controller = new AbortController();
    const running = pool.map(jobs, { signal: controller.signal });
    await new Promise((resolve) => setTimeout(resolve, 3));
    controller.abort();
    await expect(running).rejects.toMatchObject({ name: 'AbortError' });
    const started = log.started.length;
    expect(log.cancelled).toBe(3);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(log.started.length).toBe(started);
    expect(started).toBeLessThan(jobs.length);
  });

  it('sizes itself min(cores − 1, 4), at least 1', () => {
    expect([1, 2, 4, 6, 16].map(workerPoolSize)).toEqual([1, 1, 3, 4, 4]);
  });
});

describe('PhaseEngineOnBackend (inline workers)', () => {
  it('gives the CPU twin’s cells; a new seed or width reuses the cached theory, a new c0 computes it', async () => {
    const engine = new PhaseEngineOnBackend(new WorkerPhaseRecords(new CpuTwinJobs('test')), createTheoryPool(3));
    const theoryRows: number[] = [];
    const cells = await engine.run(config, {
      onProgress: ({ stage, done }) => stage === 'theory' && theoryRows.push(done),
    });
    expect(cells).toEqual(phaseGridCpu(config));
    expect(theoryRows.at(-1)).toBe(config.cellsB);
    const cellCount = config.cellsW * config.cellsB;
    expect(engine.theoryCache.misses).toBe(cellCount);
    for (const next of [
      { ...config, seed: 6 },
      { ...config, width: 12, inits: 3 },
    ]) {
      expect(await engine.run(next)).toEqual(phaseGridCpu(next));
      expect(engine.theoryCache.misses).toBe(cellCount);
    }
    const moved = { ...config, c0: 0.3 };
    expect(await engine.run(moved)).toEqual(phaseGridCpu(moved));
    expect(engine.theoryCache.misses).toBe(2 * cellCount);
    engine.destroy();
  });
});
