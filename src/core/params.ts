// A parameter table: one list of specs drives the GUI (label, slider range, log scale, help),
// the URL (readParams / writeParams, defaults omitted) and validation (checkParam). Ranges and
// defaults live in the table only.

export type ParamKind = 'int' | 'float' | 'choice' | 'bool';
export type ParamValue = number | string | boolean;
export type ParamValues = Record<string, ParamValue>;

/**
 * What runs the kernels, for the page's defaults: a GPU, a software adapter (SwiftShader: WebGPU emulated
 * on the CPU), or no WebGPU at all (the CPU twins of core/ in a Web Worker).
 */
export type BackendKind = 'gpu' | 'software' | 'cpu';

export interface ParamSpec {
  key: string;
  label: string;
  kind: ParamKind;
  min?: number;
  max?: number;
  /** Slider on a log scale. */
  log?: boolean;
  /** Lower end of a log slider when min is 0 (a log scale cannot reach 0; typed values still can). */
  sliderMin?: number;
  choices?: readonly string[];
  /** What the GUI shows for each choice, when not the choice itself ('delta' → 'gradients δ'). */
  choiceLabels?: Readonly<Record<string, string>>;
  default: ParamValue;
  /** When absent, take the value of this other parameter (listed earlier in the table) instead of `default`. */
  defaultFrom?: string;
  /**
   * The default on a software adapter (SwiftShader runs the kernels on the CPU, ~100× slower than a GPU):
   * sizes that keep the page interactive there. The command line and a GPU use `default`.
   */
  softwareDefault?: ParamValue;
  /**
   * The default of the page on a GPU, when it can afford more than the command line's `default`
   * (a quick CLI run): the Initialization explorer starts at n = K = 1024 there, the CLI at 128 and 64.
   */
  gpuDefault?: ParamValue;
  /**
   * The default of the page without WebGPU, where the CPU twins run in a Web Worker: sizes whose default run
   * takes about 2 s there. `softwareDefault` when absent (small enough for most tables).
   */
  cpuDefault?: ParamValue;
  /** Values a log-scale integer knob offers (its select); powers of two in range when absent. */
  ticks?: readonly number[];
  help: string;
}

export interface ParsedParam {
  value: ParamValue;
  /** True when a number was moved into range or rounded to an integer. */
  clamped: boolean;
  /** What happened, when the raw value was not used as given. */
  message?: string;
}

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** A number from a number or a decimal string ('12', ' 1e-3 '); undefined for anything else. */
export function toNumber(raw: unknown): number | undefined {
  if (typeof raw === 'number') return Number.isNaN(raw) ? undefined : raw;
  if (typeof raw === 'string' && DECIMAL.test(raw.trim())) return Number(raw.trim());
  return undefined;
}

function show(raw: unknown): string {
  return typeof raw === 'string' ? JSON.stringify(raw) : String(raw);
}

function formatBound(x: number | undefined, fallback: string): string {
  return x === undefined ? fallback : String(x);
}

/** "an integer in 1–16384", "a finite number in 0–100", "one of tanh, relu", "true or false". */
export function describeParam(spec: ParamSpec): string {
  const range = `${formatBound(spec.min, '−∞')}–${formatBound(spec.max, '∞')}`;
  switch (spec.kind) {
    case 'int':
      return `an integer in ${range}`;
    case 'float':
      return `a finite number in ${range}`;
    case 'choice':
      return `one of ${(spec.choices ?? []).join(', ')}`;
    case 'bool':
      return 'true or false';
  }
}

function toBool(raw: unknown): boolean | undefined {
  if (typeof raw === 'boolean') return raw;
  if (raw === 1 || raw === '1' || raw === 'true') return true;
  if (raw === 0 || raw === '0' || raw === 'false') return false;
  return undefined;
}

