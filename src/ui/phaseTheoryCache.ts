// The Signal propagation view's cache of mean-field theory per cell. phaseTheory (core/phase.ts) depends on
// (activation, σ_w², σ_b², c0, depth) only, and it is most of a run's time (seconds for a 32 × 32 tanh grid),
// while width, K, batch and seed change only the networks: with the theory cached, such a move skips the theory
// stage. Least recently used entries go first; the capacity counts layers (a cell of depth L costs L), so a deep
// grid keeps fewer cells and the cache stays a few MB.

import type { Activation } from '../core/activations';
import type { PhaseTheory } from '../core/phase';
import { cellSb2, cellSw2, type PhaseConfig } from '../core/phaseConfig';

/** Layers kept: 8 grids of 32 × 32 cells at depth 32 (three curves of f64 each, ~6 MB). */
export const PHASE_THEORY_CACHE_LAYERS = 8 * 32 * 32 * 32;

/** The cache key of one cell's theory: every argument of phaseTheory, numbers written exactly. */
export function phaseTheoryKey(activation: Activation, sw2: number, sb2: number, c0: number, depth: number): string {
  return `${activation} ${sw2} ${sb2} ${c0} ${depth}`;
}

/** The key of cell (iw, ib) of a grid. */
export function phaseCellTheoryKey(config: PhaseConfig, iw: number, ib: number): string {
  return phaseTheoryKey(config.activation, cellSw2(config, iw), cellSb2(config, ib), config.c0, config.depth);
}

export class PhaseTheoryCache {
  /** A Map iterates in insertion order: the first key is the least recently used. */
  private readonly entries = new Map<string, PhaseTheory>();
  private layers = 0;
  hits = 0;
  misses = 0;

  constructor(readonly capacityLayers = PHASE_THEORY_CACHE_LAYERS) {}

  get size(): number {
    return this.entries.size;
  }

  get(key: string): PhaseTheory | undefined {
    const theory = this.entries.get(key);
    if (!theory) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    this.entries.delete(key); // re-inserted as the most recent
    this.entries.set(key, theory);
    return theory;
  }

  set(key: string, theory: PhaseTheory): void {
    const known = this.entries.get(key);
    if (known) {
      this.entries.delete(key);
      this.layers -= known.curves.q.length;
    }
    this.entries.set(key, theory);
    this.layers += theory.curves.q.length;
    for (const [oldest, entry] of this.entries) {
      if (this.layers <= this.capacityLayers || oldest === key) break;
      this.entries.delete(oldest);
      this.layers -= entry.curves.q.length;
    }
  }

  clear(): void {
    this.entries.clear();
    this.layers = 0;
  }
}
