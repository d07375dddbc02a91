// GPU errors of a run, caught where they happen. Every large allocation and a run's first submissions
// run inside out-of-memory and validation error scopes, pushed before and popped right after the
// synchronous calls (never across an await: the page's other GPU work, three.js drawing on the same
// device, must not land in them). A caught error becomes a GpuRunError whose message the engine writes:
// what did not fit and the largest size that will. withErrorScopes (device.ts) is the tests' heavier kind.

export type GpuErrorKind = 'out-of-memory' | 'validation';

export interface CaughtGpuError {
  kind: GpuErrorKind;
  /** The GPU's own message, first line. */
  message: string;
}

/** A run stopped by a GPU error: its buffers are freed and nothing of it is returned. */
export class GpuRunError extends Error {
  override name = 'GpuRunError';

  constructor(
    message: string,
    readonly gpuError: CaughtGpuError,
  ) {
    super(message);
  }
}

const firstLine = (text: string) => text.split('\n')[0].trim().replace(/\.$/, '');

/**
 * Collects the errors of synchronous GPU calls made through guard(); check() says whether any was
 * caught (the first guarded call's error first; out-of-memory before validation within one call, as an
 * invalid buffer's later uses are validation errors of their own).
 */
export class ErrorWatch {
  private readonly pending: Promise<CaughtGpuError | undefined>[] = [];
  private caught: CaughtGpuError | undefined;

  constructor(private readonly device: GPUDevice) {}

  /** Runs `work` (its synchronous part: a promise it returns is not waited for) inside both scopes. */
  guard<T>(work: () => T): T {
    const { device } = this;
    device.pushErrorScope('out-of-memory');
    device.pushErrorScope('validation');
    try {
      return work();
    } finally {
      const validation = device.popErrorScope();
      const memory = device.popErrorScope();
      this.pending.push(
        Promise.all([validation, memory]).then(
          ([v, m]): CaughtGpuError | undefined =>
            m
              ? { kind: 'out-of-memory', message: firstLine(m.message) }
              : v
                ? { kind: 'validation', message: firstLine(v.message) }
                : undefined,
          // A lost device resolves its scopes with null; anything else is not news about this run.
          () => undefined,
        ),
      );
    }
  }

  /** The first error caught so far, once every guarded call's scopes have been popped. */
  async check(): Promise<CaughtGpuError | undefined> {
    const results = await Promise.all(this.pending.splice(0));
    this.caught ??= results.find((result) => result !== undefined);
    return this.caught;
  }

  /** Throws the first error caught so far as a GpuRunError (nothing after it is read or trusted). */
  async throwIfCaught(): Promise<void> {
    const caught = await this.check();
    if (caught) throw new GpuRunError(caught.message, caught);
  }
}

/**
 * Runs `work` with its synchronous part guarded and waits for it; when the GPU reported an error, that
 * error (described by `describe`) is what is thrown, also if `work` failed because of it.
 */
export async function guarded<T>(
  device: GPUDevice,
  work: () => Promise<T> | T,
  describe: (caught: CaughtGpuError) => string,
): Promise<T> {
  const watch = new ErrorWatch(device);
  const outcome = await Promise.resolve()
    .then(() => watch.guard(work))
    .then(
      (value) => ({ ok: true as const, value }),
      (error: unknown) => ({ ok: false as const, error }),
    );
  const caught = await watch.check();
  if (caught) throw new GpuRunError(describe(caught), caught);
  if (!outcome.ok) throw outcome.error;
  return outcome.value;
}

/** "9.1 GiB", "512 MiB", "24 KiB", "12 bytes". */
export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  if (unit === 0) return `${Math.round(value)} bytes`;
  return `${value >= 100 ? value.toFixed(0) : value.toPrecision(2)} ${units[unit]}`;
}

/** "out of memory: …" / "validation error: …": what the GPU said. */
export function describeGpuError(caught: CaughtGpuError): string {
  return `${caught.kind === 'out-of-memory' ? 'out of memory' : 'validation error'}: ${caught.message}`;
}

/** What the GPU did to buffers, from describeGpuError's text: "could not allocate" (out of memory) or "refused". */
export function failureVerb(describedError: string): string {
  return describedError.startsWith('out of memory') ? 'could not allocate' : 'refused';
}

/** The largest n in [lo, hi] with fits(n) (fits is monotone: true up to some n, then false); lo − 1 if none. */
export function largestFitting(lo: number, hi: number, fits: (n: number) => boolean): number {
  let best = lo - 1;
  let low = lo;
  let high = hi;
  while (low <= high) {
    const mid = Math.floor((low + high) / 2);
    if (fits(mid)) {
      best = mid;
      low = mid + 1;
    } else high = mid - 1;
  }
  return best;
}