/** Strict check (no clamping, no fallback): the value, or the sentence saying why not. */
export function checkParam(spec: ParamSpec, raw: unknown): { value: ParamValue } | { problem: string } {
  const problem = { problem: `${spec.key} must be ${describeParam(spec)} (got ${show(raw)})` };
  switch (spec.kind) {
    case 'choice':
      return typeof raw === 'string' && (spec.choices ?? []).includes(raw) ? { value: raw } : problem;
    case 'bool': {
      const value = toBool(raw);
      return value === undefined ? problem : { value };
    }
    case 'int':
    case 'float': {
      const value = toNumber(raw);
      if (value === undefined || !Number.isFinite(value)) return problem;
      if (spec.kind === 'int' && !Number.isInteger(value)) return problem;
      if ((spec.min !== undefined && value < spec.min) || (spec.max !== undefined && value > spec.max)) return problem;
      return { value };
    }
  }
}

/**
 * Forgiving parse for URLs and text fields: out-of-range numbers are clamped, non-integers rounded,
 * garbage falls back to `fallback` (the spec's default unless given); the message says which.
 * Absent values (undefined, null, '') give the fallback silently.
 */
export function parseParam(spec: ParamSpec, raw: unknown, fallback: ParamValue = spec.default): ParsedParam {
  if (raw === undefined || raw === null || raw === '') return { value: fallback, clamped: false };
  const checked = checkParam(spec, raw);
  if ('value' in checked) return { value: checked.value, clamped: false };
  const number = spec.kind === 'int' || spec.kind === 'float' ? toNumber(raw) : undefined;
  if (number === undefined || !Number.isFinite(number)) {
    return {
      value: fallback,
      clamped: false,
      message: `${spec.key}: ${show(raw)} is not ${describeParam(spec)}; using ${show(fallback)}`,
    };
  }
  const rounded = spec.kind === 'int' ? Math.round(number) : number;
  let value = rounded;
  if (spec.min !== undefined) value = Math.max(spec.min, value);
  if (spec.max !== undefined) value = Math.min(spec.max, value);
  const why = value !== rounded ? 'clamped' : 'rounded';
  return {
    value,
    clamped: true,
    message: `${spec.key}: ${show(raw)} is not ${describeParam(spec)}; ${why} to ${value}`,
  };
}

function fallbackOf(spec: ParamSpec, values: ParamValues): ParamValue {
  return spec.defaultFrom !== undefined && spec.defaultFrom in values ? values[spec.defaultFrom] : spec.default;
}

/**
 * Values of every parameter in the table from a query string, with a notice for each value that was
 * clamped or replaced. Keys the table does not know are ignored (other tables share the URL).
 */
export function readParams(
  table: readonly ParamSpec[],
  search: URLSearchParams,
): { values: ParamValues; notices: string[] } {
  const values: ParamValues = {};
  const notices: string[] = [];
  for (const spec of table) {
    const parsed = parseParam(spec, search.get(spec.key) ?? undefined, fallbackOf(spec, values));
    values[spec.key] = parsed.value;
    if (parsed.message !== undefined) notices.push(parsed.message);
  }
  return { values, notices };
}

function formatValue(value: ParamValue): string {
  if (typeof value === 'boolean') return value ? '1' : '0';
  return String(value); // String(number) round-trips every double exactly
}

/** The query string of the values that differ from their defaults, in table order. */
export function writeParams(table: readonly ParamSpec[], values: ParamValues): URLSearchParams {
  const search = new URLSearchParams();
  for (const spec of table) {
    const value = values[spec.key];
    if (value === undefined || value === fallbackOf(spec, values)) continue;
    search.set(spec.key, formatValue(value));
  }
  return search;
}

/** The page's default of a spec on this backend, when it has one of its own (else the table's `default`). */
export function backendDefault(spec: ParamSpec, backend: BackendKind): ParamValue | undefined {
  switch (backend) {
    case 'gpu':
      return spec.gpuDefault;
    case 'software':
      return spec.softwareDefault;
    case 'cpu':
      return spec.cpuDefault ?? spec.softwareDefault;
  }
}

