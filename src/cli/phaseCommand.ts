// `npm run cli -- phase --activation=tanh --sw2=0.5,4 --sb2=0,0.5 --grid=16x16 ...`: the signal-
// propagation phase diagram, GPU (PhaseEngine) or, with --cpu, the CPU twin (f64): per cell q*, χ₁, c and
// ξ_c measured beside the mean-field theory, and the critical line χ₁ = 1. Non-finite numbers stay in
// the JSON as the strings "NaN", "Infinity", "-Infinity" (as the page's exports write them): a ξ_c of
// Infinity (c^l still drifting) and a NaN (nothing to fit) are different findings.

import { checkParam, paramSpec } from '../core/params';
import { combinePhaseRecords, type PhaseCell, type PhaseRecords, phaseRecordsCpu } from '../core/phase';
import { ConfigError, PHASE_PARAMS, type PhaseConfig, phaseCellCount, validatePhaseConfig } from '../core/phaseConfig';
import { criticalLine } from '../core/signalPropagation';
import type { GpuContext } from '../gpu/device';
import { PhaseEngine } from '../gpu/phaseEngine';
import { flagName, helpForTable, type ParsedFlags, readTableFlags, switchFlag, UsageError } from './args';
import type { CliCommand, CommandContext } from './command';
import { adapterJson, openCliGpu } from './gpu';

/** The shorthands outside the table, each for two of its flags. */
const RANGE_FLAGS = {
  sw2: ['sw2Min', 'sw2Max'],
  sb2: ['sb2Min', 'sb2Max'],
  grid: ['cellsW', 'cellsB'],
} as const satisfies Record<string, readonly [keyof PhaseConfig, keyof PhaseConfig]>;

/** Points of the critical line in the output. */
export const CRITICAL_LINE_POINTS = 51;

/** The config of the flags (table flags and the --sw2, --sb2, --grid shorthands); bad values are usage errors. */
export function phaseConfigFromFlags(flags: ParsedFlags): PhaseConfig {
  const values: Record<string, unknown> = {
    ...readTableFlags(PHASE_PARAMS, flags, [...Object.keys(RANGE_FLAGS), 'cpu']),
  };
  for (const [shorthand, keys] of Object.entries(RANGE_FLAGS)) {
    const raw = flags.values[shorthand];
    if (raw === undefined) continue;
    const long = keys.map((key) => `--${flagName(key)}`);
    const both = keys.filter((key) => flags.values[flagName(key)] !== undefined);
    if (both.length > 0) {
      throw new UsageError(
        `--${shorthand} and ${both.map((key) => `--${flagName(key)}`).join(', ')} are both given: ` +
          `give --${shorthand} or ${long.join(' and ')}, not both`,
      );
    }
    const example = shorthand === 'grid' ? '--grid=16x16' : `--${shorthand}=0.5,4`;
    const parts = raw === true ? [] : raw.split(shorthand === 'grid' ? 'x' : ',');
    if (parts.length !== 2 || parts.some((part) => part.trim() === '')) {
      throw new UsageError(
        `--${shorthand} takes two values, ${shorthand === 'grid' ? 'W×B as WxB' : 'min,max'} (e.g. ${example}); ` +
          `got "${raw === true ? '' : raw}"`,
      );
    }
    keys.forEach((key, index) => {
      const checked = checkParam(paramSpec(PHASE_PARAMS, key), parts[index].trim());
      if ('problem' in checked) throw new UsageError(`--${shorthand} (${long[index]}): ${checked.problem}`);
      values[key] = checked.value;
    });
  }
  try {
    return validatePhaseConfig(values);
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(`--${flagName(error.field)}: ${error.message}`);
    throw error;
  }
}

/** A copy of `value` in which NaN and ±Infinity are strings (JSON has no such numbers). */
export function nonFiniteAsStrings(value: unknown): unknown {
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (Array.isArray(value)) return value.map(nonFiniteAsStrings);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, nonFiniteAsStrings(item)]));
  }
  return value;
}

function cellJson(cell: PhaseCell) {
  const { sw2, sb2, qStar, chi1, c, xiC, nonFinite } = cell;
  return { sw2, sb2, qStar, chi1, c, xiC, nonFinite };
}

export const phaseCommand: CliCommand = {
  name: 'phase',
  summary: 'the signal-propagation phase diagram over (σ_w², σ_b²): q*, χ₁, c, ξ_c measured vs theory (JSON)',
  help: () =>
    [
      helpForTable(PHASE_PARAMS),
      `  --${'sw2'.padEnd(14)} shorthand for --sw2-min=a --sw2-max=b as a,b (e.g. --sw2=0.5,4)`,
      `  --${'sb2'.padEnd(14)} shorthand for --sb2-min=a --sb2-max=b as a,b (e.g. --sb2=0,0.5)`,
      `  --${'grid'.padEnd(14)} shorthand for --cells-w=W --cells-b=B as WxB (e.g. --grid=16x16)`,
      `  --${'cpu'.padEnd(14)} run the CPU twin (f64, single thread) instead of the GPU`,
      '',
      'timeMs is the measurement (the records of every cell and network); the theory beside it is not in it.',
    ].join('\n'),
  async run(flags: ParsedFlags, { signal, progress }: CommandContext) {
    const config = phaseConfigFromFlags(flags);
    const total = phaseCellCount(config) * config.inits;
    let gpu: GpuContext | undefined;
    let records: PhaseRecords;
    let timeMs: number;
    if (switchFlag(flags, 'cpu')) {
      const start = performance.now();
      records = phaseRecordsCpu(config);
      timeMs = performance.now() - start;
    } else {
      gpu = await openCliGpu();
      let engine: PhaseEngine | undefined;
      try {
        engine = await PhaseEngine.create(gpu, { compileDefaults: false });
        signal.throwIfAborted();
        progress.restart();
        progress.update(0, total, 'networks');
        const start = performance.now();
        records = await engine.run(config, { signal, onProgress: (done) => progress.update(done, total, 'networks') });
        timeMs = performance.now() - start;
      } finally {
        engine?.destroy();
        gpu.release();
      }
    }
    const cells = combinePhaseRecords(config, records).map(cellJson);
    const line = criticalLine(config.activation, config.sb2Min, config.sb2Max, CRITICAL_LINE_POINTS);
    return nonFiniteAsStrings({ config, adapter: adapterJson(gpu), timeMs, cells, criticalLine: line });
  },
};
