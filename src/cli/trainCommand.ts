// `npm run cli -- train`: K trainings of a small network on a 2-D data set, GPU (or --cpu: the CPU
// twin), JSON with the per-checkpoint bands across copies, the final share of exact-zero weights
// and the share of copies at or above the target test accuracy.
import { ConfigError, TRAIN_PARAMS, type TrainConfig, validateTrainConfig } from '../core/trainConfig';
import { splitCounts } from '../core/trainingData';
import { CpuTrainingEngine, runTraining, type TrainingRunner } from '../core/trainingEngine';
import { trainLayout } from '../core/trainLayout';
import type { TrainingCheckpoint } from '../core/trainStats';
import type { GpuContext } from '../gpu/device';
import { TrainingEngine } from '../gpu/trainingEngine';
import { flagName, helpForTable, type ParsedFlags, readTableFlags, switchFlag, UsageError } from './args';
import type { CliCommand, CommandContext } from './command';
import { adapterJson, openCliGpu } from './gpu';

/** The flags outside the table: the explicit list of hidden widths and the CPU switch. */
const EXTRA_FLAGS = ['hidden', 'cpu'] as const;

/** The config of the flags; bad values are usage errors naming the flag. */
export function trainConfigFromFlags(flags: ParsedFlags): TrainConfig {
  const values: Record<string, unknown> = { ...readTableFlags(TRAIN_PARAMS, flags, EXTRA_FLAGS) };
  const hidden = flags.values.hidden;
  if (hidden === true) throw new UsageError('--hidden needs a value, e.g. --hidden=8,8');
  if (hidden !== undefined) values.hidden = hidden;
  try {
    return validateTrainConfig(values);
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(`--${flagName(error.field)}: ${error.message}`);
    throw error;
  }
}

function checkpointJson(checkpoint: TrainingCheckpoint) {
  return {
    step: checkpoint.step,
    trainLoss: checkpoint.trainLoss,
    trainAccuracy: checkpoint.trainAccuracy,
    testLoss: checkpoint.testLoss,
    testAccuracy: checkpoint.testAccuracy,
    diverged: checkpoint.diverged,
    aboveTarget: checkpoint.aboveTarget,
    reachedTarget: checkpoint.reachedTarget,
    zeroWeightShare: checkpoint.weights.zeroShare,
    weightStd: checkpoint.weights.std,
  };
}

export const trainCommand: CliCommand = {
  name: 'train',
  summary: 'train K copies of a small network on a 2-D data set; bands of loss and accuracy across copies (JSON)',
  help: () =>
    [
      helpForTable(TRAIN_PARAMS),
      `  --${'hidden'.padEnd(14)} comma-separated hidden widths, 1–8 layers of 1–64 (e.g. 8,4);` +
        ' replaces --depth and --width',
      `  --${'cpu'.padEnd(14)} run the CPU twin (f64, single thread) instead of the GPU`,
    ].join('\n'),
  async run(flags: ParsedFlags, { signal, progress }: CommandContext) {
    const config = trainConfigFromFlags(flags);
    const onCpu = switchFlag(flags, 'cpu');
    const layout = trainLayout(config.hidden);
    let gpu: GpuContext | undefined;
    let runner: TrainingRunner | undefined;
    const start = performance.now();
    let checkpoints: TrainingCheckpoint[];
    try {
      if (onCpu) runner = new CpuTrainingEngine();
      else {
        gpu = await openCliGpu();
        runner = await TrainingEngine.create(gpu.device);
      }
      progress.restart();
      checkpoints = await runTraining(runner, config, {
        signal,
        onProgress: (stepCount) => progress.update(stepCount, config.steps, 'steps'),
        onCheckpoint: (c) => {
          progress.log(
            `step ${c.step}: median train loss ${c.trainLoss.p50?.toPrecision(4) ?? '–'}, diverged ${c.diverged}`,
          );
          progress.update(c.step, config.steps, 'steps');
        },
      });
    } finally {
      if (runner instanceof TrainingEngine) runner.destroy();
      gpu?.release();
    }
    const seconds = (performance.now() - start) / 1000;
    const last = checkpoints[checkpoints.length - 1];
    return {
      adapter: adapterJson(gpu),
      config,
      network: { widths: layout.widths, parametersPerCopy: layout.paramCount, weightsPerCopy: layout.weightCount },
      data: splitCounts(config.points, config.testShare),
      checkpoints: checkpoints.map(checkpointJson),
      final: {
        step: last.step,
        zeroWeightShare: last.weights.zeroShare,
        target: config.target,
        aboveTargetShare: last.aboveTarget,
        reachedTargetShare: last.reachedTarget,
        diverged: last.diverged,
        weights: last.weights,
        ranking: last.ranking,
      },
      seconds,
      stepsPerSecond: config.steps / seconds,
    };
  },
};