/**
 * The table with the page's defaults on this backend: `gpuDefault` replaces `default` on a GPU,
 * `softwareDefault` on a software adapter, `cpuDefault` (else `softwareDefault`) without WebGPU; specs
 * without one keep the command line's `default`.
 */
export function tableForAdapter<Spec extends ParamSpec>(table: readonly Spec[], backend: BackendKind): Spec[] {
  return table.map((spec) => {
    const pageDefault = backendDefault(spec, backend);
    return pageDefault === undefined ? spec : { ...spec, default: pageDefault };
  });
}

/** The spec of `key` in the table; throws naming the key and the table's keys when it has none. */
export function paramSpec<Spec extends ParamSpec>(table: readonly Spec[], key: string): Spec {
  const spec = table.find((candidate) => candidate.key === key);
  if (!spec) throw new Error(`no parameter ${key} in the table (keys: ${table.map((s) => s.key).join(', ')})`);
  return spec;
}

/** kebab-case flag name of a camelCase table key: biasStd → bias-std. */
export function flagName(key: string): string {
  return key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}

/**
 * The `npm run cli -- <command> --flag=value …` line of a set of values: one flag per table key whose
 * value differs from the table's own (command-line) default, in table order, then `extra` flags.
 */
export function commandLine(
  command: string,
  table: readonly ParamSpec[],
  values: ParamValues,
  extra: readonly string[] = [],
): string {
  const flags: string[] = [];
  for (const spec of table) {
    const value = values[spec.key];
    if (value === undefined || value === fallbackOf(spec, values)) continue;
    flags.push(`--${flagName(spec.key)}=${typeof value === 'boolean' ? String(value) : formatValue(value)}`);
  }
  return ['npm run cli --', command, ...flags, ...extra].join(' ');
}

/** A bad configuration value: `field` names the parameter, the message what was wrong and what is allowed. */
export class ConfigError extends Error {
  readonly field: string;
  constructor(field: string, message: string) {
    super(message);
    this.name = 'ConfigError';
    this.field = field;
  }
}

/** Throws a ConfigError naming the keys of `raw` that are not `known` (and listing the known ones). */
export function rejectUnknownKeys(raw: Record<string, unknown>, known: readonly string[]): void {
  const unknown = Object.keys(raw).filter((key) => !known.includes(key));
  if (unknown.length === 0) return;
  throw new ConfigError(
    unknown[0],
    `unknown parameter${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} (known: ${known.join(', ')})`,
  );
}

/**
 * Every spec's checked value from loose input (numbers or numeric strings): a ConfigError naming the field
 * for a value out of range; absent keys take their default (or, with defaultFrom, the other key's value).
 */
export function checkedTableValues(table: readonly ParamSpec[], raw: Record<string, unknown>): ParamValues {
  const values: ParamValues = {};
  for (const spec of table) {
    const given = raw[spec.key];
    if (given === undefined) {
      values[spec.key] = spec.defaultFrom !== undefined ? values[spec.defaultFrom] : spec.default;
      continue;
    }
    const checked = checkParam(spec, given);
    if ('problem' in checked) throw new ConfigError(spec.key, checked.problem);
    values[spec.key] = checked.value;
  }
  return values;
}

/** Throws a ConfigError on `maxKey` when the range's end is below its start ("σ_w² to (1) is below σ_w² from (2)"). */
export function checkRangeOrder(table: readonly ParamSpec[], values: ParamValues, minKey: string, maxKey: string) {
  const [min, max] = [values[minKey], values[maxKey]];
  if (typeof min === 'number' && typeof max === 'number' && max < min) {
    const label = (key: string) => paramSpec(table, key).label;
    throw new ConfigError(maxKey, `${label(maxKey)} (${max}) is below ${label(minKey)} (${min})`);
  }
}
