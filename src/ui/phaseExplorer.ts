// The Signal propagation explorer: the order-to-chaos phase diagram of mean-field theory (Poole et al. 2016;
// Schoenholz et al. 2017). A grid of (σ_w², σ_b²) cells, K random networks each, measured by the backend's engine
// (phaseEngines.ts) beside the theory; the map of log χ₁ or c^L with the critical line, the pinned cell's verdict,
// curves and C-map (phasePanels.ts). This file composes the kit: URL → frame → panels → ParamGui → LatestRunner.

import { type ParamValue, type ParamValues, parseParam } from '../core/params';
import type { PhaseCell } from '../core/phase';
import { PHASE_PARAMS, type PhaseConfig } from '../core/phaseConfig';
import type { CriticalPoint } from '../core/signalPropagation';
import { abortable, CpuTwinJobs } from './cpuTwinJobs';
import { backendKind, type Explorer, type ExplorerContext } from './explorer';
import { errorMessage, formatSeconds } from './kit/dom';
import { explorerFrame } from './kit/frame';
import { LatestRunner } from './kit/latest';
import { ParamGui } from './kit/paramGui';
import { announce, halveSizes } from './kit/urlState';
import { createPhaseEngine } from './phaseEngines';
import { PhasePanels } from './phasePanels';
import {
  applyPhasePreset,
  explodedCells,
  fitPhaseConfig,
  PHASE_VIEW_PARAMS,
  type PhasePreset,
  type PhaseViewState,
  phaseCommand,
  phaseParamTable,
  pinnedCell,
  readPhaseUrl,
  writePhaseUrl,
} from './phaseState';
import { PhaseSurfacePanel } from './phaseSurfacePanel';
import { TrainabilityPanel } from './trainabilityPanel';
import { depthUrlKeys, readDepthUrl, writeDepthUrl } from './trainabilityState';
import './phaseExplorer.css';

const INTRO =
  'Where do deep random networks keep their signal? Each cell of the plane is a weight variance σ_w² and a bias ' +
  'variance σ_b²; random networks there either forget their inputs (ordered), scramble them (chaotic), or sit on ' +
  'the edge between (critical), where gradients neither vanish nor explode.';

/** Points of the theory's critical line over the window (the issue asks for 51 or more). */
export const CRITICAL_LINE_POINTS = 61;

/** The GUI's view knobs (the pin is set by clicking, not by a knob). */
const GUI_VIEW_KEYS = ['map', 'source', 'surface'];

