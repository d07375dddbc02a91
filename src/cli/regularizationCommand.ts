// `npm run cli -- landscape`: one regularized loss landscape, its minima, a descent path and the
// regularization path, as JSON. Flags come from REGULARIZATION_PARAMS (the table behind the GUI and the URL);
// --window and --start are comma lists for its flat w1Min…w2Max and startW1, startW2 fields.
// --cpu runs the CPU twin (f64) instead of the GPU kernels.
import { DESCENT_RULES, type DescentRule, descentPath, descentWarnings } from '../core/descent';
import {
  type GridMinimum,
  gridArgmin,
  gridLoss,
  gridPenalty,
  type RefinedMinimum,
  refineMinimizer,
} from '../core/gridLoss';
import { logSpace, regularizationPath } from '../core/regPath';
import {
  LAMBDA_LOG_FLOOR,
  REGULARIZATION_PARAMS,
  type RegularizationConfig,
  regularizationDataOptions,
  regularizationStart,
  regularizationWindow,
  validateRegularizationConfig,
} from '../core/regularizationConfig';
import { generateRegularizationData, type RegularizationData } from '../core/regularizationModels';
import type { GpuContext } from '../gpu/device';
import { RegularizationEngine } from '../gpu/regularization';
import { flagName, helpForTable, type ParsedFlags, readTableFlags, switchFlag, UsageError } from './args';
import type { CliCommand, CommandContext } from './command';
import { adapterJson, openCliGpu } from './gpu';

/** Short names of the update rules (src/core/descent.ts) accepted by --rule. */
export const RULE_ALIASES: Readonly<Record<string, DescentRule>> = {
  proximal: 'l1-proximal',
  subgradient: 'l1-subgradient',
  decay: 'l2-decay',
};

/** Comma-list flags and the table fields they stand for. */
const LIST_FLAGS = {
  window: ['w1Min', 'w1Max', 'w2Min', 'w2Max'],
  start: ['startW1', 'startW2'],
} as const;

const SWITCHES = ['path', 'reg-path', 'cpu'] as const;

/** λ values of --reg-path: log-spaced from the log slider's floor to the table's maximum. */
export const REG_PATH_LAMBDAS = logSpace(LAMBDA_LOG_FLOOR, 10, 41);

/**
 * A checked RegularizationConfig from the flags: --window / --start split into their fields, rule aliases
 * resolved, every value checked against REGULARIZATION_PARAMS (UsageError naming the flag otherwise).
 */
export function regularizationConfigFromFlags(flags: ParsedFlags): RegularizationConfig {
  const values: Record<string, string | true> = { ...flags.values };
  for (const [list, fields] of Object.entries(LIST_FLAGS)) {
    const raw = values[list];
    if (raw === undefined) continue;
    delete values[list];
    const parts = raw === true ? [] : raw.split(',');
    if (parts.length !== fields.length || parts.some((part) => part.trim() === '')) {
      throw new UsageError(
        `--${list} takes ${fields.length} comma-separated numbers (${fields.join(',')}), got "${String(raw)}"`,
      );
    }
    fields.forEach((field, index) => {
      const name = flagName(field);
      if (values[name] !== undefined) throw new UsageError(`--${list} and --${name} both set ${field}; give one`);
      values[name] = parts[index].trim();
    });
  }
  const rule = values.rule;
  if (typeof rule === 'string' && Object.hasOwn(RULE_ALIASES, rule)) values.rule = RULE_ALIASES[rule];
  else if (rule !== undefined && !(DESCENT_RULES as readonly unknown[]).includes(rule)) {
    const aliases = Object.keys(RULE_ALIASES).join(', ');
    throw new UsageError(
      `--rule must be one of ${DESCENT_RULES.join(', ')} or the aliases ${aliases} (got "${String(rule)}")`,
    );
  }
  const tableValues = readTableFlags(REGULARIZATION_PARAMS, { values }, [...SWITCHES]);
  for (const name of SWITCHES) switchFlag(flags, name); // a bad switch value is a usage error here
  try {
    return validateRegularizationConfig(tableValues);
  } catch (error) {
    // Only the window order is left to check here (readTableFlags checked every range).
    if (error instanceof Error && error.name === 'ConfigError') {
      throw new UsageError(`${error.message}; set the window with --window=w1Min,w1Max,w2Min,w2Max`);
    }
    throw error;
  }
}

interface MinimumJson {
  w: [number, number];
  value: number;
  grid: { w: [number, number]; value: number } | null;
  converged: boolean;
}

function minimumJson(grid: GridMinimum | null, refined: RefinedMinimum | null): MinimumJson | null {
  if (!grid || !refined) return null;
  return {
    w: refined.w,
    value: refined.value,
    grid: { w: grid.w, value: grid.value },
    converged: refined.converged,
  };
}

interface GridOutcome {
  G: number;
  notices: string[];
  nonFinite: { dataLoss: number; penalized: number };
  J: MinimumJson | null;
  penalized: MinimumJson | null;
  timeMs: number;
}

