// The contract between the app shell and each explorer (Initialization, Regularization, Training).
import type { GpuContext } from '../gpu/device';

export type NoticeKind = 'info' | 'warning' | 'error';

export interface ExplorerContext {
  gpu: GpuContext;
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
  reduce(params: URLSearchParams, software: boolean): URLSearchParams;
}
