// The Initialization explorer: K random initializations of a deep net run by the engine of the backend
// (initEngines.ts: the GPU engine of src/gpu/initStats.ts, or without WebGPU its CPU twin in a worker), their
// per-layer histograms, moments and symmetry drawn as they come in (src/ui/initPanels.ts), with presets and the
// Xavier derivation measured step by step. This file composes the kit: URL state (initUrl.ts) → frame → panels
// (initPanels.ts) → the runs (initRunner.ts: the kit's LatestRunner over the theory and the engine's chunks) →
// presets and knobs (initKnobs.ts: ParamGui over INIT_PARAMS with the backend's defaults, and the View folder).

import { INIT_PARAMS } from '../core/initConfig';
import { backendDevice, backendKind, type Explorer, type ExplorerContext } from './explorer';
import { createInitEngine, type InitEngine } from './initEngines';
import { InitKnobs } from './initKnobs';
import { InitPanels, type InitShown } from './initPanels';
import { InitRunner } from './initRunner';
import { initCommand, initParamTable, readInitUrl, writeInitUrl } from './initUrl';
import { gradientVerdict } from './initVerdict';
import './initExplorer.css';
import { explorerFrame } from './kit/frame';
import { announce, halveSizes } from './kit/urlState';

async function mount(container: HTMLElement, context: ExplorerContext): Promise<() => void> {
  const backend = backendKind(context.backend);
  const url = readInitUrl(context.params, backend);
  announce(url.notices, context.notify);
  /** What runs and what is shown: the knobs write it, the runner's results land in it, the panels read it. */
  const state: InitShown = {
    config: url.config,
    verdict: gradientVerdict(url.config),
    result: undefined,
    view: url.view,
  };

  const frame = explorerFrame(container, context, {
    id: 'init',
    controlsTitle: 'Presets',
    table: INIT_PARAMS,
    command: () => initCommand(state.config),
  });
  const panels = await InitPanels.create(
    frame,
    backendDevice(context.backend),
    () => state,
    (layer) => knobs.setView('layer', layer),
  );
  let engine: InitEngine;
  try {
    engine = await createInitEngine(context.backend);
  } catch (error) {
    panels.destroy();
    throw error;
  }
  const notify = (message: string) => context.notify(message, 'warning');
  const runner = new InitRunner(
    engine,
    frame.status,
    (result) => {
      state.result = result;
      panels.requestDraw();
    },
    notify,
  );
  const knobs = new InitKnobs(frame, initParamTable(backend), state, {
    run: (config, debounceMs) => runner.request(config, debounceMs),
    redraw: () => panels.requestDraw(),
    save: () => {
      context.setParams(writeInitUrl(state.config, state.view, backend));
      frame.refreshCommand();
    },
    notify,
  });

  knobs.setConfig(state.config, 0);
  return () => {
    runner.destroy();
    knobs.destroy();
    panels.destroy();
  };
}

export const initExplorer: Explorer = {
  id: 'init',
  title: 'Initialization',
  summary:
    'Turn the init scale and watch thousands of random initializations of a wide, deep net vanish, hold or ' +
    'explode, with the Xavier derivation measured step by step.',
  mount,
  reduce: (params, backend) => halveSizes(INIT_PARAMS, params, ['inits', 'width'], backend),
};