/** The CPU twin of RegularizationEngine.evaluate: gridLoss, gridPenalty, gridArgmin, refineMinimizer, in f64. */
function evaluateOnCpu(config: RegularizationConfig, data: RegularizationData): GridOutcome {
  const start = performance.now();
  const window = regularizationWindow(config);
  const G = config.grid;
  const dataLoss = gridLoss(config.model, data, window, G);
  const penalized = gridPenalty(dataLoss, window, G, config.penalty, config.lambda, config.mix);
  const countNonFinite = (values: Float64Array) =>
    values.reduce((count, value) => count + (Number.isFinite(value) ? 0 : 1), 0);
  const gridJ = gridArgmin(dataLoss, window, G);
  const gridPenalized = gridArgmin(penalized, window, G);
  const refinedJ = gridJ ? refineMinimizer(config.model, data, 'none', 0, 0, gridJ.w) : null;
  const refinedPenalized = gridPenalized
    ? refineMinimizer(config.model, data, config.penalty, config.lambda, config.mix, gridPenalized.w)
    : null;
  return {
    G,
    notices: [],
    nonFinite: { dataLoss: countNonFinite(dataLoss), penalized: countNonFinite(penalized) },
    J: minimumJson(gridJ, refinedJ),
    penalized: minimumJson(gridPenalized, refinedPenalized),
    timeMs: performance.now() - start,
  };
}

async function evaluateOnGpu(
  gpu: GpuContext,
  config: RegularizationConfig,
  { signal, progress }: CommandContext,
): Promise<{ outcome: GridOutcome; data: RegularizationData }> {
  const engine = await RegularizationEngine.create(gpu.device);
  try {
    signal.throwIfAborted();
    progress.restart();
    const result = await engine.evaluate(config, {
      readValues: false,
      signal,
      onProgress: ({ rowsDone, rows }) => progress.update(rowsDone, rows, 'rows of J'),
    });
    return {
      data: result.data,
      outcome: {
        G: result.G,
        notices: result.notices,
        nonFinite: result.nonFinite,
        J: minimumJson(result.minima.J.grid, result.minima.J.refined),
        penalized: minimumJson(result.minima.penalized.grid, result.minima.penalized.refined),
        timeMs: result.timeMs,
      },
    };
  } finally {
    engine.destroy();
  }
}

export const regularizationCommand: CliCommand = {
  name: 'regularization',
  summary: 'one regularized loss landscape J + λ·P: grid minima, descent path, regularization path (JSON)',
  help: () =>
    [
      'Every flag of the Regularization explorer (same names, ranges and defaults; window and start',
      "default to the chosen model's):",
      helpForTable(REGULARIZATION_PARAMS),
      '',
      '  --window=a,b,c,d  shorthand for --w1-min=a --w1-max=b --w2-min=c --w2-max=d',
      '  --start=a,b       shorthand for --start-w1=a --start-w2=b (descent start)',
      `  --rule also takes ${Object.entries(RULE_ALIASES)
        .map(([alias, rule]) => `${alias} (${rule})`)
        .join(', ')}`,
      '  --path            compute the descent path from --start with --rule, --alpha, --steps' +
        ' ("path" is [] without it)',
      `  --reg-path        add w*(λ) for L1 and L2 at ${REG_PATH_LAMBDAS.length} λ` +
        ` from ${LAMBDA_LOG_FLOOR} to 10 (log-spaced)`,
      '  --cpu             run the CPU twin (f64, one thread) instead of the GPU kernels',
      '',
      'Penalties: L1 = λ(|w1|+|w2|), L2 = λ(w1²+w2²) with no ½ (L2 decay factor 1 − 2αλ).',
      `Rules: ${DESCENT_RULES.join(', ')}.`,
    ].join('\n'),
  async run(flags: ParsedFlags, context: CommandContext) {
    const { signal, progress } = context;
    const config = regularizationConfigFromFlags(flags);
    const useCpu = switchFlag(flags, 'cpu');
    let gpu: GpuContext | undefined;
    let outcome: GridOutcome;
    let data: RegularizationData;
    if (useCpu) {
      data = generateRegularizationData(config.model, regularizationDataOptions(config));
      outcome = evaluateOnCpu(config, data);
    } else {
      gpu = await openCliGpu();
      try {
        ({ outcome, data } = await evaluateOnGpu(gpu, config, context));
      } finally {
        gpu.release();
      }
    }
    progress.end();
    for (const notice of outcome.notices) process.stderr.write(`notice: ${notice}\n`);

    const output: Record<string, unknown> = {
      config: { ...config, grid: outcome.G },
      adapter: adapterJson(gpu),
      timeMs: outcome.timeMs,
      min: { J: outcome.J, penalized: outcome.penalized },
      nonFinite: outcome.nonFinite,
      notices: outcome.notices,
      path: [] as Array<[number, number]>,
    };
    if (switchFlag(flags, 'path')) {
      signal.throwIfAborted();
      process.stderr.write(`descent path: ${config.steps} steps of ${config.rule} on the CPU (f64)…\n`);
      const descent = descentPath(
        config.model,
        data,
        config.rule,
        config.lambda,
        config.alpha,
        config.steps,
        regularizationStart(config),
      );
      output.path = descent.path;
      output.pathDiverged = descent.diverged;
      output.warnings = descentWarnings(config.rule, config.lambda, config.alpha);
    }
    if (switchFlag(flags, 'reg-path')) {
      signal.throwIfAborted();
      process.stderr.write(`regularization path: w*(λ) at ${REG_PATH_LAMBDAS.length} λ for L1 and L2 on the CPU…\n`);
      const start = outcome.J?.w ?? regularizationStart(config);
      output.regPath = regularizationPath(config.model, data, REG_PATH_LAMBDAS, start);
    }
    return output;
  },
};
