// CPU twin of shaders/gridLoss.wgsl / src/gpu/gridLoss.ts: J(w1, w2) on a G×G grid of weights,
// then the cheap penalty pass J + λ·P, the grid argmin, and a continuous proximal-gradient refinement.
// Grid: point (i, j), i, j in 0..G−1, is w1 = w1Min + i·(w1Max − w1Min)/(G − 1),
// w2 = w2Min + j·(w2Max − w2Min)/(G − 1), stored row-major with w2 as the row: index j·G + i.

import { modelGradient, modelLoss, type RegularizationData, type RegularizationModel } from './regularizationModels';

export interface GridWindow {
  w1Min: number;
  w1Max: number;
  w2Min: number;
  w2Max: number;
}

export const PENALTIES = ['none', 'l1', 'l2', 'elastic'] as const;
export type Penalty = (typeof PENALTIES)[number];

/** w1 of column i and w2 of row j (G ≥ 2). */
export function gridWeights(window: GridWindow, G: number, i: number, j: number): [number, number] {
  return [
    window.w1Min + (i * (window.w1Max - window.w1Min)) / (G - 1),
    window.w2Min + (j * (window.w2Max - window.w2Min)) / (G - 1),
  ];
}

/** J at every grid point (the data-dependent pass, the one the GPU kernel computes). */
export function gridLoss(
  model: RegularizationModel,
  data: RegularizationData,
  window: GridWindow,
  G: number,
): Float64Array {
  if (!Number.isInteger(G) || G < 2) throw new RangeError(`grid size G must be an integer ≥ 2 (got ${G})`);
  const values = new Float64Array(G * G);
  for (let j = 0; j < G; j++) {
    for (let i = 0; i < G; i++) {
      const [w1, w2] = gridWeights(window, G, i, j);
      values[j * G + i] = modelLoss(model, data, w1, w2);
    }
  }
  return values;
}

/**
 * Coefficients of the two penalty terms: λ·P(w) = l1·(|w1| + |w2|) + l2·(w1² + w2²).
 * elastic = mix·L1 + (1 − mix)·L2, so l1 = λ·mix and l2 = λ·(1 − mix). No ½ on L2 (THEORY.md).
 */
export function penaltyWeights(penalty: Penalty, lambda: number, mix: number): { l1: number; l2: number } {
  switch (penalty) {
    case 'none':
      return { l1: 0, l2: 0 };
    case 'l1':
      return { l1: lambda, l2: 0 };
    case 'l2':
      return { l1: 0, l2: lambda };
    case 'elastic':
      return { l1: lambda * mix, l2: lambda * (1 - mix) };
  }
}

/** λ·P(w1, w2) for a penalty; 0 for 'none'. */
export function penaltyValue(penalty: Penalty, lambda: number, mix: number, w1: number, w2: number): number {
  const { l1, l2 } = penaltyWeights(penalty, lambda, mix);
  return l1 * (Math.abs(w1) + Math.abs(w2)) + l2 * (w1 * w1 + w2 * w2);
}

/**
 * J + λ·P on the grid, from a precomputed gridLoss: moving λ, mix or the penalty reruns only this pass.
 * Returns a new array; dataLoss is not modified.
 */
export function gridPenalty(
  dataLoss: ArrayLike<number>,
  window: GridWindow,
  G: number,
  penalty: Penalty,
  lambda: number,
  mix: number,
): Float64Array {
  if (dataLoss.length !== G * G)
    throw new RangeError(`dataLoss has ${dataLoss.length} values, expected G·G = ${G * G}`);
  const values = new Float64Array(G * G);
  for (let j = 0; j < G; j++) {
    for (let i = 0; i < G; i++) {
      const [w1, w2] = gridWeights(window, G, i, j);
      values[j * G + i] = dataLoss[j * G + i] + penaltyValue(penalty, lambda, mix, w1, w2);
    }
  }
  return values;
}

export interface GridMinimum {
  i: number;
  j: number;
  w: [number, number];
  value: number;
}

/** The smallest finite value (first in index order on ties); null when no value is finite. */
export function gridArgmin(values: ArrayLike<number>, window: GridWindow, G: number): GridMinimum | null {
  let best = -1;
  for (let index = 0; index < G * G; index++) {
    const value = values[index];
    if (Number.isFinite(value) && (best < 0 || value < values[best])) best = index;
  }
  if (best < 0) return null;
  const i = best % G;
  const j = Math.floor(best / G);
  return { i, j, w: gridWeights(window, G, i, j), value: values[best] };
}

export interface RefineOptions {
  /** Stop when a step moves w by at most tolerance·max(1, ‖w‖∞). Default 1e-12. */
  tolerance?: number;
  /** Default 20000. */
  maxIterations?: number;
}

export interface RefinedMinimum {
  w: [number, number];
  /** J(w) + λ·P(w). */
  value: number;
  iterations: number;
  converged: boolean;
}

/**
 * prox of t·(l1·|w| + l2·w²) for one coordinate: soft-threshold, then shrink.
 * argmin_w (w − u)²/(2t) + l1|w| + l2·w² = sign(u)·max(|u| − t·l1, 0) / (1 + 2t·l2).
 * Returns +0 (never −0) when the threshold wins, so L1 zeros compare equal under Object.is too.
 */
