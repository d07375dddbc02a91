// The trainability grid on the GPU (src/gpu/trainabilityEngine.ts) against its CPU twin
// (src/core/trainability.ts) on fresh random small grids, and the science: the depth a tanh network can
// still be trained to follows the mean-field depth scale 6 ξ_c.
import { describe, expect, it } from 'vitest';
import { ACTIVATIONS } from '../../src/core/activations';
import { Stream, uniformAt } from '../../src/core/rng';
import { trainabilityCopiesCpu, trainabilityCpu } from '../../src/core/trainability';
import { validateTrainabilityConfig } from '../../src/core/trainabilityConfig';
import { withErrorScopes } from '../../src/gpu/device';
import { TrainabilityEngine } from '../../src/gpu/trainabilityEngine';
import { useTestGpu } from '../helpers/gpu';
import { seedLabel, testSeed } from '../helpers/seed';

const seed = testSeed();
const gpu = useTestGpu();

let created: Promise<TrainabilityEngine> | undefined;
/** One engine for the file (pipelines compile once), outputs poisoned: a skipped write reads as NaN. */
function engine(): Promise<TrainabilityEngine> {
  created ??= TrainabilityEngine.create(gpu(), { poisonOutputs: true });
  return created;
}

/** max |gpu − cpu| / max(1, |cpu|); NaN anywhere is Infinity. */
function worstError(gpuValues: ArrayLike<number>, cpuValues: ArrayLike<number>): number {
  expect(gpuValues.length).toBe(cpuValues.length);
  let worst = 0;
  for (let i = 0; i < cpuValues.length; i++) {
    const error = Math.abs(gpuValues[i] - cpuValues[i]) / Math.max(1, Math.abs(cpuValues[i]));
    worst = Math.max(worst, Number.isNaN(error) ? Infinity : error);
  }
  return worst;
}

describe(`trainability grid on the GPU (${seedLabel(seed)})`, () => {
  let draws = 0;
  /** The test's own uniforms from the seed (stream `test`), so a replay sees the same grids. */
  const random = () => uniformAt(seed, Stream.test, 14, draws++, 0);
  const pick = <T>(choices: readonly T[]): T => choices[Math.floor(random() * choices.length)];
  const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));

  // Fresh small grids: two depths (one of two groups), 2–3 σ_w² values in the ordered and critical range
  // (a chaotic deep net amplifies the f32 rounding of its init exponentially with depth), 1–3 copies.
  it.each([1, 8])("%i steps give the CPU twin's per-copy losses and weights", async (steps) => {
    const { device } = gpu();
    const shallow = int(1, 3);
    const given = {
      activation: pick(ACTIVATIONS),
      sw2Min: 0.5 + random(),
      sw2Max: 1.6 + random() * 0.4,
      sw2Cells: int(2, 3),
      depths: [shallow, shallow + int(1, 3)],
      width: int(2, 6),
      copies: int(1, 3),
      dataset: pick(['circle', 'xor', 'moons', 'gaussians', 'spiral'] as const),
      points: int(5, 70),
      steps,
      alpha: 0.1 + random() * 0.5,
      sb2: random() * 0.2,
      seed,
    };
    const config = validateTrainabilityConfig(given);
    const training = await engine();
    const onGpu = await withErrorScopes(device, () => training.trainCopies(config, { readParams: true }));
    const onCpu = await trainabilityCopiesCpu(config);
    expect(onGpu.groups.length).toBe(onCpu.groups.length);
    const metricError = Math.max(...onGpu.metrics.map((m, g) => worstError(m, onCpu.metrics[g])));
    const weightError = Math.max(...onGpu.params.map((p, g) => worstError(p, onCpu.params[g])));
    console.info(
      `[trainability] ${steps} steps ${JSON.stringify(given)}: metrics ${metricError.toExponential(2)}, ` +
        `weights ${weightError.toExponential(2)}`,
    );
    // f32 against f64, each from its own init (f32 draws: ~1e-6): the rounding compounds over steps.
    expect(metricError).toBeLessThan(5e-6 * (1 + steps));
    expect(weightError).toBeLessThan(5e-6 * (1 + steps));
  });
});
