// One builder from a parameter table to lil-gui, with one rule for every view:
//   choice                    → a select (labelled by choiceLabels when given)
//   bool                      → a checkbox
//   float with log            → a slider over log10 of the value (from sliderMin), the value in its name
//   int with log              → a select of spec.ticks (or the powers of two in range), plus the current value
//   int/float with min and max no more than SLIDER_RANGE apart → a slider (step 1 for integers)
//   anything else (seed, wide windows) → a number box; the table clamps what is typed
// lil-gui edits a private proxy object; the view hears one onChange(key, value) with the value itself
// (not its log) and shows what it settled on with show(values) (after clamping and fitting).

import GUI, { type Controller } from 'lil-gui';
import type { ParamSpec, ParamValue, ParamValues } from '../../core/params';

/** Widest min…max range that gets a slider; wider ranges get a number box. */
export const SLIDER_RANGE = 1000;

export interface GuiFolderSpec {
  title: string;
  keys: readonly string[];
  closed?: boolean;
}

export interface ParamGuiOptions {
  container: HTMLElement;
  title: string;
  /** Every knob, experiment and view alike; keys in no folder go first, in table order. */
  table: readonly ParamSpec[];
  values: ParamValues;
  folders?: readonly GuiFolderSpec[];
  /** The one change handler: the key and the value the visitor chose. */
  onChange(key: string, value: ParamValue): void;
  /** A view's own controls (buttons, switches) placed right after the knob of a key. */
  after?: Readonly<Record<string, (folder: GUI) => void>>;
}

type ControlKind = 'select' | 'checkbox' | 'log-slider' | 'log-select' | 'slider' | 'box';

/** Which control a spec gets: the one rule above. */
export function controlKind(spec: ParamSpec): ControlKind {
  if (spec.kind === 'choice') return 'select';
  if (spec.kind === 'bool') return 'checkbox';
  if (spec.log) return spec.kind === 'float' ? 'log-slider' : 'log-select';
  if (spec.min !== undefined && spec.max !== undefined && spec.max - spec.min <= SLIDER_RANGE) return 'slider';
  return 'box';
}

/** The values a log-scale integer select offers: the spec's ticks or the powers of two in range, and `current`. */
export function logSelectOptions(spec: ParamSpec, current: number): number[] {
  const options = new Set<number>([current]);
  if (spec.ticks) {
    for (const tick of spec.ticks) options.add(tick);
  } else {
    for (let v = 1; v <= (spec.max ?? 1); v *= 2) if (v >= (spec.min ?? 1)) options.add(v);
  }
  return [...options].sort((a, b) => a - b);
}

function logFloor(spec: ParamSpec): number {
  return spec.sliderMin ?? (spec.min !== undefined && spec.min > 0 ? spec.min : 1e-6);
}

/** A log slider's name carries the value (the slider itself shows log10 of it). */
function knobName(spec: ParamSpec, value: ParamValue): string {
  if (controlKind(spec) !== 'log-slider') return spec.label;
  const number = value as number;
  return `${spec.label} = ${number === 0 ? '0' : Number(number.toPrecision(3))}`;
}

export class ParamGui {
  readonly gui: GUI;
  private readonly proxy: Record<string, unknown> = {};
  private readonly controllers = new Map<string, Controller>();
  private readonly specs = new Map<string, ParamSpec>();
  /** The options each log-scale select offers now. */
  private readonly selectOptions = new Map<string, number[]>();
  private values: ParamValues;

