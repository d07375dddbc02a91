// `--key=value` flags for the command line, checked against a parameter table (the same table
// that drives the GUI and the URL), so a bad flag exits with a message naming it.
import { checkParam, describeParam, flagName, type ParamSpec, type ParamValues } from '../core/params';

export class UsageError extends Error {
  override name = 'UsageError';
}

export interface ParsedFlags {
  values: Record<string, string | true>;
}

/** `--a=1 --b --c=x,y` → { a: '1', b: true, c: 'x,y' }; anything else is a usage error. */
export function parseFlags(argv: readonly string[]): ParsedFlags {
  // No prototype: a flag named __proto__ or constructor is a flag like any other (then an unknown one).
  const values: Record<string, string | true> = Object.create(null);
  for (const arg of argv) {
    const match = /^--([a-zA-Z][\w-]*)(?:=(.*))?$/.exec(arg);
    if (!match) throw new UsageError(`unexpected argument "${arg}": flags look like --name=value`);
    if (Object.hasOwn(values, match[1])) throw new UsageError(`--${match[1]} is given twice; give each flag once`);
    values[match[1]] = match[2] ?? true;
  }
  return { values };
}

export { flagName };

/** A switch: absent or --name=false|0 is off; --name, --name=true|1 is on; anything else is a usage error. */
export function switchFlag(flags: ParsedFlags, name: string): boolean {
  const raw = flags.values[name];
  if (raw === undefined || raw === 'false' || raw === '0') return false;
  if (raw === true || raw === 'true' || raw === '1') return true;
  throw new UsageError(`--${name} is a switch: give it alone or as --${name}=true / --${name}=false (got "${raw}")`);
}

/**
 * Values for every spec in `table` from the flags (defaults where absent). Unknown flags and
 * values out of range are errors here (no silent clamping on the command line).
 */
export function readTableFlags(
  table: readonly ParamSpec[],
  flags: ParsedFlags,
  extraFlags: readonly string[] = [],
): ParamValues {
  const known = new Map(table.map((spec) => [flagName(spec.key), spec]));
  for (const name of Object.keys(flags.values)) {
    if (!known.has(name) && !extraFlags.includes(name)) {
      throw new UsageError(`unknown flag --${name}; see --help for the flags this command takes`);
    }
  }
  const values: ParamValues = {};
  for (const spec of table) {
    const raw = flags.values[flagName(spec.key)];
    if (raw === undefined) continue;
    const checked = checkParam(spec, raw === true ? 'true' : raw);
    if ('problem' in checked) throw new UsageError(`--${flagName(spec.key)}: ${checked.problem}`);
    values[spec.key] = checked.value;
  }
  return values;
}

export function helpForTable(table: readonly ParamSpec[]): string {
  return table
    .map(
      (spec) =>
        `  --${flagName(spec.key).padEnd(14)} ${describeParam(spec)} (default ${String(spec.default)}). ${spec.help}`,
    )
    .join('\n');
}