export function proxPenalty(u: number, t: number, l1: number, l2: number): number {
  if (Number.isNaN(u)) return u; // NaN in, NaN out: a failed step must not look like an L1 zero
  const shrunk = Math.abs(u) - t * l1;
  return shrunk > 0 ? (Math.sign(u) * shrunk) / (1 + 2 * t * l2) : 0;
}

/**
 * Backtracking test for the step y → z taken with step size t, d = z − y.
 * Sufficient decrease of the smooth part: J(z) ≤ J(y) + ∇J(y)·d + ‖d‖²/(2t).
 * Once ‖d‖²/(2t) is below the rounding error of J itself (≈ 1e-10·|J| here, generous for sums of
 * 10⁴ terms), that test is decided by rounding and would stall the iteration near √eps accuracy; there
 * the equivalent curvature test on gradients is used instead: (∇J(z) − ∇J(y))·d ≤ ‖d‖²/t, which stays
 * accurate down to steps of ~1e-15.
 */
function stepAccepted(
  model: RegularizationModel,
  data: RegularizationData,
  y1: number,
  y2: number,
  lossY: number,
  g1: number,
  g2: number,
  z1: number,
  z2: number,
  step: number,
): boolean {
  const d1 = z1 - y1;
  const d2 = z2 - y2;
  const squaredLength = d1 * d1 + d2 * d2;
  if (modelLoss(model, data, z1, z2) <= lossY + g1 * d1 + g2 * d2 + squaredLength / (2 * step)) return true;
  if (squaredLength / (2 * step) > 1e-10 * Math.abs(lossY)) return false;
  const [gz1, gz2] = modelGradient(model, data, z1, z2);
  return (gz1 - g1) * d1 + (gz2 - g2) * d2 <= squaredLength / step;
}

/**
 * Continuous minimizer of J + λ·P near `start` (usually the grid argmin), by accelerated proximal
 * gradient descent (FISTA) with backtracking line search and restart whenever the objective rises.
 * J is the smooth part (gradient step); both penalty terms go through their exact prox, so L1
 * minimizers with zero coordinates come out exactly 0. For non-convex J this is a local minimizer.
 */
export function refineMinimizer(
  model: RegularizationModel,
  data: RegularizationData,
  penalty: Penalty,
  lambda: number,
  mix: number,
  start: [number, number],
  options: RefineOptions = {},
): RefinedMinimum {
  const tolerance = options.tolerance ?? 1e-12;
  const maxIterations = options.maxIterations ?? 20000;
  const { l1, l2 } = penaltyWeights(penalty, lambda, mix);
  const objective = (w1: number, w2: number) =>
    modelLoss(model, data, w1, w2) + l1 * (Math.abs(w1) + Math.abs(w2)) + l2 * (w1 * w1 + w2 * w2);

  let w1 = start[0];
  let w2 = start[1];
  let value = objective(w1, w2);
  let y1 = w1; // extrapolated point where the gradient is taken
  let y2 = w2;
  let theta = 1; // FISTA momentum sequence
  let step = 1; // line-search step t, grown ×2 before each search so it can recover after a steep region
  let iterations = 0;
  let converged = false;
  while (iterations < maxIterations && Number.isFinite(value)) {
    iterations++;
    const lossY = modelLoss(model, data, y1, y2);
    const [g1, g2] = modelGradient(model, data, y1, y2);
    if (!Number.isFinite(lossY) || !Number.isFinite(g1) || !Number.isFinite(g2)) break;
    step *= 2;
    let z1 = y1;
    let z2 = y2;
    for (let halvings = 0; halvings <= 80; halvings++) {
      z1 = proxPenalty(y1 - step * g1, step, l1, l2);
      z2 = proxPenalty(y2 - step * g2, step, l1, l2);
      if (stepAccepted(model, data, y1, y2, lossY, g1, g2, z1, z2, step)) break;
      step /= 2;
    }
    const valueZ = objective(z1, z2);
    const momentumActive = y1 !== w1 || y2 !== w2;
    if (momentumActive && !(valueZ <= value)) {
      // Momentum overshot: restart from w with a plain proximal-gradient step.
      y1 = w1;
      y2 = w2;
      theta = 1;
      continue;
    }
    const moved = Math.max(Math.abs(z1 - w1), Math.abs(z2 - w2), Math.abs(z1 - y1), Math.abs(z2 - y2));
    const previous1 = w1;
    const previous2 = w2;
    w1 = z1;
    w2 = z2;
    value = valueZ;
    if (moved <= tolerance * Math.max(1, Math.abs(w1), Math.abs(w2))) {
      converged = true;
      break;
    }
    const thetaNext = (1 + Math.sqrt(1 + 4 * theta * theta)) / 2;
    const beta = (theta - 1) / thetaNext;
    theta = thetaNext;
    y1 = w1 + beta * (w1 - previous1);
    y2 = w2 + beta * (w2 - previous2);
  }
  return { w: [w1, w2], value, iterations, converged };
}