async function mount(container: HTMLElement, context: ExplorerContext): Promise<() => void> {
  const backend = backendKind(context.backend);
  const table = phaseParamTable(backend);
  const url = readPhaseUrl(context.params, backend, depthUrlKeys());
  const depthUrl = readDepthUrl(context.params, backend);
  announce([...url.notices, ...depthUrl.notices], context.notify);
  let config = url.config;
  let view: PhaseViewState = url.view;
  let marker: { sw2: number; sb2: number; label: string } | undefined;
  const engine = await createPhaseEngine(context.backend);

  const frame = explorerFrame(container, context, {
    id: 'phase',
    intro: INTRO,
    controlsTitle: 'Settings',
    table: PHASE_PARAMS,
    command: () => phaseCommand(config),
  });
  const { status } = frame;
  let cells: PhaseCell[] | undefined;
  let cellsConfig: PhaseConfig | undefined;
  let line: CriticalPoint[] = [];
  /** The critical line takes seconds for tanh (fixed points near χ₁ = 1 converge slowly): a worker, cached. */
  const lineJobs = new CpuTwinJobs('critical line');
  const lines = new Map<string, CriticalPoint[]>();
  const criticalLineOf = async (of: PhaseConfig, signal: AbortSignal): Promise<CriticalPoint[]> => {
    const key = `${of.activation} ${of.sb2Min} ${of.sb2Max}`;
    const known = lines.get(key);
    if (known) return known;
    const job = {
      kind: 'criticalLine' as const,
      activation: of.activation,
      sb2Min: of.sb2Min,
      sb2Max: of.sb2Max,
      count: CRITICAL_LINE_POINTS,
    };
    const computed = await abortable(lineJobs, () => lineJobs.run(job), signal);
    lines.set(key, computed);
    return computed;
  };

  /** The Trainable depth panel (made after the phase panels, into their slot). */
  let depth: TrainabilityPanel | undefined;
  const writeState = () => {
    const params = writePhaseUrl(config, view, backend);
    for (const [key, value] of writeDepthUrl(depth?.urlState ?? depthUrl.state, backend)) params.set(key, value);
    context.setParams(params);
    frame.refreshCommand();
  };

  const redraw = () => {
    if (!cells || !cellsConfig) return;
    panels.draw({
      config: cellsConfig,
      cells,
      line,
      map: view.map,
      source: view.source,
      pinned: pinnedCell(cellsConfig, view, line[0]?.sw2 ?? NaN),
      marker,
    });
    surface.show(view.surface, cellsConfig, cells, line, view.map, view.source);
  };

  const pin = (cell: { iw: number; ib: number }) => {
    view = { ...view, pinW: cell.iw, pinB: cell.ib };
    marker = undefined;
    writeState();
    redraw();
  };

  const panels = new PhasePanels(frame, {
    onPreset: (preset: PhasePreset) => {
      const next = applyPhasePreset(config, view, preset);
      marker = { sw2: preset.sw2, sb2: preset.sb2, label: preset.label };
      const changed = JSON.stringify(next.config) !== JSON.stringify(config);
      config = next.config;
      view = next.view;
      depth?.setPhase(config);
      gui.show(settings());
      writeState();
      if (changed) runner.request(config, 0);
      else redraw();
      context.notify(`Preset ${preset.label}: ${preset.story}`, 'info');
    },
    onPick: pin,
  });
  const surface = new PhaseSurfacePanel(panels.surfacePanel, context.backend, frame);
  depth = new TrainabilityPanel(panels.depthSlot, frame, context, depthUrl.state, config, () => writeState());

  const runner = new LatestRunner<PhaseConfig, { cells: PhaseCell[]; line: CriticalPoint[] }>({
    debounceMs: 150,
    run: async (runConfig, run) => {
      const started = performance.now();
      const lineDone = criticalLineOf(runConfig, run.signal);
      lineDone.catch(() => undefined); // awaited below; an abort of the run rejects both
      const result = await engine.run(runConfig, {
        signal: run.signal,
        onProgress: ({ stage, done, total }) => {
          if (!run.isCurrent()) return;
          const what = stage === 'networks' ? `networks: copy ${done}/${total}` : `theory: row ${done}/${total}`;
          status.show(`running ${runConfig.cellsW} × ${runConfig.cellsB} cells · ${what}`);
        },
      });
      const runLine = await lineDone;
      status.element.dataset.ms = String(Math.round(performance.now() - started));
      return { cells: result, line: runLine };
    },
    present: ({ cells: result, line: runLine }, runConfig) => {
      cells = result;
      line = runLine;
      cellsConfig = runConfig;
      redraw();
      const exploded = explodedCells(result);
      const ms = Number(status.element.dataset.ms);
      status.element.dataset.cells = String(result.length);
      status.element.dataset.exploded = String(exploded);
      status.show(
        `${runConfig.cellsW} × ${runConfig.cellsB} cells · ${runConfig.inits} networks each · width ` +
          `${runConfig.width} · depth ${runConfig.depth} · ${runConfig.activation} · ` +
          `done in ${formatSeconds(ms / 1000)}` +
          (exploded > 0 ? ` · ${exploded} cell${exploded === 1 ? '' : 's'} exploded (not finite)` : ''),
      );
    },
    onState: (state, error) => {
      status.state = state;
      if (state === 'error') {
        status.fail('Phase diagram failed', error);
        context.notify(`Phase diagram failed: ${errorMessage(error)}`, 'error');
      }
    },
  });

  const settings = (): ParamValues => ({ ...config, map: view.map, source: view.source, surface: view.surface });

  const onChange = (key: string, value: ParamValue) => {
    const viewSpec = PHASE_VIEW_PARAMS.find((spec) => spec.key === key);
    if (viewSpec) {
      view = { ...view, [key]: parseParam(viewSpec, value).value };
      writeState();
      redraw();
      return;
    }
    const spec = table.find((candidate) => candidate.key === key);
    if (!spec) return;
    const parsed = parseParam(spec, value, config[spec.key]);
    if (parsed.message) context.notify(parsed.message, 'warning');
    const fitted = fitPhaseConfig({ ...config, [key]: parsed.value }, backend);
    for (const notice of fitted.notices) context.notify(notice, 'warning');
    config = fitted.config;
    marker = undefined;
    depth?.setPhase(config);
    gui.show(settings());
    writeState();
    runner.request(config);
  };

  const gui = new ParamGui({
    container: frame.controls.body,
    title: 'Signal propagation',
    table: [...table, ...PHASE_VIEW_PARAMS.filter((spec) => GUI_VIEW_KEYS.includes(spec.key))],
    values: settings(),
    folders: [
      { title: 'Window', keys: ['sw2Min', 'sw2Max', 'sb2Min', 'sb2Max', 'cellsW', 'cellsB'] },
      { title: 'Networks', keys: ['width', 'depth', 'inits', 'batch', 'c0', 'seed'] },
      { title: 'View', keys: GUI_VIEW_KEYS },
    ],
    onChange,
  });

  writeState();
  runner.request(config, 0);
  return () => {
    runner.destroy();
    panels.destroy();
    surface.destroy();
    depth?.destroy();
    lineJobs.destroy();
    gui.destroy();
    void runner.settled.then(() => engine.destroy());
  };
}

export const phaseExplorer: Explorer = {
  id: 'phase',
  title: 'Signal propagation',
  summary:
    'The order-to-chaos phase diagram: χ₁ and the correlation c over (σ_w², σ_b²), measured on random networks ' +
    'beside mean-field theory, with the critical line where deep nets train.',
  mount,
  reduce: (params, backend) => halveSizes(PHASE_PARAMS, params, ['cellsW', 'cellsB', 'inits'], backend),
};
