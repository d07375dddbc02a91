// The frame every explorer is built in: the two-column layout, an intro line, the side column with
// the knobs (lil-gui host), the status line, the software-adapter note, and "copy as command";
// panels are added with their export buttons. An explorer composes its panels into this frame.

import type { ParamSpec } from '../../core/params';
import { describeAdapter } from '../../gpu/device';
import type { ExplorerContext } from '../explorer';
import { element, explorerLayout, type Panel, panel } from './dom';
import { addExports, commandBox, type PanelExports } from './exports';
import { StatusLine } from './latest';

export interface FrameOptions {
  /** The view's id (the URL's view=, data-explorer, element id prefix). */
  id: string;
  /** One or two sentences above the panels: what the view shows. */
  intro?: string;
  /** Title of the knobs panel. */
  controlsTitle: string;
  /** The command line reproducing the current numbers headless. */
  command: () => string;
  /** The view's table as written (not tableForAdapter's): its softwareDefaults are named in the software note. */
  table: readonly ParamSpec[];
}

export interface ExplorerFrame {
  root: HTMLElement;
  main: HTMLElement;
  side: HTMLElement;
  /** Where lil-gui goes (the knobs panel's body). */
  controls: Panel;
  status: StatusLine;
  /** Rewrites the command line (call after the settings change). */
  refreshCommand(): void;
  /** A new panel (not yet placed: append `.root` where it goes), with export buttons when given. */
  panel(title: string, id: string, exports?: PanelExports): Panel;
}

/** "width n 64 (GPU 1024), initializations K 64 (GPU 1024)": the sizes a software adapter shrinks. */
export function shrunkSizes(table: readonly ParamSpec[]): string {
  const gpu = (spec: ParamSpec) => spec.gpuDefault ?? spec.default;
  return table
    .filter((spec) => spec.softwareDefault !== undefined && spec.softwareDefault !== gpu(spec))
    .map((spec) => `${spec.label} ${String(spec.softwareDefault)} (GPU ${String(gpu(spec))})`)
    .join(', ');
}

export function explorerFrame(container: HTMLElement, context: ExplorerContext, options: FrameOptions): ExplorerFrame {
  const { root, main, side } = explorerLayout(container, options.id);
  if (options.intro) main.append(element('p', { class: 'caption explorer-intro' }, options.intro));
  const notify = (message: string) => context.notify(message, 'warning');

  const controls = panel(options.controlsTitle, `${options.id}-controls`);
  const statusPanel = panel('Status', `${options.id}-status-panel`);
  const status = new StatusLine(`${options.id}-status`);
  const adapter = context.gpu.adapter;
  const note = element('p', { class: 'caption', id: `${options.id}-adapter-note` });
  if (adapter.software) {
    note.classList.add('software-note');
    const sizes = shrunkSizes(options.table);
    const name = [adapter.vendor, adapter.architecture].filter(Boolean).join(' ') || 'CPU emulation';
    note.textContent =
      `Software adapter (${name}): WebGPU runs on the CPU here, about 100× slower than a GPU` +
      (sizes ? `, so the defaults shrink: ${sizes}.` : '.') +
      ' Every size is still selectable; big ones take minutes.';
  } else {
    note.textContent = `GPU: ${describeAdapter(adapter)}.`;
  }
  const command = commandBox(`${options.id}-command`, options.command);
  statusPanel.body.append(status.element, note, command.root);
  side.append(controls.root, statusPanel.root);

  return {
    root,
    main,
    side,
    controls,
    status,
    refreshCommand: command.refresh,
    panel(title, id, exports) {
      const created = panel(title, id);
      if (exports) addExports(created, exports, notify);
      return created;
    },
  };
}
