// Asking for a WebGPU adapter and device, in the browser and in Node (through src/gpu/nodeGpu.ts).
// Every failure becomes a GpuUnavailableError whose message tells a person what to do.

export interface AdapterSummary {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  isFallbackAdapter: boolean;
  /** A CPU rasterizer (SwiftShader, llvmpipe, lavapipe, WARP): ~100x slower, so callers size work down. */
  software: boolean;
}

export interface GpuContext {
  device: GPUDevice;
  adapter: AdapterSummary;
  /** Kept so the adapter lives as long as its device (Dawn in Node crashes if it is collected first). */
  gpuAdapter: GPUAdapter;
  /** Resolves when the device is lost; `reason` 'destroyed' means we destroyed it ourselves. */
  lost: Promise<GPUDeviceLostInfo>;
}

export type GpuFailure = 'no-webgpu' | 'no-adapter' | 'limits' | 'device';

export class GpuUnavailableError extends Error {
  constructor(
    readonly failure: GpuFailure,
    message: string,
  ) {
    super(message);
    this.name = 'GpuUnavailableError';
  }
}

/** Limits below which no explorer can run: WebGPU's defaults, which every adapter must offer. */
export const REQUIRED_LIMITS = {
  maxStorageBuffersPerShaderStage: 8,
  maxComputeInvocationsPerWorkgroup: 256,
  maxComputeWorkgroupStorageSize: 16384,
  maxStorageBufferBindingSize: 128 * 1024 * 1024,
} as const;

/** Limits raised to what the adapter allows: big widths need big buffers. */
const RAISED_LIMITS = ['maxStorageBufferBindingSize', 'maxBufferSize', 'maxComputeWorkgroupStorageSize'] as const;

const SOFTWARE_NAMES = /swiftshader|llvmpipe|lavapipe|softpipe|warp|basic render|cpu/i;

export function summarizeAdapter(adapter: GPUAdapter): AdapterSummary {
  const info = adapter.info;
  // isFallbackAdapter moved from GPUAdapter to GPUAdapterInfo; read both.
  const legacyFallback = (adapter as unknown as { isFallbackAdapter?: boolean }).isFallbackAdapter;
  const infoFallback = (info as unknown as { isFallbackAdapter?: boolean }).isFallbackAdapter;
  const isFallbackAdapter = Boolean(infoFallback ?? legacyFallback ?? false);
  const summary = {
    vendor: info?.vendor ?? '',
    architecture: info?.architecture ?? '',
    device: info?.device ?? '',
    description: info?.description ?? '',
  };
  const software =
    isFallbackAdapter ||
    SOFTWARE_NAMES.test(`${summary.vendor} ${summary.architecture} ${summary.device} ${summary.description}`);
  return { ...summary, isFallbackAdapter, software };
}

/** Whether a device runs on a software adapter (device.adapterInfo; false where a browser lacks it). */
export function isSoftwareDevice(device: GPUDevice): boolean {
  const info = (device as { adapterInfo?: GPUAdapterInfo }).adapterInfo;
  if (!info) return false;
  const fallback = (info as unknown as { isFallbackAdapter?: boolean }).isFallbackAdapter;
  return (
    Boolean(fallback) || SOFTWARE_NAMES.test(`${info.vendor} ${info.architecture} ${info.device} ${info.description}`)
  );
}

export function describeAdapter(adapter: AdapterSummary): string {
  const name = [adapter.vendor, adapter.architecture, adapter.device || adapter.description]
    .filter(Boolean)
    .join(' · ');
  return `${name || 'unnamed adapter'} (${adapter.software ? 'software: CPU emulation, small defaults' : 'hardware GPU'})`;
}

export interface RequestGpuOptions {
  label?: string;
  /** Called when the device is lost for any reason other than our own destroy(). */
  onLost?: (info: GPUDeviceLostInfo) => void;
  /** Features to turn on where the adapter has them (e.g. 'timestamp-query' for the benchmark). */
  optionalFeatures?: readonly GPUFeatureName[];
}

export async function requestGpu(gpu: GPU | undefined, options: RequestGpuOptions = {}): Promise<GpuContext> {
  if (!gpu) {
    throw new GpuUnavailableError(
      'no-webgpu',
      'This browser does not offer WebGPU. Use a current Chrome or Edge (113 or later); on Linux start it with ' +
        '--enable-unsafe-webgpu --enable-features=Vulkan, or enable chrome://flags/#enable-unsafe-webgpu.',
    );
  }
  let adapter: GPUAdapter | null = null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (error) {
    throw new GpuUnavailableError('no-adapter', `Asking for a WebGPU adapter failed: ${String(error)}`);
  }
  if (!adapter) {
    throw new GpuUnavailableError(
      'no-adapter',
      'WebGPU is present but no adapter was found. The GPU may be blocklisted or disabled: check chrome://gpu, ' +
        'update the graphics driver, or on Linux start Chrome with --enable-unsafe-webgpu --enable-features=Vulkan.',
    );
  }
  const missing = Object.entries(REQUIRED_LIMITS).filter(
    ([name, needed]) => (adapter.limits[name as keyof GPUSupportedLimits] as number) < needed,
  );
  if (missing.length > 0) {
    throw new GpuUnavailableError(
      'limits',
      `This GPU adapter is too limited: ${missing
        .map(([name, needed]) => `${name} is ${adapter.limits[name as keyof GPUSupportedLimits]} (need ${needed})`)
        .join('; ')}.`,
    );
  }
  const requiredLimits: Record<string, number> = {};
  for (const name of RAISED_LIMITS) requiredLimits[name] = adapter.limits[name];
  let device: GPUDevice;
  try {
    const requiredFeatures = (options.optionalFeatures ?? []).filter((feature) => adapter.features.has(feature));
    device = await adapter.requestDevice({
      label: options.label ?? 'visualizer device',
      requiredLimits,
      requiredFeatures,
    });
  } catch (error) {
    throw new GpuUnavailableError('device', `The GPU adapter refused to create a device: ${String(error)}`);
  }
  const lost = device.lost;
  void lost.then((info) => {
    if (info.reason !== 'destroyed') options.onLost?.(info);
  });
  return { device, adapter: summarizeAdapter(adapter), gpuAdapter: adapter, lost };
}

/**
 * Runs `work` inside validation and out-of-memory error scopes and throws the first error,
 * so a bad pipeline or buffer fails loudly (tests wrap every dispatch in this).
 */
export async function withErrorScopes<T>(device: GPUDevice, work: () => Promise<T> | T): Promise<T> {
  device.pushErrorScope('out-of-memory');
  device.pushErrorScope('validation');
  let result: T;
  try {
    result = await work();
  } finally {
    const validation = await device.popErrorScope();
    const memory = await device.popErrorScope();
    const error = validation ?? memory;
    if (error) throw new Error(`WebGPU ${validation ? 'validation' : 'out-of-memory'} error: ${error.message}`);
  }
  return result;
}
