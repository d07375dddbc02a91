// The phase engine's plan, without a GPU: chunks within the memory budget and the binding limit, and a
// walk over the grid by chunks that covers every (cell, copy) once, whatever the chunk sizes.
import { describe, expect, it } from 'vitest';
import { validatePhaseConfig } from '../../src/core/phaseConfig';
import { afterPhaseChunk, nextPhaseChunk, planPhaseRun } from '../../src/gpu/phasePlan';

const MIB = 1024 * 1024;
const budget = (memory: number, binding = 128 * MIB) => ({
  maxStorageBufferBindingSize: binding,
  maxBufferSize: 4 * binding,
  memoryBudgetBytes: memory,
});

describe('planPhaseRun', () => {
  it('keeps a chunk within the memory budget and every buffer within the binding limit', () => {
    const config = validatePhaseConfig({ cellsW: 32, cellsB: 32, inits: 16, width: 256, depth: 30, batch: 4 });
    const plan = planPhaseRun(config, budget(512 * MIB));
    expect(plan.ld).toBe(256);
    expect(plan.batchPadded).toBe(8);
    expect(plan.bytesPerChunk).toBeLessThanOrEqual(512 * MIB);
    expect(plan.largestBuffer).toBeLessThanOrEqual(128 * MIB);
    expect(plan.initsPerChunk).toBeGreaterThan(1000);
    expect(plan.initsPerChunk).toBeLessThan(32 * 32 * 16);
    expect(plan.copiesPerChunk).toBe(16);
  });

  it('refuses a network that cannot fit, naming what to lower', () => {
    const config = validatePhaseConfig({ width: 4096, depth: 200, batch: 256, inits: 1, cellsW: 1, cellsB: 1 });
    expect(() => planPhaseRun(config, budget(64 * MIB))).toThrow(/lower the width, the depth or the input pairs/);
  });
});

describe('nextPhaseChunk', () => {
  it.each([1, 2, 3, 5, 7, 100])('visits every (cell, copy) once in chunks of ≤ %i networks', (size) => {
    const config = validatePhaseConfig({ cellsW: 3, cellsB: 2, inits: 3, width: 16, depth: 4 });
    const plan = planPhaseRun(config, budget(64 * MIB));
    const seen = new Set<string>();
    let at = { cell: 0, copy: 0 };
    while (at.cell < 6) {
      const chunk = nextPhaseChunk(config, plan, at, size);
      expect(chunk.cells * chunk.copies).toBeLessThanOrEqual(Math.max(size, 1));
      for (let cell = chunk.firstCell; cell < chunk.firstCell + chunk.cells; cell++) {
        for (let copy = chunk.firstCopy; copy < chunk.firstCopy + chunk.copies; copy++) {
          const key = `${cell}:${copy}`;
          expect(seen.has(key)).toBe(false);
          seen.add(key);
        }
      }
      at = afterPhaseChunk(config, chunk);
    }
    expect(seen.size).toBe(18);
  });
});
