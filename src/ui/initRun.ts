// The run decisions of the Initialization explorer, pure so they are unit-tested: how a run is cut
// into chunks (partial results while a long run is in flight), how often a partial summary is made,
// and what the status line says before, during and after a run.

import { INIT_PARAMS, type InitConfig } from '../core/initConfig';
import type { LayerStats } from '../core/stats';
import { formatNumber } from './initDerivation';
import { formatSeconds } from './kit/dom';

/** Wait this long after the last knob move before starting a run (sliders fire continuously). */
export const RUN_DEBOUNCE_MS = 120;
/** Least time between two partial summaries of a run in flight. */
export const PARTIAL_INTERVAL_MS = 250;
/** A run expected to take longer than this many seconds goes in at least MIN_CHUNKS chunks. */
export const LONG_RUN_SECONDS = 2;
export const MIN_CHUNKS = 8;

/**
 * Inits per chunk: a run expected over LONG_RUN_SECONDS goes in ≥ MIN_CHUNKS chunks so partial
 * results draw while it is in flight; shorter runs (or a first run, expected = undefined) take the
 * planned size: as few chunks as fit, since each chunk has a fixed cost.
 */
export function initsPerChunk(planned: number, inits: number, expectedSeconds: number | undefined): number {
  if (expectedSeconds === undefined || expectedSeconds <= LONG_RUN_SECONDS) return planned;
  return Math.min(planned, Math.max(1, Math.ceil(inits / MIN_CHUNKS)));
}

/**
 * Partial summaries at most every `intervalMs`: each one sorts the per-init values of every layer,
 * which at K = 65536 and hundreds of chunks would hold the page for minutes.
 */
export class PartialThrottle {
  private last = -Infinity;

  constructor(private readonly intervalMs = PARTIAL_INTERVAL_MS) {}

  /** True (and the clock restarts) when a summary may be made at `now` (ms). */
  ready(now: number): boolean {
    if (now - this.last < this.intervalMs) return false;
    this.last = now;
    return true;
  }
}

/** "running 0/64 initializations (about 3.2 s)…": the estimate from the last run's FLOP rate. */
export function startText(inits: number, expectedSeconds: number | undefined): string {
  const estimate = expectedSeconds === undefined ? '' : ` (about ${formatSeconds(expectedSeconds)})`;
  return `running 0/${inits} initializations${estimate}…`;
}

/** "running 12/64 initializations · 1.2 s elapsed, ~5.0 s left…". */
export function progressText(done: number, total: number, elapsedSeconds: number): string {
  const remaining = done > 0 ? (elapsedSeconds * (total - done)) / done : NaN;
  const left = done < total ? `, ~${formatSeconds(remaining)} left` : '';
  return `running ${done}/${total} initializations · ${formatSeconds(elapsedSeconds)} elapsed${left}…`;
}

/** The finished run: its shape, time, rate and chunking. */
export function doneText(config: InitConfig, run: { timeMs: number; flops: number; initsPerChunk: number }): string {
  const rate = run.flops / (run.timeMs / 1000);
  return (
    `K = ${config.inits} inits of a ${config.depth}-layer, ${config.width}-wide net, batch ${config.batch}: ` +
    `${formatSeconds(run.timeMs / 1000)} · ${formatNumber(rate / 1e9)} GFLOP/s · ` +
    `${run.initsPerChunk} inits per chunk`
  );
}

/** Largest symmetry spread below the top layer (the top δ differs by the random read-out g). */
export function symmetryBelowTop(layers: readonly LayerStats[]): number {
  const below = layers.length > 1 ? layers.slice(0, -1) : layers;
  return below.reduce((max, layer) => Math.max(max, layer.symmetry), 0);
}

/**
 * The result when it is of the settings shown: after a knob moved, the previous run's drawings stay until
 * the new run starts, but the headline and the derivation never mix its numbers with the new verdict.
 */
export function currentResult<Result extends { config: InitConfig }>(shown: {
  config: InitConfig;
  result: Result | undefined;
}): Result | undefined {
  const { config, result } = shown;
  const same = result && INIT_PARAMS.every((spec) => result.config[spec.key] === config[spec.key]);
  return same ? result : undefined;
}
