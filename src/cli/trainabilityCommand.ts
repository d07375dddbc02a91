// `npm run cli -- trainability`: which (σ_w², depth) settings can still learn. K copies per cell of a
// (σ_w², depth) grid trained by full-batch gradient descent on a 2-D data set, GPU (or --cpu: the CPU
// twin); JSON with the share of copies that learned per cell beside 6 ξ_c per σ_w² from the theory.
// --sw2=min,max sets the σ_w² range (with --sw2-cells values), --depths=2,4,8 the depths.
import { type TrainabilityResult, trainabilityCpu } from '../core/trainability';
import {
  ConfigError,
  MAX_TRAINABILITY_DEPTHS,
  sw2Values,
  TRAINABILITY_DEPTHS,
  TRAINABILITY_PARAMS,
  type TrainabilityConfig,
  trainabilityCopies,
  validateTrainabilityConfig,
} from '../core/trainabilityConfig';
import { MAX_HIDDEN_LAYERS } from '../core/trainLayout';
import type { GpuContext } from '../gpu/device';
import { TrainabilityEngine } from '../gpu/trainabilityEngine';
import { flagName, helpForTable, type ParsedFlags, readTableFlags, switchFlag, UsageError } from './args';
import type { CliCommand, CommandContext } from './command';
import { adapterJson, openCliGpu } from './gpu';

/** The flags outside the table: the σ_w² range in one, the depth list and the CPU switch. */
const EXTRA_FLAGS = ['sw2', 'depths', 'cpu'] as const;

/** "0.5,4" → the range's two ends; a usage error naming --sw2 for anything else. */
function sw2Range(raw: string | true): { sw2Min: string; sw2Max: string } {
  const parts = raw === true ? [] : raw.split(',').map((part) => part.trim());
  if (parts.length !== 2 || parts.some((part) => part === ''))
    throw new UsageError(`--sw2 takes the range of σ_w² as two numbers, e.g. --sw2=0.5,4 (got "${String(raw)}")`);
  return { sw2Min: parts[0], sw2Max: parts[1] };
}

/** The config of the flags; bad values are usage errors naming the flag and the allowed range. */
export function trainabilityConfigFromFlags(flags: ParsedFlags): TrainabilityConfig {
  const values: Record<string, unknown> = { ...readTableFlags(TRAINABILITY_PARAMS, flags, EXTRA_FLAGS) };
  const { sw2, depths } = flags.values;
  if (sw2 !== undefined) {
    if (values.sw2Min !== undefined || values.sw2Max !== undefined)
      throw new UsageError('give --sw2=min,max or --sw2-min / --sw2-max, not both');
    Object.assign(values, sw2Range(sw2));
  }
  if (depths === true) throw new UsageError('--depths needs a value, e.g. --depths=2,4,8,16');
  if (depths !== undefined) values.depths = depths;
  try {
    return validateTrainabilityConfig(values);
  } catch (error) {
    if (error instanceof ConfigError) {
      // --sw2 sets both ends: name the flag that was given.
      const flag = sw2 !== undefined && error.field.startsWith('sw2M') ? 'sw2' : flagName(error.field);
      throw new UsageError(`--${flag}: ${error.message}`);
    }
    throw error;
  }
}

function resultJson(result: TrainabilityResult) {
  const { config } = result;
  return {
    sw2: sw2Values(config),
    depths: config.depths,
    cells: result.cells.map((cell) => ({
      sw2: cell.sw2,
      depth: cell.depth,
      learned: cell.learned,
      diverged: cell.diverged,
      medianAccuracy: cell.medianAccuracy,
      finalLoss: cell.finalLoss,
    })),
    // ξ_c is Infinity at criticality and negative where χ_c > 1: JSON null for the first, kept for the second.
    depthScale: result.depthScale.map(({ sw2, xi, sixXi }) => ({
      sw2,
      xi: Number.isFinite(xi) ? xi : null,
      sixXi: Number.isFinite(sixXi) ? sixXi : null,
    })),
  };
}

export const trainabilityCommand: CliCommand = {
  name: 'trainability',
  summary: 'train K copies per (σ_w², depth) cell; the share that learned beside 6 ξ_c from the theory (JSON)',
  help: () =>
    [
      helpForTable(TRAINABILITY_PARAMS),
      `  --${'sw2'.padEnd(14)} the σ_w² range as min,max (e.g. 0.5,4); replaces --sw2-min and --sw2-max`,
      `  --${'depths'.padEnd(14)} hidden layers of each row, 1–${MAX_TRAINABILITY_DEPTHS} increasing integers in ` +
        `1–${MAX_HIDDEN_LAYERS} (default ${TRAINABILITY_DEPTHS.default.join(',')})`,
      `  --${'cpu'.padEnd(14)} run the CPU twin (f64, single thread) instead of the GPU`,
    ].join('\n'),
  async run(flags: ParsedFlags, { signal, progress }: CommandContext) {
    const config = trainabilityConfigFromFlags(flags);
    const onCpu = switchFlag(flags, 'cpu');
    let gpu: GpuContext | undefined;
    let engine: TrainabilityEngine | undefined;
    const start = performance.now();
    let result: TrainabilityResult;
    const onProgress = (done: number, total: number) => progress.update(done, total, 'steps');
    try {
      progress.restart();
      if (onCpu) result = await trainabilityCpu(config, signal, onProgress);
      else {
        gpu = await openCliGpu();
        engine = await TrainabilityEngine.create(gpu);
        progress.restart();
        result = await engine.run(config, { signal, onProgress });
      }
    } finally {
      engine?.destroy();
      gpu?.release();
    }
    const seconds = (performance.now() - start) / 1000;
    const copies = trainabilityCopies(config);
    return {
      adapter: adapterJson(gpu),
      config,
      ...resultJson(result),
      seconds,
      copySteps: copies * config.steps,
      copyStepsPerSecond: (copies * config.steps) / seconds,
    };
  },
};
