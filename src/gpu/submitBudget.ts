// How much work one GPU submission may hold, for every engine: a budget of GPU time per submission,
// and the units (inits of a chunk, rows of W, rows of a grid, training steps) of the next submission
// from the measured time per unit of the last one. A GPU watchdog resets the device after ~2 s of one
// submission (Windows' TDR); a software adapter has none, and a longer budget there keeps the fixed
// cost per submission small. Pure numbers, unit-tested without a GPU (tests/unit/submitBudget.test.ts).

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
