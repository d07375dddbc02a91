// The submission budget (src/gpu/submitBudget.ts) and the init engine's chunk sizing from it
// (nextInitChunk in src/gpu/initPlan.ts), under the limits of three kinds of device: an H200-class GPU,
// a laptop GPU, and Chrome's default limits (what every adapter offers). The measured times are what
// each device's rate would give; the rule is that every submission stays under the budget unless one
// unit alone is over it, and never holds more than the memory plan.
import { describe, expect, it } from 'vitest';
import { type InitConfig, validateInitConfig } from '../../src/core/initConfig';
import { type DeviceBudget, maxWeightBlocks, nextInitChunk, planInitRun } from '../../src/gpu/initPlan';
import { heaviestLayerWork } from '../../src/gpu/initStats';
import {
  CHUNK_GROWTH,
  nextChunkSize,
  SUBMIT_BUDGET_MS,
  submissionMs,
  submitBudgetMs,
} from '../../src/gpu/submitBudget';

const MIB = 1024 ** 2;
const GIB = 1024 ** 3;

/** Limits as Chrome reports them, and a rate of the engine's work (heaviestLayerWork units per second). */
const DEVICES = [
  { name: 'H200-class GPU', binding: 2 ** 32 - 4, buffer: 2 ** 37, workPerSecond: 2e13, software: false },
  { name: 'laptop GPU', binding: 2 * GIB, buffer: 2 * GIB, workPerSecond: 1e12, software: false },
  { name: "Chrome's default limits", binding: 128 * MIB, buffer: 256 * MIB, workPerSecond: 3e11, software: false },
  { name: 'software adapter', binding: GIB, buffer: GIB, workPerSecond: 2e9, software: true },
] as const;

const SHAPES: Partial<InitConfig>[] = [
  { width: 256, depth: 8, batch: 32, inits: 256 },
  { width: 1024, depth: 10, batch: 64, inits: 65536 },
  { width: 4096, depth: 4, batch: 256, inits: 1024 },
  { width: 16384, depth: 2, batch: 1024, inits: 4 },
  { width: 16384, depth: 4, batch: 16, inits: 64 },
  { width: 16, depth: 200, batch: 16, inits: 65536 },
];

function deviceBudget(device: (typeof DEVICES)[number]): DeviceBudget {
  return {
    maxStorageBufferBindingSize: device.binding,
    maxBufferSize: device.buffer,
    // The engine's default budget (src/gpu/initStats.ts).
    memoryBudgetBytes: Math.min(512 * MIB, 4 * device.binding),
    reductionLanes: device.software ? 8 : 64,
  };
}

describe('nextChunkSize', () => {
  it('fills the budget at the measured time per unit, within the memory bound and the growth cap', () => {
    expect(nextChunkSize(10, 100, 1000)).toBe(10);
    expect(nextChunkSize(10, 100, 5)).toBe(5); // memory first
    expect(nextChunkSize(0.001, 100, 1000, 3)).toBe(3 * CHUNK_GROWTH); // one fast chunk does not jump further
    expect(nextChunkSize(30, 100, 1000, 100)).toBe(3); // shrinks at once
    expect(nextChunkSize(500, 100, 1000)).toBe(1); // a unit over the budget still runs, alone
  });

  it('takes the memory bound (under the growth cap) without a usable measurement', () => {
    for (const measured of [undefined, 0, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(nextChunkSize(measured, 100, 64)).toBe(64);
      expect(nextChunkSize(measured, 100, 64, 2)).toBe(8);
    }
    expect(nextChunkSize(undefined, 100, 0.5)).toBe(1);
  });

  it('gives 100 ms to a GPU (a watchdog at ~2 s) and 1 s to a software adapter (none)', () => {
    expect(submitBudgetMs(false)).toBe(SUBMIT_BUDGET_MS.hardware);
    expect(submitBudgetMs(true)).toBe(SUBMIT_BUDGET_MS.software);
    expect(SUBMIT_BUDGET_MS.hardware).toBe(100);
    expect(SUBMIT_BUDGET_MS.software).toBe(1000);
  });

  it('times a submission from its start on the GPU: its submit, or the end of the one before it', () => {
    expect(submissionMs(10, 30)).toBe(20);
    expect(submissionMs(10, 30, 25)).toBe(5); // queued behind the previous one
    expect(submissionMs(10, 30, 40)).toBe(0);
  });
});

describe.each(DEVICES)('the init engine under the limits of a $name', (device) => {
  const budgetMs = submitBudgetMs(device.software);

  it.each(SHAPES)('keeps each submission of %o under the budget once measured, within memory', (shape) => {
    const config = validateInitConfig(shape);
    let plan: ReturnType<typeof planInitRun>;
    try {
      plan = planInitRun(config, deviceBudget(device));
    } catch (error) {
      // One init does not fit these limits at all: the planner says so (tests/unit/initPlan.test.ts).
      expect((error as Error).message).toMatch(/lower the depth, the batch or the width/);
      return;
    }
    const msPerInit = (heaviestLayerWork(config) / device.workPerSecond) * 1000;
    const blocks = maxWeightBlocks(plan);
    // What the first chunk (the memory plan) measured, then the chunks after it until the size settles.
    let size = { inits: plan.initsPerChunk, blocksPerSubmission: Infinity };
    for (let chunk = 0; chunk < 8; chunk++) {
      size = nextInitChunk({ msPerInit, msPerInitBlock: msPerInit / blocks }, budgetMs, plan, size);
    }
    expect(size.inits).toBeGreaterThanOrEqual(1);
    expect(size.inits).toBeLessThanOrEqual(Math.min(plan.initsPerChunk, config.inits));
    const perSubmission = Math.min(blocks, size.blocksPerSubmission);
    const submissionMsPredicted = (size.inits * msPerInit * perSubmission) / blocks;
    if (submissionMsPredicted > budgetMs) {
      // Only a single unit may be over: one init, one block of rows.
      expect([size.inits, perSubmission]).toEqual([1, 1]);
    } else if (size.inits < Math.min(plan.initsPerChunk, config.inits)) {
      // Not needlessly small: one more init would have gone over.
      expect((size.inits + 1) * msPerInit).toBeGreaterThan(budgetMs);
    }
  });
});

describe('the other engines at the same rule', () => {
  it('regularization: G = 2048, N = 10⁴ (tanh-net) goes in bands of rows under the budget', () => {
    const termsPerRow = 2048 * 10_000;
    for (const [termsPerSecond, software, rows] of [
      [1e11, false, 488], // an H200-class GPU: the 4.2e10 terms in 5 bands of ≤ 100 ms
      [1e10, false, 48], // a laptop GPU: 43 bands
      [1e8, true, 4], // SwiftShader, 1 s budget: ~420 s in 512 bands
    ] as const) {
      const msPerRow = (termsPerRow / termsPerSecond) * 1000;
      expect(nextChunkSize(msPerRow, submitBudgetMs(software), 2048)).toBe(rows);
    }
  });

  it('training: K = 4096, N = 2000 takes as many steps per submission as fit 50 ms', () => {
    expect(nextChunkSize(20, 50, 256, 1)).toBe(2);
    expect(nextChunkSize(0.05, 50, 256, 64)).toBe(256);
    expect(nextChunkSize(2500, 50, 256, 1)).toBe(1); // one step over the budget: it is not split
  });
});
