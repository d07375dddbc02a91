// One way to record compute work, for every runner: a labelled pass holding dispatches (pipeline,
// bind groups, workgroup counts), stamped when a KernelTimer is given; bind groups over buffers at
// bindings 0, 1, …; and the workgroup counts of 1D work laid out in 2D within the device's limits.
import type { KernelTimer } from './kernelTimer';

export interface WorkgroupCount {
  x: number;
  y?: number;
  z?: number;
}

/** What one dispatch needs; a pass records one or more of them. */
export interface KernelDispatch {
  readonly pipeline: GPUComputePipeline;
  /** Bind groups 0, 1, … */
  readonly bindGroups: readonly GPUBindGroup[];
  readonly workgroups: WorkgroupCount;
}

/** Times the pass as GPU time of `kernel` (timestamp queries, src/gpu/kernelTimer.ts). */
export interface PassTiming {
  timer: KernelTimer;
  kernel: string;
}

/** Records `dispatches` in one compute pass labelled `label`. */
export function encodeComputePass(
  encoder: GPUCommandEncoder,
  label: string,
  dispatches: readonly KernelDispatch[],
  timing?: PassTiming,
): void {
  const timed = timing?.timer.beginPass(encoder, timing.kernel, label);
  const pass = timed?.pass ?? encoder.beginComputePass({ label });
  for (const { pipeline, bindGroups, workgroups } of dispatches) {
    pass.setPipeline(pipeline);
    bindGroups.forEach((group, index) => {
      pass.setBindGroup(index, group);
    });
    pass.dispatchWorkgroups(workgroups.x, workgroups.y ?? 1, workgroups.z ?? 1);
  }
  if (timed) timed.end();
  else pass.end();
}

/** A bind group of whole buffers at bindings 0, 1, … of group 0 of `pipeline` (or of an explicit layout). */
export function bindBuffers(
  device: GPUDevice,
  label: string,
  layout: GPUComputePipeline | GPUBindGroupLayout,
  buffers: readonly GPUBuffer[],
): GPUBindGroup {
  return device.createBindGroup({
    label,
    layout: 'getBindGroupLayout' in layout ? layout.getBindGroupLayout(0) : layout,
    entries: buffers.map((buffer, binding) => ({ binding, resource: { buffer } })),
  });
}

/** A dispatch bound once and encoded many times (a training step, its metrics); owns its uniform buffers. */
export class BoundDispatch implements KernelDispatch {
  readonly bindGroups: readonly GPUBindGroup[];

  constructor(
    readonly label: string,
    readonly pipeline: GPUComputePipeline,
    bindGroup: GPUBindGroup,
    readonly workgroups: WorkgroupCount,
    private readonly owned: readonly GPUBuffer[] = [],
  ) {
    this.bindGroups = [bindGroup];
  }

  /** Records `times` dispatches of it in one pass. */
  encode(encoder: GPUCommandEncoder, times = 1): void {
    encodeComputePass(encoder, `${this.label} pass`, Array<KernelDispatch>(times).fill(this));
  }

  destroy(): void {
    for (const buffer of this.owned) buffer.destroy();
  }
}

/**
 * A 2D grid of workgroups covering `invocations` 1D invocations without exceeding
 * maxComputeWorkgroupsPerDimension; the kernel rebuilds the index as id.y * rowStride + id.x.
 */
export function dispatchSize2D(
  device: GPUDevice,
  invocations: number,
  workgroupSize: number,
): { x: number; y: number; rowStride: number } {
  const groups = Math.max(1, Math.ceil(invocations / workgroupSize));
  const maxPerDimension = device.limits.maxComputeWorkgroupsPerDimension;
  const x = Math.min(groups, maxPerDimension);
  const y = Math.ceil(groups / x);
  if (y > maxPerDimension) throw new Error(`${invocations} invocations exceed the device's dispatch limits`);
  return { x, y, rowStride: x * workgroupSize };
}

/** Workgroup grid for `groups` workgroups: x·y ≥ groups within maxComputeWorkgroupsPerDimension. */
export function workgroupGrid(device: GPUDevice, groups: number): { x: number; y: number } {
  const maxPerDimension = device.limits.maxComputeWorkgroupsPerDimension;
  const x = Math.max(1, Math.min(groups, maxPerDimension));
  const y = Math.max(1, Math.ceil(groups / x));
  if (y > maxPerDimension) throw new Error(`${groups} workgroups exceed the device's dispatch limits`);
  return { x, y };
}
