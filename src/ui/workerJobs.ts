// CPU work of the page that can take long runs in a Web Worker so the page never freezes.
// WorkerJobs posts jobs to one worker; `cancel` drops stale jobs by terminating it (the next job
// starts a fresh one). Without Worker support, or after a worker failed, the jobs run inline (same
// results, the page blocks while they run).
// serveJobs is the worker side: it answers each request with the job's result or its error.

export type WorkerRequest<Job> = Job & { id: number };
export type WorkerResponse = { id: number; result: unknown } | { id: number; error: string };

export class WorkerJobs<Job extends object, Result> {
  private worker: Worker | undefined;
  /** Set once a worker failed to load or crashed: later jobs run inline rather than fail again. */
  private workerFailed = false;
  private nextId = 0;
  private pending = new Map<number, { resolve: (value: Result) => void; reject: (error: Error) => void }>();

  /**
   * createWorker: `() => new Worker(new URL('./someWorker.ts', import.meta.url), { type: 'module' })`,
   * written at the call site so that Vite bundles the worker. runInline: the same work on this thread.
   */
  constructor(
    private readonly label: string,
    private readonly createWorker: () => Worker,
    private readonly runInline: (job: Job) => Result,
  ) {}

  private ensureWorker(): Worker | undefined {
    if (this.worker || this.workerFailed || typeof Worker === 'undefined') return this.worker;
    try {
      this.worker = this.createWorker();
    } catch {
      return undefined;
    }
    this.worker.onmessage = (event: MessageEvent<WorkerResponse>) => {
      const waiting = this.pending.get(event.data.id);
      if (!waiting) return;
      this.pending.delete(event.data.id);
      if ('error' in event.data) waiting.reject(new Error(event.data.error));
      else waiting.resolve(event.data.result as Result);
    };
    this.worker.onerror = (event) => {
      this.workerFailed = true;
      // A worker that cannot load reports a bare Event, without a message.
      const error = new Error(`${this.label} worker failed: ${event.message || 'it could not be loaded'}`);
      for (const waiting of this.pending.values()) waiting.reject(error);
      this.pending.clear();
      this.worker?.terminate();
      this.worker = undefined;
    };
    return this.worker;
  }

  /** Resolves with the job's result; rejects with Error('cancelled') when cancelled first. */
  run(job: Job): Promise<Result> {
    const worker = this.ensureWorker();
    if (!worker) return Promise.resolve(this.runInline(job));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ ...job, id } satisfies WorkerRequest<Job>);
    });
  }

  /** Abandons every job in flight (their promises reject); the next run starts a fresh worker. */
  cancel(): void {
    this.worker?.terminate();
    this.worker = undefined;
    const error = new Error('cancelled');
    for (const waiting of this.pending.values()) waiting.reject(error);
    this.pending.clear();
  }

  get busy(): boolean {
    return this.pending.size > 0;
  }

  destroy(): void {
    this.cancel();
  }
}

/** The worker side: runs each posted job and posts back its result (or its error's message). */
export function serveJobs<Job extends object>(run: (job: Job) => unknown): void {
  const scope = globalThis as unknown as {
    onmessage: ((event: MessageEvent<WorkerRequest<Job>>) => void) | null;
    postMessage(message: WorkerResponse): void;
  };
  scope.onmessage = (event) => {
    const { id, ...job } = event.data;
    try {
      scope.postMessage({ id, result: run(job as unknown as Job) });
    } catch (error) {
      scope.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
    }
  };
}

/** The AbortError a CPU engine rejects with when its signal fired (the signal's own reason when it is one). */
export function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error && reason.name === 'AbortError') return reason;
  return new DOMException('newer settings arrived', 'AbortError');
}
