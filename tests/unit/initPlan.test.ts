// How the initialization engine cuts a run to fit a device (pure numbers, no GPU).
import { describe, expect, it } from 'vitest';
import { validateInitConfig } from '../../src/core/initConfig';
import { type InitPlan, planInitRun, STATS_RECORD_WORDS, WEIGHT_ROW_TILE } from '../../src/gpu/initPlan';

const MIB = 1024 * 1024;
const device = {
  maxStorageBufferBindingSize: 128 * MIB,
  maxBufferSize: 256 * MIB,
  memoryBudgetBytes: 512 * MIB,
  reductionLanes: 8,
};

describe('planInitRun', () => {
  it('keeps W for the backward pass and takes all inits when a small run fits', () => {
    const plan = planInitRun(validateInitConfig({ width: 12, depth: 4, batch: 5, inits: 6 }), device);
    expect(plan.cacheWeights).toBe(true);
    expect(plan.initsPerChunk).toBe(6);
    expect(plan.strides).toEqual([16, 16, 16, 16, 16]);
    expect(plan.batchPadded).toBe(8);
    expect(plan.rowsPerBlock.slice(1)).toEqual([16, 16, 16, 16]);
  });

  it('pads the batch to whole batch tiles of layerForward/layerBackward: 4 rows up to 5, 8 up to 11, then 16', () => {
    const cases: [number, number, number][] = [
      [1, 4, 4],
      [5, 4, 8],
      [6, 8, 8],
      [11, 8, 16],
      [12, 16, 16],
      [17, 16, 32],
      [32, 16, 32],
    ];
    for (const [batch, tile, padded] of cases) {
      const plan = planInitRun(validateInitConfig({ width: 12, depth: 2, batch, inits: 2 }), device);
      expect([plan.batchTile, plan.batchPadded], `batch ${batch}`).toEqual([tile, padded]);
    }
  });

  it('splits width 16384 into row blocks of W that fit one binding, one init per chunk', () => {
    const config = validateInitConfig({ width: 16384, depth: 3, batch: 16, inits: 4 });
    const plan = planInitRun(config, device);
    expect(plan.cacheWeights).toBe(false);
    expect(plan.initsPerChunk).toBe(1);
    for (const rows of plan.rowsPerBlock.slice(1)) {
      expect(rows % WEIGHT_ROW_TILE).toBe(0);
      expect(rows * 16384 * 4).toBeLessThanOrEqual(device.maxStorageBufferBindingSize);
    }
    expect(plan.bytesPerChunk).toBeLessThanOrEqual(device.memoryBudgetBytes);
  });

  it('never makes a chunk exceed the memory budget or a buffer exceed a binding, statistics outputs included', () => {
    // The layerStats records and histograms of a chunk (z, a, δ of every layer), as initRecords.ts lays them out.
    const recordBytes = (plan: InitPlan, bins: number) =>
      plan.initsPerChunk *
      plan.slices.reduce((sum, slices, l) => sum + (l === 0 ? 0 : 3 * slices * (STATS_RECORD_WORDS + bins) * 4), 0);
    for (const shape of [
      { width: 256, depth: 8, batch: 32, inits: 256 },
      { width: 2048, depth: 4, batch: 16, inits: 4 },
      { width: 1024, depth: 200, batch: 4, inits: 65536 },
      // Deep and narrow with many inits: the records, not the activations, bound the chunk here
      // (869 inits per chunk would have needed 145 MiB of records in one binding).
      { width: 16, depth: 200, batch: 16, inits: 65536, bins: 64 },
      { width: 16, depth: 200, batch: 1024, inits: 65536, bins: 256 },
    ]) {
      const config = validateInitConfig(shape);
      const plan = planInitRun(config, device);
      const what = JSON.stringify(shape);
      expect(plan.bytesPerChunk, what).toBeLessThanOrEqual(device.memoryBudgetBytes);
      expect(plan.initsPerChunk * plan.batchPadded * Math.max(...plan.strides) * 4, what).toBeLessThanOrEqual(
        device.maxStorageBufferBindingSize,
      );
      expect(recordBytes(plan, config.bins), what).toBeLessThanOrEqual(device.maxStorageBufferBindingSize);
      expect(plan.initsPerChunk * config.depth * plan.normGroupsPerInit * 4, what).toBeLessThanOrEqual(
        device.maxStorageBufferBindingSize,
      );
    }
  });

  it('names what to lower when the activations of one init cannot fit', () => {
    expect(() => planInitRun(validateInitConfig({ width: 16384, depth: 200, batch: 1024, inits: 1 }), device)).toThrow(
      /lower the depth, the batch or the width/,
    );
  });
});
