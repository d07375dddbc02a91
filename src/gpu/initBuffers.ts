// The buffers of one chunk of the initialization engine, sized by its plan (src/gpu/initPlan.ts) and
// reused while the shapes stay the same: a[0..L], z[1..L], two δ buffers, W[l] (one per layer when
// kept for the backward pass, else one block buffer), one bias row per init.
import { createStorageBuffer } from './buffers';
import type { InitPlan } from './initPlan';

export interface ChunkBuffers {
  /** What the buffers were sized for: a plan with the same key reuses them. */
  key: string;
  activations: GPUBuffer[]; // a[0..L]
  preActivations: GPUBuffer[]; // z[1..L] (index 0 unused)
  deltas: [GPUBuffer, GPUBuffer];
  /**
   * W[l] of the chunk, index 1..L: one buffer per layer when cached, else all the same block buffer (a
   * 16-byte placeholder when the kernels draw W in place).
   */
  weights: GPUBuffer[];
  bias: GPUBuffer;
  /** (rows, cols) last drawn into each weight buffer: padding must be cleared when the shape changes. */
  drawnShape: Map<GPUBuffer, string>;
}

export function chunkBuffersKey(plan: InitPlan): string {
  const { initsPerChunk, batchPadded, strides, rowsPerBlock, cacheWeights, fusedWeights } = plan;
  return JSON.stringify([initsPerChunk, batchPadded, strides, rowsPerBlock, cacheWeights, fusedWeights]);
}

export function createChunkBuffers(device: GPUDevice, plan: InitPlan): ChunkBuffers {
  const Kc = plan.initsPerChunk;
  const Bp = plan.batchPadded;
  const maxStride = Math.max(...plan.strides);
  const weightFloats = Math.max(...plan.rowsPerBlock.map((rows, l) => (l === 0 ? 0 : rows * plan.strides[l - 1])));
  const layerBuffer = (name: string, l: number) =>
    createStorageBuffer(device, `${name}[${l}]`, Kc * Bp * plan.strides[l] * 4);
  return {
    key: chunkBuffersKey(plan),
    activations: plan.strides.map((_, l) => layerBuffer('a', l)),
    preActivations: plan.strides.map((_, l) =>
      l === 0 ? createStorageBuffer(device, 'z[0] (unused)', 16) : layerBuffer('z', l),
    ),
    deltas: [
      createStorageBuffer(device, 'delta A', Kc * Bp * maxStride * 4),
      createStorageBuffer(device, 'delta B', Kc * Bp * maxStride * 4),
    ],
    weights: plan.fusedWeights
      ? // Drawn in the kernels: a placeholder keeps the bind group layout (the binding is never read).
        Array<GPUBuffer>(plan.strides.length).fill(createStorageBuffer(device, 'W (drawn in place)', 16))
      : plan.cacheWeights
        ? plan.rowsPerBlock.map((rows, l) =>
            createStorageBuffer(device, `W[${l}]`, l === 0 ? 16 : Kc * rows * plan.strides[l - 1] * 4),
          )
        : Array<GPUBuffer>(plan.strides.length).fill(
            createStorageBuffer(device, 'weight block', Kc * weightFloats * 4),
          ),
    drawnShape: new Map(),
    bias: createStorageBuffer(device, 'bias', Kc * maxStride * 4),
  };
}

export function destroyChunkBuffers(buffers: ChunkBuffers): void {
  const { activations, preActivations, deltas, weights, bias } = buffers;
  for (const buffer of new Set([...activations, ...preActivations, ...deltas, ...weights, bias])) buffer.destroy();
}
