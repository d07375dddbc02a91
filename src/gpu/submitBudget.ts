// How much work one GPU submission may hold, for every engine: a budget of GPU time per submission,
// and the units (inits of a chunk, rows of W, rows of a grid, training steps) of the next submission
// from the measured time per unit of the last one. A GPU watchdog resets the device after ~2 s of one
// submission (Windows' TDR); a software adapter has none, and a longer budget there keeps the fixed
// cost per submission small. Pure numbers, unit-tested without a GPU (tests/unit/submitBudget.test.ts); and
// SubmitWindow, which submits and times the init and phase engines' layers under that budget.

/** GPU milliseconds one submission may take: well under a watchdog on a GPU, longer on a software adapter. */
export const SUBMIT_BUDGET_MS = { hardware: 100, software: 1000 } as const;

/** How many times the last size the next one may be: one fast (or coarse) measurement never jumps further. */
export const CHUNK_GROWTH = 4;

export function submitBudgetMs(software: boolean): number {
  return software ? SUBMIT_BUDGET_MS.software : SUBMIT_BUDGET_MS.hardware;
}

/**
 * Units of the next submission: as many as fit in `budgetMs` at the measured milliseconds per unit, at
 * least 1 (a unit is never split here), at most `memoryBound` (what the buffers hold) and at most
 * CHUNK_GROWTH × `lastSize` when given. Without a measurement (undefined, 0 or not finite: a timer too
 * coarse to see it) the memory bound, under the same growth cap, is the answer.
 */
export function nextChunkSize(
  measuredMsPerUnit: number | undefined,
  budgetMs: number,
  memoryBound: number,
  lastSize?: number,
): number {
  const bound = Math.max(1, Math.floor(memoryBound));
  const capped = lastSize === undefined ? bound : Math.min(bound, Math.max(1, CHUNK_GROWTH * Math.floor(lastSize)));
  if (measuredMsPerUnit === undefined || !(measuredMsPerUnit > 0) || !Number.isFinite(measuredMsPerUnit)) {
    return capped;
  }
  return Math.max(1, Math.min(capped, Math.floor(budgetMs / measuredMsPerUnit)));
}

/** The wall time of one submission, from its submit to its completion, given when the one before it completed. */
export function submissionMs(submittedAt: number, completedAt: number, previousCompletedAt = -Infinity): number {
  return Math.max(0, completedAt - Math.max(submittedAt, previousCompletedAt));
}

/**
 * What the submissions of a chunk took (SubmitWindow.timing): the heaviest layer, whole and per block of it
 * (the init engine: a row block of W; the phase engine: a step).
 */
export interface ChunkTiming {
  /** Milliseconds of the slowest layer (all its submissions), divided by the chunk's inits. */
  msPerInit: number;
  /** Milliseconds per row block of W of that kind of layer, divided by the inits. */
  msPerInitBlock: number;
  submissions: number;
}

/** Submits command buffers, at most two in flight (the GPU never waits for the CPU to encode), timed per layer. */
export class SubmitWindow {
  private inFlight: Promise<void> = Promise.resolve();
  private lastCompleted = -Infinity;
  /** Milliseconds and row blocks per layer (a layer's submissions add up). */
  readonly layers = new Map<string, { ms: number; blocks: number }>();
  submissions = 0;

  constructor(
    private readonly device: GPUDevice,
    private readonly signal: AbortSignal | undefined,
  ) {}

  /** An abort takes effect after the layer now running (a superseded run stops promptly). */
  async submit(encoder: GPUCommandEncoder, layer: string, blocks: number): Promise<void> {
    const submittedAt = performance.now();
    this.device.queue.submit([encoder.finish()]);
    this.submissions++;
    const previous = this.inFlight;
    this.inFlight = this.device.queue.onSubmittedWorkDone().then(() => {
      const completedAt = performance.now();
      const entry = this.layers.get(layer) ?? { ms: 0, blocks: 0 };
      entry.ms += submissionMs(submittedAt, completedAt, this.lastCompleted);
      entry.blocks += blocks;
      this.layers.set(layer, entry);
      this.lastCompleted = completedAt;
    });
    await previous;
    this.signal?.throwIfAborted();
  }

  /** Waits for the last submission. */
  drain(): Promise<void> {
    return this.inFlight;
  }

  timing(inits: number): ChunkTiming {
    let msPerInit = 0;
    let msPerInitBlock = 0;
    for (const { ms, blocks } of this.layers.values()) {
      msPerInit = Math.max(msPerInit, ms / inits);
      msPerInitBlock = Math.max(msPerInitBlock, ms / Math.max(1, blocks) / inits);
    }
    return { msPerInit, msPerInitBlock, submissions: this.submissions };
  }
}
