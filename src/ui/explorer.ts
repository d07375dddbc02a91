// The contract between the app shell and each explorer (Initialization, Regularization, Training).
import type { BackendKind } from '../core/params';
import type { GpuContext } from '../gpu/device';

export type NoticeKind = 'info' | 'warning' | 'error';

/**
 * What runs the numbers: a WebGPU device, or 'cpu' when the page has no WebGPU (the CPU twins of core/
 * in a Web Worker, the 3D scenes on three.js's WebGL 2 backend). Each view's engine factory
 * (initEngines.ts, regularizationEngines.ts, trainingEngines.ts) turns it into an engine.
 */
export type ComputeBackend = GpuContext | 'cpu';

/** The kind of a backend, for the page's defaults (tableForAdapter): gpu, software (adapter) or cpu. */
export function backendKind(backend: ComputeBackend): BackendKind {
  if (backend === 'cpu') return 'cpu';
  return backend.adapter.software ? 'software' : 'gpu';
}

/** The GPU device of a backend; undefined without WebGPU (the scenes then draw through WebGL 2). */
export function backendDevice(backend: ComputeBackend): GPUDevice | undefined {
  return backend === 'cpu' ? undefined : backend.device;
}

/** Resolves once the work a backend was given has finished (GPU submissions; at once on the CPU). */
export function backendIdle(backend: ComputeBackend): Promise<void> {
  return backend === 'cpu' ? Promise.resolve() : backend.device.queue.onSubmittedWorkDone();
}

export interface ExplorerContext {
  backend: ComputeBackend;
  /** The explorer's own URL parameters (the shell keeps `view`). */
  params: URLSearchParams;
  /** Replaces the explorer's URL parameters without reloading (history.replaceState). */
  setParams(params: URLSearchParams): void;
  /** A visible notice under the header: clamped URL values, shrunk defaults, lost devices. */
  notify(message: string, kind?: NoticeKind): void;
}

export interface Explorer {
  id: string;
  title: string;
  summary: string;
  /** Builds the explorer into `container`; returns its teardown (cancel runs, free GPU objects). */
  mount(container: HTMLElement, context: ExplorerContext): Promise<() => void>;
  /**
   * The same settings with smaller sizes (halved K, width or grid), for the restart after a lost
   * device: the loss may have been a GPU watchdog tripped by a submission that was too big.
   */
  reduce(params: URLSearchParams, backend: BackendKind): URLSearchParams;
}
