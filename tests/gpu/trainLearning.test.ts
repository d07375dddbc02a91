// Learning checks of the training engine on the GPU path (the CPU twin runs cheaper versions in
// tests/unit/trainStep.test.ts): initialization schemes that train, symmetry that never breaks,
// L1 proximal steps that land on exact zeros.
import { describe, expect, it } from 'vitest';
import { type TrainConfig, validateTrainConfig } from '../../src/core/trainConfig';
import { trainInit } from '../../src/core/trainInit';
import { runTraining } from '../../src/core/trainingEngine';
import { trainLayout } from '../../src/core/trainLayout';
import type { TrainingCheckpoint } from '../../src/core/trainStats';
import { withErrorScopes } from '../../src/gpu/device';
import { TrainingEngine } from '../../src/gpu/trainingEngine';
import { defined } from '../helpers/defined';
import { useTestGpu } from '../helpers/gpu';
import { seedLabel, testSeed } from '../helpers/seed';

const seed = testSeed();
const gpu = useTestGpu();

let shared: Promise<TrainingEngine> | undefined;
async function train(
  raw: Record<string, unknown>,
): Promise<{ config: TrainConfig; checkpoints: TrainingCheckpoint[]; params: Float32Array }> {
  const { device } = gpu();
  shared ??= TrainingEngine.create(device);
  const training = await shared;
  const config = validateTrainConfig({ seed, ...raw });
  const checkpoints = await withErrorScopes(device, () => runTraining(training, config));
  return { config, checkpoints, params: await training.readParams() };
}

describe(`learning on the GPU (${seedLabel(seed)})`, () => {
  it.each([
    ['xavier-normal', 'tanh'],
    ['he-normal', 'relu'],
  ])(
    '%s + %s on two Gaussians: at least 95 per cent of 64 copies above 90 per cent test accuracy within 100 steps',
    async (scheme, activation) => {
      const { checkpoints } = await train({
        dataset: 'gaussians',
        points: 200,
        hidden: '8,8',
        scheme,
        activation,
        copies: 64,
        steps: 100,
        every: 50,
      });
      const last = checkpoints[checkpoints.length - 1];
      console.info(
        `[train] ${scheme} + ${activation}: ${last.aboveTarget * 100}% of copies ≥ 90% test accuracy ` +
          `at step ${last.step}`,
      );
      expect(last.step).toBe(100);
      expect(last.diverged).toBe(0);
      expect(last.aboveTarget).toBeGreaterThanOrEqual(0.95);
      expect(last.trainLoss.p50 ?? Number.NaN).toBeLessThan(checkpoints[0].trainLoss.p50 ?? Number.NaN);
    },
  );

  it.each(['zeros', 'constant'])('%s init: every hidden unit of a layer stays identical', async (scheme) => {
    const { config, params } = await train({
      dataset: 'moons',
      points: 81,
      hidden: '6,5',
      scheme,
      copies: 3,
      steps: 40,
      every: 40,
    });
    const layout = trainLayout(config.hidden);
    let spread = 0;
    for (let k = 0; k < config.copies; k++) {
      const base = k * layout.paramCount;
      for (let l = 1; l < layout.layerCount; l++) {
        const nIn = layout.widths[l - 1];
        for (let i = 1; i < layout.widths[l]; i++) {
          for (let j = 0; j < nIn; j++) {
            spread = Math.max(
              spread,
              Math.abs(params[base + layout.weightOffset[l] + i * nIn + j] - params[base + layout.weightOffset[l] + j]),
            );
          }
          spread = Math.max(
            spread,
            Math.abs(params[base + layout.biasOffset[l] + i] - params[base + layout.biasOffset[l]]),
          );
        }
      }
    }
    // Every unit of a layer runs the same f32 operations on the same values: bit-identical.
    expect(spread).toBe(0);
    const initial = trainInit(layout, config.scheme, config.scale, 0, seed, config.copies);
    let moved = 0;
    for (let p = 0; p < params.length; p++) moved = Math.max(moved, Math.abs(params[p] - initial[p]));
    expect(moved).toBeGreaterThan(1e-3); // it did train (41 training points: the classes are unbalanced)
  });

  it('L1 proximal with a large λ gives more exact zeros than L2 with the same λ', async () => {
    const shape = { dataset: 'moons', points: 100, hidden: '8,8', copies: 16, steps: 100, every: 100, lambda: 0.05 };
    const last = async (penalty: string) =>
      defined((await train({ ...shape, penalty })).checkpoints.at(-1), 'a checkpoint');
    const l1 = (await last('l1')).weights.zeroShare;
    const l2 = (await last('l2')).weights.zeroShare;
    console.info(`[train] exact zeros after 100 steps, λ = 0.05: L1 proximal ${l1}, L2 ${l2}`);
    expect(l1).toBeGreaterThan(0.3);
    expect(l2).toBeLessThan(l1 / 10);
  });
});