  constructor(private readonly options: ParamGuiOptions) {
    this.values = { ...options.values };
    this.gui = new GUI({ container: options.container, title: options.title, width: 288 });
    this.gui.domElement.style.setProperty('--width', '100%');
    for (const spec of options.table) this.specs.set(spec.key, spec);
    const inFolders = new Set((options.folders ?? []).flatMap((folder) => folder.keys));
    for (const spec of options.table) if (!inFolders.has(spec.key)) this.addKnob(this.gui, spec);
    for (const folderSpec of options.folders ?? []) {
      const folder = this.gui.addFolder(folderSpec.title);
      if (folderSpec.closed) folder.close();
      for (const key of folderSpec.keys) {
        const spec = this.specs.get(key);
        if (!spec) throw new Error(`GUI folder "${folderSpec.title}": no knob ${key} in the table`);
        this.addKnob(folder, spec);
      }
    }
    this.gui.onChange(({ property, value, controller }) => {
      const spec = this.specs.get(property);
      if (!spec || this.controllers.get(property) !== controller) return; // a view's own control
      const chosen = controlKind(spec) === 'log-slider' ? Number((10 ** (value as number)).toPrecision(3)) : value;
      options.onChange(property, chosen as ParamValue);
    });
    this.show(this.values);
  }

  /** Shows these values (what the view settled on); knobs not in `values` keep theirs. */
  show(values: ParamValues): void {
    this.values = { ...this.values, ...values };
    for (const [key, spec] of this.specs) {
      const value = this.values[key];
      if (value === undefined) continue;
      const kind = controlKind(spec);
      if (kind === 'log-select' && !this.selectOptions.get(key)?.includes(value as number)) {
        this.proxy[key] = value;
        this.replaceOptions(key, logSelectOptions(spec, value as number));
      }
      this.proxy[key] = kind === 'log-slider' ? Math.log10(Math.max(value as number, logFloor(spec))) : value;
      const controller = this.controllers.get(key);
      controller?.name(knobName(spec, value));
      controller?.updateDisplay();
    }
  }

  /** Greys a knob out (it does not matter for the current settings) or back in. */
  enable(key: string, enabled: boolean): void {
    this.controllers.get(key)?.enable(enabled);
  }

  /** The lil-gui controller of a knob. */
  controller(key: string): Controller | undefined {
    return this.controllers.get(key);
  }

  destroy(): void {
    this.gui.destroy();
  }

  private addKnob(folder: GUI, spec: ParamSpec): void {
    const value = this.values[spec.key];
    this.proxy[spec.key] = value;
    let controller: Controller;
    switch (controlKind(spec)) {
      case 'select':
        controller = folder.add(this.proxy, spec.key, choiceOptions(spec));
        break;
      case 'checkbox':
        controller = folder.add(this.proxy, spec.key);
        break;
      case 'log-slider': {
        this.proxy[spec.key] = Math.log10(Math.max(value as number, logFloor(spec)));
        controller = folder.add(this.proxy, spec.key, Math.log10(logFloor(spec)), Math.log10(spec.max ?? 100), 0.01);
        controller.domElement.classList.add('log-slider');
        break;
      }
      case 'log-select': {
        const options = logSelectOptions(spec, value as number);
        this.selectOptions.set(spec.key, options);
        controller = folder.add(this.proxy, spec.key, options);
        break;
      }
      case 'slider':
        controller = folder.add(this.proxy, spec.key, spec.min, spec.max, spec.kind === 'int' ? 1 : 0.01);
        break;
      case 'box':
        controller = folder.add(this.proxy, spec.key).step(spec.kind === 'int' ? 1 : 0.01);
        if (spec.min !== undefined) controller.min(spec.min);
        break;
    }
    this.decorate(controller, spec);
    this.options.after?.[spec.key]?.(folder);
  }

  private decorate(controller: Controller, spec: ParamSpec): void {
    controller.name(knobName(spec, this.values[spec.key]));
    controller.domElement.title = spec.help;
    controller.domElement.dataset.key = spec.key;
    this.controllers.set(spec.key, controller);
  }

  /** New options for a select (lil-gui 0.21 replaces a select's options in place, keeping the control). */
  private replaceOptions(key: string, options: number[]): void {
    this.selectOptions.set(key, options);
    this.controllers.get(key)?.options(options);
  }
}

function choiceOptions(spec: ParamSpec): string[] | Record<string, string> {
  const choices = [...(spec.choices ?? [])];
  if (!spec.choiceLabels) return choices;
  return Object.fromEntries(choices.map((choice) => [spec.choiceLabels?.[choice] ?? choice, choice]));
}
