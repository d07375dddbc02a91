// Gradient-descent paths on J(w1, w2) with the seed's update rules (THEORY.md, no ½ on the penalty):
//   gd:             w ← w − α∂J/∂w                                   (no penalty; λ is ignored)
//   l1-subgradient: w ← w − α∂J/∂w − αλ·sign(w)                      (sign(0) = 0)
//   l1-proximal:    u = w − α∂J/∂w;  w ← sign(u)·max(|u| − αλ, 0)    (lands exactly on 0)
//   l2-decay:       w ← (1 − 2αλ)·w − α∂J/∂w                         (weight decay; needs 2αλ < 1)

import { modelGradient, type RegularizationData, type RegularizationModel } from './regularizationModels';

export const DESCENT_RULES = ['gd', 'l1-subgradient', 'l1-proximal', 'l2-decay'] as const;
export type DescentRule = (typeof DESCENT_RULES)[number];

/** A path is stopped as diverged once a coordinate is non-finite or exceeds this in magnitude. */
export const DIVERGENCE_BOUND = 1e6;

export interface DescentPath {
  /** start plus one point per step taken: steps + 1 points unless diverged. */
  path: Array<[number, number]>;
  /** True when a step produced a non-finite w or |w_k| > 1e6; that point is not in `path`. */
  diverged: boolean;
}

/** One update of one coordinate w with gradient g. */
export function descentUpdate(rule: DescentRule, w: number, g: number, lambda: number, alpha: number): number {
  switch (rule) {
    case 'gd':
      return w - alpha * g;
    case 'l1-subgradient':
      return w - alpha * g - alpha * lambda * Math.sign(w);
    case 'l1-proximal': {
      const u = w - alpha * g;
      if (Number.isNaN(u)) return u; // a diverged step stays NaN (and stops the path), not an exact 0
      const shrunk = Math.abs(u) - alpha * lambda;
      return shrunk > 0 ? Math.sign(u) * shrunk : 0; // +0, never −0
    }
    case 'l2-decay':
      return (1 - 2 * alpha * lambda) * w - alpha * g;
  }
}

export function descentPath(
  model: RegularizationModel,
  data: RegularizationData,
  rule: DescentRule,
  lambda: number,
  alpha: number,
  steps: number,
  start: [number, number],
): DescentPath {
  let w1 = start[0];
  let w2 = start[1];
  const path: Array<[number, number]> = [[w1, w2]];
  for (let step = 0; step < steps; step++) {
    const [g1, g2] = modelGradient(model, data, w1, w2);
    const next1 = descentUpdate(rule, w1, g1, lambda, alpha);
    const next2 = descentUpdate(rule, w2, g2, lambda, alpha);
    // !(|w| <= bound) is also true for NaN.
    if (!(Math.abs(next1) <= DIVERGENCE_BOUND) || !(Math.abs(next2) <= DIVERGENCE_BOUND)) {
      return { path, diverged: true };
    }
    w1 = next1;
    w2 = next2;
    path.push([w1, w2]);
  }
  return { path, diverged: false };
}

function formatNumber(value: number): string {
  return Number(value.toPrecision(3)).toString();
}

/** Plain-language warnings about a rule and its (λ, α) that the UI shows next to the path. */
export function descentWarnings(rule: DescentRule, lambda: number, alpha: number): string[] {
  const warnings: string[] = [];
  if (rule === 'gd' && lambda > 0) {
    warnings.push(`plain gd ignores λ = ${formatNumber(lambda)}: the path follows J alone, not J + λ·P`);
  }
  if (rule === 'l2-decay') {
    const decay = 2 * alpha * lambda;
    if (decay >= 1) {
      warnings.push(
        `2·α·λ = ${formatNumber(decay)} ≥ 1: the decay factor (1 − 2αλ) = ${formatNumber(1 - decay)} is ≤ 0 ` +
          'and flips the sign of w each step',
      );
    }
    if (decay > 2) {
      warnings.push(
        `2·α·λ = ${formatNumber(decay)} > 2: |1 − 2αλ| > 1, so the decay alone makes |w| grow every step ` +
          '(the path diverges)',
      );
    }
  }
  if (rule === 'l1-subgradient' && lambda > 0) {
    warnings.push(
      `subgradient steps of α·λ = ${formatNumber(alpha * lambda)} never land exactly on 0: ` +
        `weights that should be 0 chatter within 2·α·λ = ${formatNumber(2 * alpha * lambda)} of it (use l1-proximal)`,
    );
  }
  return warnings;
}
