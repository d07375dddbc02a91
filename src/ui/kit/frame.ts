// The frame every explorer is built in: the two-column layout, an intro line, the side column with
// the knobs (lil-gui host), the status line, the adapter note (what runs the numbers, and the sizes a
// software adapter or the CPU backend shrinks), and "copy as command" (with --cpu where the CPU twins
// run); panels are added with their export buttons. An explorer composes its panels into this frame.

import { type BackendKind, backendDefault, type ParamSpec } from '../../core/params';
import { describeAdapter } from '../../gpu/device';
import { backendKind, type ExplorerContext } from '../explorer';
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
  /** The view's table as written (not tableForAdapter's): its shrunk defaults are named in the adapter note. */
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

/** The label of the page without WebGPU (the header and every adapter note say it). */
export const CPU_BACKEND_LABEL = 'CPU (no WebGPU): small sizes';

/**
 * "width n 64 (GPU 1024), initializations K 64 (GPU 1024)": the sizes a software adapter (or the CPU
 * backend) shrinks, against the page's on a GPU.
 */
export function shrunkSizes(table: readonly ParamSpec[], backend: BackendKind = 'software'): string {
  const gpu = (spec: ParamSpec) => spec.gpuDefault ?? spec.default;
  return table
    .map((spec) => ({ spec, value: backendDefault(spec, backend) }))
    .filter(({ spec, value }) => value !== undefined && value !== gpu(spec))
    .map(({ spec, value }) => `${spec.label} ${String(value)} (GPU ${String(gpu(spec))})`)
    .join(', ');
}

/** The command line as the backend computes it: the CLI's --cpu runs the same CPU twins as the CPU backend. */
export function backendCommand(command: string, backend: BackendKind): string {
  return backend === 'cpu' ? `${command} --cpu` : command;
}

function adapterNote(context: ExplorerContext, table: readonly ParamSpec[], id: string): HTMLElement {
  const note = element('p', { class: 'caption', id: `${id}-adapter-note` });
  const { backend } = context;
  const kind = backendKind(backend);
  note.dataset.backend = kind;
  if (backend === 'cpu') {
    note.classList.add('software-note');
    const sizes = shrunkSizes(table, 'cpu');
    note.textContent =
      `${CPU_BACKEND_LABEL}. Without WebGPU the CPU twins (f64) run in a Web Worker, far slower than a GPU` +
      (sizes ? `, so the defaults shrink: ${sizes}.` : '.') +
      ' The 3D views draw through WebGL 2. Every size is still selectable; big ones take minutes.';
  } else if (backend.adapter.software) {
    const { adapter } = backend;
    note.classList.add('software-note');
    const sizes = shrunkSizes(table, 'software');
    const name = [adapter.vendor, adapter.architecture].filter(Boolean).join(' ') || 'CPU emulation';
    note.textContent =
      `Software adapter (${name}): WebGPU runs on the CPU here, about 100× slower than a GPU` +
      (sizes ? `, so the defaults shrink: ${sizes}.` : '.') +
      ' Every size is still selectable; big ones take minutes.';
  } else {
    note.textContent = `GPU: ${describeAdapter(backend.adapter)}.`;
  }
  return note;
}

export function explorerFrame(container: HTMLElement, context: ExplorerContext, options: FrameOptions): ExplorerFrame {
  const { root, main, side } = explorerLayout(container, options.id);
  if (options.intro) main.append(element('p', { class: 'caption explorer-intro' }, options.intro));
  const notify = (message: string) => context.notify(message, 'warning');

  const controls = panel(options.controlsTitle, `${options.id}-controls`);
  const statusPanel = panel('Status', `${options.id}-status-panel`);
  const status = new StatusLine(`${options.id}-status`);
  const note = adapterNote(context, options.table, options.id);
  const kind = backendKind(context.backend);
  const caption = kind === 'cpu' ? 'The same numbers headless (Node, the same CPU twins):' : undefined;
  const command = commandBox(`${options.id}-command`, () => backendCommand(options.command(), kind), caption);
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
