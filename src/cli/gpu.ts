// The GPU for command-line runs: Dawn in Node, hardware if present, else SwiftShader.
import { describeAdapter, type GpuContext, requestGpu } from '../gpu/device';
import { nodeGpu } from '../gpu/nodeGpu';

export async function openCliGpu(): Promise<GpuContext> {
  // Timestamp queries where the adapter has them: the benchmark reports GPU time per kernel. A loss
  // other than the command's own release() at the end means the numbers are incomplete: exit 1.
  const gpu = await requestGpu(await nodeGpu(), {
    label: 'cli device',
    optionalFeatures: ['timestamp-query'],
    onLost: (info) => {
      process.stderr.write(
        `The GPU device was lost while running ${process.argv.slice(2).join(' ')} ` +
          `(${info.reason || 'unknown reason'}: ${info.message || 'no message'}); the results are not valid.\n`,
      );
      process.exit(1);
    },
  });
  process.stderr.write(`adapter: ${describeAdapter(gpu.adapter)}\n`);
  // An error no error scope caught means the printed numbers cannot be trusted: say so, exit non-zero.
  gpu.device.addEventListener('uncapturederror', (event) => {
    process.stderr.write(
      `GPU error (the results are not valid): ${(event as GPUUncapturedErrorEvent).error.message}\n`,
    );
    process.exitCode = 1;
  });
  return gpu;
}

/** The adapter block of every command's JSON output. */
export function adapterJson(gpu: GpuContext | undefined): Record<string, unknown> {
  if (!gpu) return { kind: 'cpu-twin', description: 'CPU reference path (f64, single thread)' };
  const { vendor, architecture, device, description, software } = gpu.adapter;
  return { kind: software ? 'software' : 'hardware', vendor, architecture, device, description };
}
