// GPU time per kernel from timestamp queries: where a run's time goes (the benchmark prints it).
// Works only on a device created with the 'timestamp-query' feature; each timed dispatch runs in
// its own compute pass whose beginning and end are stamped. Times are summed per kernel name.
// One timer is one timed run: its passes take slots of one query set (another only past
// MAX_PASSES_PER_SET passes between two collects), and each collect resolves and reads them at once.

/** A query set holds at most 4096 queries (WebGPU's limit): 2048 passes of two stamps. */
const QUERIES_PER_SET = 4096;
const MAX_PASSES_PER_SET = QUERIES_PER_SET / 2;
const STAMP_BYTES = 8;

export function canTimeKernels(device: GPUDevice): boolean {
  return device.features.has('timestamp-query');
}

/** A query set with the buffers its stamps are resolved into and read from. */
interface StampSet {
  querySet: GPUQuerySet;
  resolved: GPUBuffer;
  readback: GPUBuffer;
}

export class KernelTimer {
  /** Milliseconds of GPU time per kernel, over every dispatch collected so far. */
  readonly totals: Record<string, number> = {};
  private readonly sets: StampSet[] = [];
  /** The kernel of each pass stamped since the last collect; pass i has queries 2i, 2i + 1 of its set. */
  private passes: string[] = [];

  constructor(private readonly device: GPUDevice) {
    if (!canTimeKernels(device)) throw new Error("KernelTimer needs a device with the 'timestamp-query' feature");
  }

  /** A compute pass for one dispatch of `name`, stamped at its beginning and end; call `end` after it. */
  beginPass(encoder: GPUCommandEncoder, name: string, label: string): { pass: GPUComputePassEncoder; end: () => void } {
    const slot = this.passes.length;
    const { querySet } = this.stampSet(Math.floor(slot / MAX_PASSES_PER_SET));
    const first = 2 * (slot % MAX_PASSES_PER_SET);
    this.passes.push(name);
    const pass = encoder.beginComputePass({
      label,
      timestampWrites: { querySet, beginningOfPassWriteIndex: first, endOfPassWriteIndex: first + 1 },
    });
    return { pass, end: () => pass.end() };
  }

  /** Adds the timestamps of every submitted pass to `totals` (await after the work was submitted). */
  async collect(): Promise<void> {
    const passes = this.passes;
    this.passes = [];
    if (passes.length === 0) return;
    const used = this.sets.slice(0, Math.ceil(passes.length / MAX_PASSES_PER_SET));
    const encoder = this.device.createCommandEncoder({ label: 'kernel timer resolve' });
    used.forEach(({ querySet, resolved, readback }, index) => {
      const queries = 2 * Math.min(MAX_PASSES_PER_SET, passes.length - index * MAX_PASSES_PER_SET);
      encoder.resolveQuerySet(querySet, 0, queries, resolved, 0);
      encoder.copyBufferToBuffer(resolved, 0, readback, 0, queries * STAMP_BYTES);
    });
    this.device.queue.submit([encoder.finish()]);
    await Promise.all(used.map(({ readback }) => readback.mapAsync(GPUMapMode.READ)));
    used.forEach(({ readback }, index) => {
      const stamps = new BigUint64Array(readback.getMappedRange());
      const first = index * MAX_PASSES_PER_SET;
      for (let slot = first; slot < Math.min(passes.length, first + MAX_PASSES_PER_SET); slot++) {
        const begin = stamps[2 * (slot - first)];
        const end = stamps[2 * (slot - first) + 1];
        // Stamps are in nanoseconds; a pass the implementation reorders can read end < begin: count 0.
        this.totals[passes[slot]] = (this.totals[passes[slot]] ?? 0) + Math.max(0, Number(end - begin)) / 1e6;
      }
      readback.unmap();
    });
  }

  /** Frees the query sets and their buffers (after the last collect). */
  destroy(): void {
    for (const { querySet, resolved, readback } of this.sets.splice(0)) {
      querySet.destroy();
      resolved.destroy();
      readback.destroy();
    }
  }

  private stampSet(index: number): StampSet {
    const { device } = this;
    while (this.sets.length <= index) {
      const bytes = QUERIES_PER_SET * STAMP_BYTES;
      this.sets.push({
        querySet: device.createQuerySet({ label: 'kernel timestamps', type: 'timestamp', count: QUERIES_PER_SET }),
        resolved: device.createBuffer({
          label: 'kernel timestamps',
          size: bytes,
          usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC,
        }),
        readback: device.createBuffer({
          label: 'kernel timestamps readback',
          size: bytes,
          usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
        }),
      });
    }
    return this.sets[index];
  }
}
