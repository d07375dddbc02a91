// The Initialization explorer's knobs: the presets bar above one ParamGui (the experiment from the
// adapter's table, the advanced folder, the View folder, the re-seed button after the seed), and the
// rules of a change: a value goes through the table (clamped with a notice; width carries inputWidth
// along), the knobs show what runs, the inspect-layer slider ends at the depth, the preset the
// settings match is marked. The explorer hears what to do next through `hooks`.

import type { InitConfig, InitParamSpec } from '../core/initConfig';
import { type ParamValue, parseParam } from '../core/params';
import { type InitShown, PresetBar } from './initPanels';
import { applyPreset } from './initPresets';
import { INIT_VIEW_PARAMS, type InitViewState, nextSeed, VIEW_KEYS, withKnob } from './initUrl';
import { gradientVerdict } from './initVerdict';
import type { ExplorerFrame } from './kit/frame';
import { ParamGui } from './kit/paramGui';

export interface KnobHooks {
  /**
   * The experiment changed (state.config is the new one): run it after `debounceMs` (the runner's default
   * when absent).
   */
  run(config: InitConfig, debounceMs?: number): void;
  /** A View knob moved (state.view is the new one). */
  redraw(): void;
  /** Write the state where it is kept (the URL, the command line). */
  save(): void;
  notify(message: string): void;
}

export class InitKnobs {
  private readonly presets: PresetBar;
  private readonly gui: ParamGui;

  constructor(
    private readonly frame: ExplorerFrame,
    private readonly table: readonly InitParamSpec[],
    private readonly state: InitShown,
    private readonly hooks: KnobHooks,
  ) {
    this.presets = new PresetBar((preset) => this.setConfig(applyPreset(state.config, preset)));
    frame.controls.body.append(this.presets.root);
    const actions = { reseed: () => this.onChange('seed', nextSeed(state.config.seed)) };
    this.gui = new ParamGui({
      container: frame.controls.body,
      title: 'Experiment',
      table: [...table, ...INIT_VIEW_PARAMS],
      values: { ...state.config, ...state.view },
      folders: [
        { title: 'Input width and histogram bins', keys: ['inputWidth', 'bins'], closed: true },
        { title: 'View', keys: ['quantity', 'density', 'layer'] },
      ],
      onChange: (key, value) => this.onChange(key, value),
      after: { seed: (folder) => void folder.add(actions, 'reseed').name('re-seed (next Threefry word)') },
    });
  }

  /** New settings: shown on the knobs and the presets, saved, then run. */
  setConfig(config: InitConfig, debounceMs?: number): void {
    this.state.config = config;
    this.state.verdict = gradientVerdict(config);
    // A shallower net keeps the inspected layer inside it: the knob, the URL and the panels agree.
    this.state.view.layer = Math.min(this.state.view.layer, config.depth);
    this.gui.show({ ...config, layer: this.state.view.layer }); // what runs (clamped, inputWidth carried along)
    this.gui.controller('layer')?.max(config.depth);
    this.frame.root.dataset.preset = this.presets.mark(config)?.id ?? '';
    this.hooks.save();
    this.hooks.run(config, debounceMs);
  }

  /** A View value (quantity, density, layer) from its knob or a click on a small multiple. */
  setView(key: string, value: ParamValue): void {
    const spec = INIT_VIEW_PARAMS.find((candidate) => candidate.key === key);
    if (!spec) return;
    Object.assign(this.state.view, { [key]: parseParam(spec, value).value });
    this.gui.show({ [key]: this.state.view[key as keyof InitViewState] });
    this.hooks.save();
    this.hooks.redraw();
  }

  destroy(): void {
    this.gui.destroy();
  }

  private onChange(key: string, value: ParamValue): void {
    if (VIEW_KEYS.has(key)) {
      this.setView(key, value);
      return;
    }
    const next = withKnob(this.table, this.state.config, key, value);
    if (next.message) this.hooks.notify(next.message);
    this.setConfig(next.config);
  }
}
