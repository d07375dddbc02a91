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
  /** Resolves when the device is lost, for whatever reason (a destroy() from outside included). */
  lost: Promise<GPUDeviceLostInfo>;
  /** Destroys the device on purpose: the one loss that does not reach onLost. */
  release(): void;
}

export type GpuFailure = 'no-webgpu' | 'no-adapter' | 'limits' | 'device' | 'timeout';

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
  const kind = adapter.software ? 'software: CPU emulation, small defaults' : 'hardware GPU';
  return `${name || 'unnamed adapter'} (${kind})`;
}

export interface RequestGpuOptions {
  label?: string;
  /**
   * Called when the device is lost for any reason but our own release(): a driver reset, a GPU
   * watchdog, and a destroy() the app did not ask for are all losses.
   */
  onLost?: (info: GPUDeviceLostInfo) => void;
  /** How long the adapter and the device may take each before start-up fails (default 10 s). */
  timeoutMs?: number;
  /** Features to turn on where the adapter has them (e.g. 'timestamp-query' for the benchmark). */
  optionalFeatures?: readonly GPUFeatureName[];
}

/** `promise`, or a GpuUnavailableError('timeout') naming `what` when it takes longer than `ms`. */
function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new GpuUnavailableError(
            'timeout',
            `${what} did not answer within ${ms / 1000} s. The GPU may be busy, hung or blocked: ` +
              'close other GPU-heavy tabs, check chrome://gpu, then try again.',
          ),
        ),
      ms,
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export async function requestGpu(gpu: GPU | undefined, options: RequestGpuOptions = {}): Promise<GpuContext> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  if (!gpu) {
    throw new GpuUnavailableError(
      'no-webgpu',
      'This browser does not offer WebGPU. Use a current Chrome or Edge (113 or later); on Linux start it with ' +
        '--enable-unsafe-webgpu --enable-features=Vulkan, or enable chrome://flags/#enable-unsafe-webgpu.',
    );
  }
  let adapter: GPUAdapter | null = null;
  try {
    adapter = await withTimeout(
      gpu.requestAdapter({ powerPreference: 'high-performance' }),
      timeoutMs,
      'The request for a WebGPU adapter',
    );
  } catch (error) {
    if (error instanceof GpuUnavailableError) throw error;
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
    device = await withTimeout(
      adapter.requestDevice({ label: options.label ?? 'visualizer device', requiredLimits, requiredFeatures }),
      timeoutMs,
      'The request for a GPU device',
    );
  } catch (error) {
    if (error instanceof GpuUnavailableError) throw error;
    throw new GpuUnavailableError('device', `The GPU adapter refused to create a device: ${String(error)}`);
  }
  const lost = device.lost;
  let released = false;
  void lost.then((info) => {
    if (!released) options.onLost?.(info);
  });
  const release = () => {
    released = true;
    device.destroy();
  };
  return { device, adapter: summarizeAdapter(adapter), gpuAdapter: adapter, lost, release };
}

/**
 * Runs `work` inside validation and out-of-memory error scopes and throws the first error,
 * so a bad pipeline or buffer fails loudly (tests wrap every dispatch in this).
 */
export async function withErrorScopes<T>(device: GPUDevice, work: () => Promise<T> | T): Promise<T> {
  device.pushErrorScope('out-of-memory');
  device.pushErrorScope('validation');
  // The scopes are popped whether or not the work threw; a GPU error is the more telling failure.
  const outcome = await Promise.resolve()
    .then(work)
    .then(
      (value) => ({ ok: true as const, value }),
      (error: unknown) => ({ ok: false as const, error }),
    );
  const validation = await device.popErrorScope();
  const memory = await device.popErrorScope();
  const error = validation ?? memory;
  if (error) throw new Error(`WebGPU ${validation ? 'validation' : 'out-of-memory'} error: ${error.message}`);
  if (!outcome.ok) throw outcome.error;
  return outcome.value;
}
