// What the page does when the GPU device is lost: restart the view after a short backoff, with
// smaller sizes, at most LOSS_LIMIT times within LOSS_WINDOW_MS; past that it stops and says so
// (a setting that trips a GPU watchdog would otherwise loop until the browser blocks WebGPU).
// Pure: the shell (app.ts) asks, this decides.

export const LOSS_LIMIT = 3;
export const LOSS_WINDOW_MS = 60_000;
/** The first restart waits this long; each later one twice as long. */
export const FIRST_BACKOFF_MS = 1000;

export type LossDecision =
  | { action: 'restart'; attempt: number; delayMs: number }
  | { action: 'give-up'; losses: number; windowMs: number };

export class LossPolicy {
  private times: number[] = [];

  constructor(
    private readonly limit = LOSS_LIMIT,
    private readonly windowMs = LOSS_WINDOW_MS,
  ) {}

  /** A loss at `now` (ms): restart (attempt 1..limit, after delayMs) or give up. */
  onLoss(now: number): LossDecision {
    this.times = this.times.filter((time) => now - time < this.windowMs);
    this.times.push(now);
    const attempt = this.times.length;
    if (attempt > this.limit) return { action: 'give-up', losses: attempt, windowMs: this.windowMs };
    return { action: 'restart', attempt, delayMs: FIRST_BACKOFF_MS * 2 ** (attempt - 1) };
  }

  /** The visitor asked to try again: the count starts over. */
  reset(): void {
    this.times = [];
  }
}
