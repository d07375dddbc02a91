// How the initialization engine cuts a run to fit a device (pure numbers, no GPU).
import { describe, expect, it } from 'vitest';
import { validateInitConfig } from '../../src/core/initConfig';
import {
  type InitPlan,
  layerWorkgroups,
  planInitRun,
  STATS_RECORD_WORDS,
  WEIGHT_ROW_TILE,
} from '../../src/gpu/initPlan';

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

describe('planInitRun under real devices (issue 12: plans from the device, not from constants)', () => {
  const GIB = 1024 * MIB;
  // Limits as WebGPU reports them (after requestGpu raises the buffer limits to the adapter's), and the page's
  // memory cap (INIT_PARAMS gpuMemory: gpuDefault 2048 MiB).
  const PROFILES = {
    'H200-class (Chrome, Vulkan)': { maxStorageBufferBindingSize: 4 * GIB - 4, maxBufferSize: 16 * GIB },
    'laptop GPU': { maxStorageBufferBindingSize: 1 * GIB, maxBufferSize: 2 * GIB },
    "Chrome's defaults": { maxStorageBufferBindingSize: 128 * MIB, maxBufferSize: 256 * MIB },
  };
  const SHAPES = [
    { inits: 1024, batch: 16, width: 4096, depth: 10 },
    { inits: 4, batch: 16, width: 16384, depth: 10 },
    { inits: 256, batch: 64, width: 8192, depth: 10 },
  ];

  for (const [name, limits] of Object.entries(PROFILES)) {
    it(`gives a layer dispatch at n ≥ 4096 at least 1024 workgroups with the hardware family: ${name}`, () => {
      for (const shape of SHAPES) {
        const config = validateInitConfig({ ...shape, kernels: 'hardware', gpuMemory: 2048 });
        const budget = { ...limits, memoryBudgetBytes: config.gpuMemory * MIB, reductionLanes: 64 };
        const plan = planInitRun(config, budget, undefined, false, true);
        const what = `${name}, ${JSON.stringify(shape)}`;
        expect(plan.fusedWeights, what).toBe(true);
        expect(plan.bytesPerChunk, what).toBeLessThanOrEqual(budget.memoryBudgetBytes);
        const { initsPerChunk: inits, batchTile, batchPadded } = plan;
        const forward = layerWorkgroups('hardware', { inits, batchTile, batchPadded, units: plan.rowsPerBlock[1] });
        const backward = layerWorkgroups('hardware', { inits, batchTile, batchPadded, units: plan.strides[0] });
        expect(forward, `${what}: forward workgroups`).toBeGreaterThanOrEqual(1024);
        expect(backward, `${what}: backward workgroups`).toBeGreaterThanOrEqual(1024);
      }
    });
  }

  it('lets the memory cap, not a constant, size the chunks (the same shape on a bigger cap takes more inits)', () => {
    const limits = PROFILES['H200-class (Chrome, Vulkan)'];
    const plans = [512, 2048, 8192].map((mib) => {
      const config = validateInitConfig({ inits: 4096, batch: 16, width: 1024, depth: 10, gpuMemory: mib });
      return planInitRun(
        config,
        { ...limits, memoryBudgetBytes: mib * MIB, reductionLanes: 64 },
        undefined,
        false,
        true,
      );
    });
    expect(plans[0].initsPerChunk).toBeLessThan(plans[1].initsPerChunk);
    expect(plans[1].initsPerChunk).toBeLessThan(plans[2].initsPerChunk);
    for (const [index, plan] of plans.entries()) {
      expect(plan.bytesPerChunk).toBeLessThanOrEqual([512, 2048, 8192][index] * MIB);
    }
  });
});
