// The trainability grid on the GPU (src/gpu/trainabilityEngine.ts) against its CPU twin
// (src/core/trainability.ts) on fresh random small grids, and the science: the depth a tanh network can
// still be trained to follows the mean-field depth scale 6 ξ_c.
import { describe, expect, it } from 'vitest';
import { ACTIVATIONS } from '../../src/core/activations';
import { Stream, uniformAt } from '../../src/core/rng';
import { type TrainabilityResult, trainabilityCopiesCpu, trainabilityCpu } from '../../src/core/trainability';
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
  // Fresh small grids: two depths (one of two groups), 2–3 σ_w² values in the ordered and critical range
  // (a chaotic deep net amplifies the f32 rounding of its init exponentially with depth), 1–3 copies, and a
  // small step α (a step that overshoots amplifies the rounding from step to step: linear, depth 5,
  // σ_w² = 1.8, α = 0.37 was 3e-3 off after 8 steps).
  it.each([1, 8])("%i steps give the CPU twin's per-copy losses and weights", async (steps) => {
    const { device } = gpu();
    let draws = 0;
    /** This test's own uniforms from the seed (stream `test`), so a replay of it alone sees the same grid. */
    const random = () => uniformAt(seed, Stream.test, 14 + steps, draws++, 0);
    const pick = <T>(choices: readonly T[]): T => choices[Math.floor(random() * choices.length)];
    const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
    const shallow = int(1, 3);
    const given = {
      activation: pick(ACTIVATIONS),
      sw2Min: 0.5 + 0.5 * random(),
      sw2Max: 1 + 0.5 * random(),
      sw2Cells: int(2, 3),
      depths: [shallow, shallow + int(1, 3)],
      width: int(2, 6),
      copies: int(1, 3),
      dataset: pick(['circle', 'xor', 'moons', 'gaussians', 'spiral'] as const),
      points: int(5, 70),
      steps,
      alpha: 0.05 + random() * 0.2,
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

describe('trainability grid on the GPU: the science', () => {
  // tanh, σ_b² = 0.05, gaussians (two blobs a line separates), width 8, K = 8, N = 16, T = 150, α = 0.5.
  // Theory: 6 ξ_c = 4.5 at σ_w² = 0.3 (ordered: c^l → 1 within a few layers, so 32 layers give every input
  // the same output) and 22 at σ_w² = 1. Both cells far from the threshold: depth 4 at σ_w² = 1 (4 ≪ 22)
  // fits the blobs to accuracy 1 in every copy, depth 32 at σ_w² = 0.3 (32 ≫ 4.5) stays at 0.5.
  const science = {
    activation: 'tanh',
    sw2Min: 0.3,
    sw2Max: 1,
    sw2Cells: 2,
    width: 8,
    copies: 8,
    dataset: 'gaussians',
    points: 16,
    steps: 150,
    alpha: 0.5,
    sb2: 0.05,
    seed,
  };
  const cell = (result: TrainabilityResult, depth: number, sw2: number) => {
    const found = result.cells.find((c) => c.depth === depth && Math.abs(c.sw2 - sw2) < 1e-9);
    if (!found) throw new Error(`no cell (${depth}, ${sw2})`);
    return found;
  };

  it('tanh: most copies learn at depth 4 near σ_w² = 1, few at depth 32 deep in the ordered phase', async () => {
    const { device } = gpu();
    const config = validateTrainabilityConfig({ ...science, depths: '4,32' });
    const training = await engine();
    const progress: number[] = [];
    const result = await withErrorScopes(device, () =>
      training.run(config, { onProgress: (done, total) => progress.push(done / total) }),
    );
    console.info(
      `[trainability science] learned: ${result.cells.map((c) => `(${c.depth}, ${c.sw2}) ${c.learned}`).join(', ')};` +
        ` 6ξ_c ${result.depthScale.map((d) => d.sixXi.toFixed(1)).join(', ')}`,
    );
    expect(cell(result, 4, 1).learned).toBeGreaterThanOrEqual(0.75);
    expect(cell(result, 32, 0.3).learned).toBeLessThanOrEqual(0.25);
    // The theory beside it: the ordered cell is far deeper than 6 ξ_c, the shallow one far shallower.
    expect(result.depthScale[0].sixXi).toBeLessThan(8);
    expect(result.depthScale[1].sixXi).toBeGreaterThan(16);
    expect(progress[0]).toBe(0);
    expect(progress[progress.length - 1]).toBe(1);
    expect(training.stepSubmissions).toBeLessThan(config.steps); // steps were batched
  });

  // Shallow cells far from the threshold, where every copy fits the blobs: the f32 run and the f64 twin
  // agree on the learned share of each (at the threshold, or in the ordered phase, where what is left of
  // the input is below f32's resolution, single copies may go either way).
  it("gives the CPU twin's learned shares on cells far from the threshold", async () => {
    const { device } = gpu();
    const config = validateTrainabilityConfig({ ...science, sw2Min: 0.8, sw2Max: 1.4, depths: '2,4' });
    const onGpu = await withErrorScopes(device, async () => (await engine()).run(config));
    const onCpu = await trainabilityCpu(config);
    onGpu.cells.forEach((gpuCell, i) => {
      expect(gpuCell.learned, `cell (${gpuCell.depth}, ${gpuCell.sw2})`).toBe(onCpu.cells[i].learned);
      expect(gpuCell.learned).toBe(1);
    });
  });

  // linear, σ_w² = 64: the signal's variance grows 64× per layer, and 24 layers overflow within the first
  // steps (f64 as well); the shallow cells stay finite. A diverged copy counts as not learned and stays out
  // of the loss.
  it('counts exploding copies as diverged, never in a statistic', async () => {
    const { device } = gpu();
    const config = validateTrainabilityConfig({
      activation: 'linear',
      sw2Min: 1,
      sw2Max: 64,
      sw2Cells: 2,
      depths: '2,24',
      dataset: 'circle',
      width: 4,
      copies: 4,
      points: 16,
      steps: 10,
      alpha: 1,
      seed,
    });
    const result = await withErrorScopes(device, async () => (await engine()).run(config));
    const exploded = result.cells[1 * 2 + 1];
    expect(exploded).toMatchObject({ depth: 24, sw2: 64, diverged: 1, learned: 0, medianAccuracy: null });
    expect(exploded.finalLoss).toEqual({ p10: null, median: null, p90: null });
    const calm = result.cells[0];
    expect(calm).toMatchObject({ depth: 2, sw2: 1, diverged: 0 });
    expect(Number.isFinite(calm.finalLoss.median)).toBe(true);
    // ξ_c of a linear net at σ_w² = 1 is infinite (critical): JSON gets null there, not a number.
    expect(result.depthScale[0].xi).toBe(Infinity);
  });

  it('stops with an AbortError when its signal fires, and runs again after', async () => {
    const { device } = gpu();
    const config = validateTrainabilityConfig({
      sw2Cells: 2,
      depths: '2,3',
      width: 3,
      copies: 2,
      points: 8,
      steps: 500,
      seed,
    });
    const training = await engine();
    const controller = new AbortController();
    const pending = training.run(config, {
      signal: controller.signal,
      onProgress: (done) => {
        if (done > 0) controller.abort();
      },
    });
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    const short = { ...config, steps: 3 };
    const result = await withErrorScopes(device, () => training.run(short));
    expect(result.cells).toHaveLength(4);
    for (const cell of result.cells) expect(cell.diverged).toBe(0);
  });
});
