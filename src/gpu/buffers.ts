// Small helpers around buffers and dispatch sizes; each takes the device first and owns no loop.

export function createStorageBuffer(device: GPUDevice, label: string, byteLength: number, extraUsage = 0): GPUBuffer {
  return device.createBuffer({
    label,
    size: Math.max(16, Math.ceil(byteLength / 4) * 4),
    usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST | extraUsage,
  });
}

export function createUniformBuffer(device: GPUDevice, label: string, byteLength: number): GPUBuffer {
  return device.createBuffer({
    label,
    size: Math.max(16, Math.ceil(byteLength / 16) * 16),
    usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
  });
}

/** Fills a buffer with a recognizable bit pattern (NaN as f32) so a kernel that skips an output is caught. */
export function poisonBuffer(device: GPUDevice, buffer: GPUBuffer, pattern = 0x7fc0dead): void {
  const words = new Uint32Array(buffer.size / 4).fill(pattern);
  device.queue.writeBuffer(buffer, 0, words);
}

/** Copies `byteLength` bytes of `source` to a mappable buffer and returns them. */
export async function readBuffer(device: GPUDevice, source: GPUBuffer, byteLength = source.size): Promise<ArrayBuffer> {
  const size = Math.ceil(byteLength / 4) * 4;
  const staging = device.createBuffer({
    label: `${source.label} readback`,
    size,
    usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
  });
  const encoder = device.createCommandEncoder({ label: `${source.label} readback` });
  encoder.copyBufferToBuffer(source, 0, staging, 0, size);
  device.queue.submit([encoder.finish()]);
  await staging.mapAsync(GPUMapMode.READ);
  const copy = staging.getMappedRange().slice(0, byteLength);
  staging.unmap();
  staging.destroy();
  return copy;
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

export type UniformField = readonly ['u32' | 'f32', number];

/** A uniform buffer holding 4-byte scalars in declaration order (the WGSL struct's layout). */
export function uniformFromFields(device: GPUDevice, label: string, fields: readonly UniformField[]): GPUBuffer {
  const buffer = device.createBuffer({
    label,
    size: Math.max(16, Math.ceil((fields.length * 4) / 16) * 16),
    usage: GPUBufferUsage.UNIFORM,
    mappedAtCreation: true,
  });
  const view = new DataView(buffer.getMappedRange());
  fields.forEach(([type, value], index) => {
    if (type === 'u32') view.setUint32(index * 4, value >>> 0, true);
    else view.setFloat32(index * 4, value, true);
  });
  buffer.unmap();
  return buffer;
}

/** Workgroup grid for `groups` workgroups: x·y ≥ groups within maxComputeWorkgroupsPerDimension. */
export function workgroupGrid(device: GPUDevice, groups: number): { x: number; y: number } {
  const maxPerDimension = device.limits.maxComputeWorkgroupsPerDimension;
  const x = Math.max(1, Math.min(groups, maxPerDimension));
  const y = Math.max(1, Math.ceil(groups / x));
  if (y > maxPerDimension) throw new Error(`${groups} workgroups exceed the device's dispatch limits`);
  return { x, y };
}
