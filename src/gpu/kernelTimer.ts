// GPU time per kernel from timestamp queries: where a run's time goes (the benchmark prints it).
// Works only on a device created with the 'timestamp-query' feature; each timed dispatch runs in
// its own compute pass whose beginning and end are stamped. Times are summed per kernel name.

export function canTimeKernels(device: GPUDevice): boolean {
  return device.features.has('timestamp-query');
}

export class KernelTimer {
  /** Milliseconds of GPU time per kernel, over every dispatch collected so far. */
  readonly totals: Record<string, number> = {};
  private pending: { name: string; querySet: GPUQuerySet; resolved: GPUBuffer; readback: GPUBuffer }[] = [];

  constructor(private readonly device: GPUDevice) {
    if (!canTimeKernels(device)) throw new Error("KernelTimer needs a device with the 'timestamp-query' feature");
  }

  /** A compute pass for one dispatch of `name`, stamped at its beginning and end; call `end` after it. */
  beginPass(encoder: GPUCommandEncoder, name: string, label: string): { pass: GPUComputePassEncoder; end: () => void } {
    const { device } = this;
    const querySet = device.createQuerySet({ label: `${label} timestamps`, type: 'timestamp', count: 2 });
    const pass = encoder.beginComputePass({
      label,
      timestampWrites: { querySet, beginningOfPassWriteIndex: 0, endOfPassWriteIndex: 1 },
    });
    const end = () => {
      pass.end();
      const resolved = device.createBuffer({
        label: `${label} timestamps`,
        size: 16,
        usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC,
      });
      const readback = device.createBuffer({
        label: `${label} timestamps readback`,
        size: 16,
        usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
      });
      encoder.resolveQuerySet(querySet, 0, 2, resolved, 0);
      encoder.copyBufferToBuffer(resolved, 0, readback, 0, 16);
      this.pending.push({ name, querySet, resolved, readback });
    };
    return { pass, end };
  }

  /** Adds the timestamps of every submitted pass to `totals` (await after the work was submitted). */
  async collect(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    for (const { name, querySet, resolved, readback } of batch) {
      await readback.mapAsync(GPUMapMode.READ);
      const [begin, end] = new BigUint64Array(readback.getMappedRange());
      // Stamps are in nanoseconds; a pass the implementation reorders can read end < begin: count 0.
      this.totals[name] = (this.totals[name] ?? 0) + Math.max(0, Number(end - begin)) / 1e6;
      readback.unmap();
      readback.destroy();
      resolved.destroy();
      querySet.destroy();
    }
  }
}
