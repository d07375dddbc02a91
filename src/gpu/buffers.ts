// Small helpers around buffers; each takes the device first and owns no loop.

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
  try {
    await staging.mapAsync(GPUMapMode.READ);
    const copy = staging.getMappedRange().slice(0, byteLength);
    staging.unmap();
    return copy;
  } finally {
    staging.destroy(); // also when the map fails (a lost device, an aborted run)
  }
}
