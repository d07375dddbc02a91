// Honest long runs on the command line: one progress line on stderr with what is done, the time
// elapsed and an estimate of the time left (rewritten in place on a terminal, a line every few seconds
// into a pipe or a file), and Ctrl-C (SIGINT) as a cancellation: the run is aborted through its
// AbortSignal, the command's finally blocks release the device, and main exits 130 with one line.

/** "1.2 s", "3.4 min", "2.1 h". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '…';
  const seconds = ms / 1000;
  if (seconds < 1) return `${Math.round(ms)} ms`;
  if (seconds < 120) return `${seconds.toFixed(1)} s`;
  if (seconds < 7200) return `${(seconds / 60).toFixed(1)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

/**
 * "12/64 initializations · 3.1 s elapsed, ~13.4 s left": the time left at the rate so far, from the
 * share of the work done (by default done/total; none before any work is done, nothing once all is).
 */
export function progressText(done: number, total: number, unit: string, elapsedMs: number, share = done / total) {
  const left = done >= total ? '' : share > 0 ? `, ~${formatDuration((elapsedMs * (1 - share)) / share)} left` : '';
  return `${done}/${total} ${unit} · ${formatDuration(elapsedMs)} elapsed${left}`;
}

export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

/** The progress line of one command run on stderr; `log` prints a line of its own above it. */
export class Progress {
  private started = performance.now();
  private lastWrite = -Infinity;
  private shown = '';
  private finished: number | undefined;
  private last: { done: number; total: number; unit: string; share: number } | undefined;

  constructor(
    private readonly stream: ProgressStream = process.stderr,
    /** Least time between two lines: a terminal rewrites one line, a pipe gets a new one each time. */
    private readonly intervalMs = stream.isTTY ? 200 : 2000,
  ) {}

  /** Restarts the clock (the phase that is measured starts now). */
  restart(): void {
    this.started = performance.now();
    this.last = undefined;
    this.finished = undefined;
  }

  /** `done` of `total` units; `share`: the share of the work done when finer than done/total. */
  update(done: number, total: number, unit: string, share = done / total): void {
    this.last = { done, total, unit, share };
    const now = performance.now();
    if (done < total && now - this.lastWrite < this.intervalMs) return;
    if (done >= total && this.finished === done) return; // the end is said once
    if (done >= total) this.finished = done;
    this.lastWrite = now;
    const text = progressText(done, total, unit, now - this.started, share);
    if (this.stream.isTTY) {
      this.stream.write(`\r${text.padEnd(this.shown.length)}`);
      this.shown = text;
    } else this.stream.write(`${text}\n`);
  }

  /** A line of its own (a notice, a checkpoint), the progress line redrawn under it on a terminal. */
  log(line: string): void {
    if (this.stream.isTTY && this.shown) {
      this.stream.write(`\r${line.padEnd(this.shown.length)}\n${this.shown}`);
    } else this.stream.write(`${line}\n`);
  }

  /** Ends the progress line (a newline on a terminal). */
  end(): void {
    if (this.stream.isTTY && this.shown) this.stream.write('\n');
    this.shown = '';
  }

  /** The share of the work done, finer than whole units: redraws the line with the same count. */
  share(share: number): void {
    if (this.last) this.update(this.last.done, this.last.total, this.last.unit, Math.max(this.last.share, share));
  }

  /** What was done when the run stopped, e.g. "12/64 initializations after 3.1 s". */
  summary(): string {
    const elapsed = formatDuration(performance.now() - this.started);
    return this.last ? `${this.last.done}/${this.last.total} ${this.last.unit} after ${elapsed}` : `after ${elapsed}`;
  }
}

/** The one line a cancelled run prints. */
export function cancelledText(command: string, progress: Progress): string {
  return `${command}: cancelled (Ctrl-C) at ${progress.summary()}; the GPU device was released, nothing was printed`;
}
