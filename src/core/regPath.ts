// The regularization path w*(λ): minimizers of J + λΣ|w| and of J + λΣw² over a range of λ.

import { refineMinimizer } from './gridLoss';
import type { RegularizationData, RegularizationModel } from './regularizationModels';

export interface RegularizationPathPoint {
  lambda: number;
  /** argmin J + λ(|w1| + |w2|): coordinates become exactly 0 at finite λ. */
  l1: [number, number];
  /** argmin J + λ(w1² + w2²): coordinates shrink but stay nonzero. */
  l2: [number, number];
}

/** count values from lo to hi (both > 0), equally spaced in log λ; the endpoints are exact. */
export function logSpace(lo: number, hi: number, count: number): number[] {
  if (!(lo > 0) || !(hi > 0) || !Number.isFinite(lo) || !Number.isFinite(hi)) {
    throw new RangeError(`logSpace needs finite lo, hi > 0 (got ${lo}, ${hi})`);
  }
  if (!Number.isInteger(count) || count < 1)
    throw new RangeError(`logSpace count must be an integer ≥ 1 (got ${count})`);
  if (count === 1) return [lo];
  const values: number[] = [];
  const ratio = Math.log(hi / lo);
  for (let k = 0; k < count; k++) values.push(k === count - 1 ? hi : lo * Math.exp((ratio * k) / (count - 1)));
  return values;
}

/**
 * w*(λ) for each λ in the given order, each penalty warm-started from its solution at the previous λ
 * (the first from `start`). Warm starts make a sweep cheap and, for non-convex J, follow one branch of
 * local minima continuously instead of jumping between basins.
 */
export function regularizationPath(
  model: RegularizationModel,
  data: RegularizationData,
  lambdas: number[],
  start: [number, number],
): RegularizationPathPoint[] {
  const points: RegularizationPathPoint[] = [];
  let l1Start: [number, number] = [start[0], start[1]];
  let l2Start: [number, number] = [start[0], start[1]];
  for (const lambda of lambdas) {
    const l1 = refineMinimizer(model, data, 'l1', lambda, 0, l1Start).w;
    const l2 = refineMinimizer(model, data, 'l2', lambda, 0, l2Start).w;
    points.push({ lambda, l1, l2 });
    l1Start = l1;
    l2Start = l2;
  }
  return points;
}
