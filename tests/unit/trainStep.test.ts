// The CPU twin of the training engine is the specification: checked here against finite
// differences, the closed forms of THEORY.md's update rules and the symmetry argument.
import { describe, expect, it } from 'vitest';
import { ACTIVATIONS, sigmoid } from '../../src/core/activations';
import { DEFAULT_INPUT_WINDOW, decisionGrid, gridInput } from '../../src/core/decisionGrid';
import { initWeight } from '../../src/core/schemes';
import { validateTrainConfig } from '../../src/core/trainConfig';
import { TRAIN_LAYER_BASE, trainInit, trainInitFactors } from '../../src/core/trainInit';
import { trainingData } from '../../src/core/trainingData';
import { CpuTrainingEngine, runTraining } from '../../src/core/trainingEngine';
import { describeParamIndex, LAYOUT_SLOTS, packTrainLayout, trainLayout } from '../../src/core/trainLayout';
import { METRICS_PER_COPY, Metric, trainMetrics } from '../../src/core/trainMetrics';
import {
  crossEntropyFromLogit,
  networkForward,
  type TrainRule,
  trainGradient,
  trainStep,
  updateParam,
} from '../../src/core/trainStep';

describe('trainLayout', () => {
  it('counts P = Σ n[l](n[l−1] + 1) and places W then b layer after layer', () => {
    const layout = trainLayout([8, 8]);
    expect(layout.widths).toEqual([2, 8, 8, 1]);
    expect(layout.paramCount).toBe(8 * 3 + 8 * 9 + 9);
    expect(layout.weightCount).toBe(16 + 64 + 8);
    expect(layout.weightOffset.slice(1)).toEqual([0, 24, 96]);
    expect(layout.biasOffset.slice(1)).toEqual([16, 88, 104]);
    expect(layout.scratchUnits).toBe(8 + 8 + 8 + 8 + 1);
    for (let p = 0; p < layout.paramCount; p++) {
      const { layer, isBias, row, col } = describeParamIndex(layout, p);
      const back = isBias
        ? layout.biasOffset[layer] + row
        : layout.weightOffset[layer] + row * layout.widths[layer - 1] + col;
      expect(back).toBe(p);
    }
    const packed = packTrainLayout(layout);
    expect(packed[0 * LAYOUT_SLOTS + 3]).toBe(1); // width of the output layer
    expect(packed[2 * LAYOUT_SLOTS + 2]).toBe(88); // biasOffset[2]
    expect(packed[4 * LAYOUT_SLOTS + 3]).toBe(32); // deltaOffset[3]
  });
});

describe('trainInit', () => {
  it("is the initialization engine's initWeight with the training layer numbering; biases 0 by default", () => {
    const layout = trainLayout([5, 3]);
    const params = trainInit(layout, 'he-uniform', 0.7, 0, 42, 3);
    const k = 2;
    const p = layout.weightOffset[2] + 2 * 5 + 4;
    expect(params[k * layout.paramCount + p]).toBe(
      initWeight(42, 'he-uniform', 0.7, TRAIN_LAYER_BASE + 2, k, 2, 4, 5, 3),
    );
    for (let l = 1; l <= layout.layerCount; l++) {
      for (let i = 0; i < layout.widths[l]; i++)
        expect(params[k * layout.paramCount + layout.biasOffset[l] + i]).toBe(0);
    }
    expect(trainInitFactors(layout, 'xavier-normal', 2)[2]).toBeCloseTo(2 / Math.sqrt(5), 12);
    expect(trainInit(layout, 'zeros', 1, 0, 1, 2).every((w) => w === 0)).toBe(true);
    const withBias = trainInit(layout, 'zeros', 1, 0.5, 1, 2);
    expect(withBias[layout.biasOffset[1]]).not.toBe(0);
  });
});

describe('trainStep (CPU twin)', () => {
  it.each(ACTIVATIONS)(
    '%s: the gradient matches central finite differences of the mean cross-entropy',
    (activation) => {
      const layout = trainLayout([4, 3]);
      const data = trainingData('moons', 24, 0.1, 0.5, 5);
      const params = trainInit(layout, 'xavier-normal', 1.3, 0.3, 9, 2);
      const copy = 1;
      const gradient = trainGradient(layout, activation, data, params, copy);
      const loss = (w: Float64Array) =>
        trainMetrics(layout, activation, data, w, 2)[copy * METRICS_PER_COPY + Metric.trainLoss];
      const h = 1e-6;
      for (let p = 0; p < layout.paramCount; p++) {
        const plus = params.slice();
        const minus = params.slice();
        plus[copy * layout.paramCount + p] += h;
        minus[copy * layout.paramCount + p] -= h;
        const numeric = (loss(plus) - loss(minus)) / (2 * h);
        // relu has kinks; a point sitting within h of one is improbable with these draws.
        expect(Math.abs(gradient[p] - numeric)).toBeLessThan(1e-7 + 1e-5 * Math.abs(numeric));
      }
    },
  );

  it("applies THEORY.md's update rules to weights and plain descent to biases", () => {
    const rule = (penalty: TrainRule['penalty'], l1Update: TrainRule['l1Update'] = 'proximal'): TrainRule => ({
      penalty,
      l1Update,
      lambda: 0.1,
      alpha: 0.5,
    });
    expect(updateParam(rule('none'), 1, 0.2, false)).toBeCloseTo(0.9, 15);
    expect(updateParam(rule('l2'), 1, 0.2, false)).toBeCloseTo((1 - 2 * 0.5 * 0.1) * 1 - 0.1, 15);
    expect(updateParam(rule('l1', 'subgradient'), -1, 0.2, false)).toBeCloseTo(-1 - 0.1 + 0.05, 15);
    expect(updateParam(rule('l1', 'subgradient'), 0, 0.2, false)).toBeCloseTo(-0.1, 15); // sign(0) = 0
    expect(updateParam(rule('l1', 'proximal'), 1, 0.2, false)).toBeCloseTo(0.85, 15);
    expect(Object.is(updateParam(rule('l1', 'proximal'), 0.1, 0.1, false), 0)).toBe(true); // |u| = 0.05 ≤ αλ: exact +0
    expect(updateParam(rule('l2'), 1, 0.2, true)).toBeCloseTo(0.9, 15);
    expect(updateParam(rule('l1'), 1, 0.2, true)).toBeCloseTo(0.9, 15);
    // A diverged parameter stays NaN under every rule (proximal must not shrink it to an exact 0).
    for (const r of [rule('none'), rule('l2'), rule('l1', 'subgradient'), rule('l1', 'proximal')]) {
      expect(updateParam(r, 1, NaN, false), `${r.penalty} ${r.l1Update}`).toBeNaN();
      expect(updateParam(r, NaN, 0.2, false), `${r.penalty} ${r.l1Update}`).toBeNaN();
    }
  });

  it("reaches THEORY.md's closed-form minimizers on a one-weight quadratic", () => {
    // J(w) = ½h(w − w0)²: g = h(w − w0). L2: w* = h·w0/(h + 2λ); L1: sign(w0)·max(|w0| − λ/h, 0).
    const h = 2;
    const w0 = 0.3;
    const iterate = (r: TrainRule) => {
      let w = 1;
      for (let s = 0; s < 2000; s++) w = updateParam(r, w, h * (w - w0), false);
      return w;
    };
    expect(iterate({ penalty: 'l2', l1Update: 'proximal', lambda: 0.4, alpha: 0.1 })).toBeCloseTo(
      (h * w0) / (h + 0.8),
      12,
    );
    expect(iterate({ penalty: 'l1', l1Update: 'proximal', lambda: 0.4, alpha: 0.1 })).toBeCloseTo(w0 - 0.2, 12);
    expect(iterate({ penalty: 'l1', l1Update: 'proximal', lambda: 0.8, alpha: 0.1 })).toBe(0);
  });

  it('with zeros or constant init every hidden unit of a layer stays identical (symmetry never broken)', async () => {
    for (const scheme of ['zeros', 'constant'] as const) {
      const engine = new CpuTrainingEngine();
      const config = validateTrainConfig({
        dataset: 'moons',
        points: 41,
        hidden: '4,3',
        scheme,
        copies: 2,
        steps: 30,
        every: 30,
      });
      await runTraining(engine, config);
      const params = await engine.readParams();
      const layout = trainLayout(config.hidden);
      const initial = trainInit(layout, scheme, 1, 0, 1, 2);
      let moved = 0;
      for (let k = 0; k < 2; k++) {
        for (let l = 1; l < layout.layerCount; l++) {
          const nIn = layout.widths[l - 1];
          const base = k * layout.paramCount;
          for (let i = 1; i < layout.widths[l]; i++) {
            for (let j = 0; j < nIn; j++) {
              expect(params[base + layout.weightOffset[l] + i * nIn + j]).toBe(
                params[base + layout.weightOffset[l] + j],
              );
            }
            expect(params[base + layout.biasOffset[l] + i]).toBe(params[base + layout.biasOffset[l]]);
          }
        }
        for (let p = 0; p < layout.paramCount; p++)
          moved = Math.max(moved, Math.abs(params[k * layout.paramCount + p] - initial[k * layout.paramCount + p]));
      }
      expect(moved).toBeGreaterThan(1e-3); // it did train (21 training points: the classes are unbalanced)
      // THEORY.md: with zeros and tanh only the output layer's bias can move.
      if (scheme === 'zeros')
        expect(params.slice(0, layout.biasOffset[layout.layerCount]).every((w) => w === 0)).toBe(true);
    }
  });

  it('L1 proximal with a large λ gives more exact zeros than L2 with the same λ', async () => {
    const zeros = async (penalty: 'l1' | 'l2') => {
      const engine = new CpuTrainingEngine();
      const config = validateTrainConfig({
        dataset: 'gaussians',
        points: 60,
        hidden: '8',
        copies: 4,
        steps: 100,
        every: 100,
        penalty,
        lambda: 0.05,
      });
      const checkpoints = await runTraining(engine, config);
      return checkpoints[checkpoints.length - 1].weights.zeroShare;
    };
    const l1 = await zeros('l1');
    expect(l1).toBeGreaterThan(0.3);
    expect(await zeros('l2')).toBeLessThan(l1 / 10);
  });

  it('learns two Gaussians: every copy above 90% test accuracy (Xavier, tanh, 150 steps)', async () => {
    const config = validateTrainConfig({
      dataset: 'gaussians',
      points: 100,
      hidden: '8',
      copies: 16,
      steps: 150,
      every: 50,
    });
    const checkpoints = await runTraining(new CpuTrainingEngine(), config);
    const last = checkpoints[checkpoints.length - 1];
    expect(checkpoints.map((c) => c.step)).toEqual([0, 50, 100, 150]);
    expect(last.aboveTarget).toBeGreaterThanOrEqual(0.95);
    expect(last.trainLoss.p50 ?? Number.NaN).toBeLessThan(checkpoints[0].trainLoss.p50 ?? Number.NaN);
  });

  it('the step leaves biases unpenalized and keeps copies independent', () => {
    const layout = trainLayout([3]);
    const data = trainingData('circle', 20, 0.1, 0.5, 2);
    const params = trainInit(layout, 'xavier-normal', 1, 0, 3, 3);
    const alone = params.slice(layout.paramCount, 2 * layout.paramCount);
    const rule: TrainRule = { penalty: 'l2', l1Update: 'proximal', lambda: 0.01, alpha: 0.3 };
    trainStep(layout, 'tanh', rule, data, params, 3);
    trainStep(layout, 'tanh', rule, data, alone, 1);
    expect(Array.from(params.slice(layout.paramCount, 2 * layout.paramCount))).toEqual(Array.from(alone));
  });
});

describe('trainMetrics and decisionGrid (CPU twins)', () => {
  it('marks a copy with a non-finite parameter as diverged (NaN metrics)', () => {
    const layout = trainLayout([3]);
    const data = trainingData('circle', 20, 0.1, 0.5, 2);
    const params = trainInit(layout, 'xavier-normal', 1, 0, 3, 2);
    params[layout.paramCount + 1] = NaN;
    const metrics = trainMetrics(layout, 'tanh', data, params, 2);
    expect(metrics.slice(0, 4).every(Number.isFinite)).toBe(true);
    expect(metrics.slice(4, 8).every(Number.isNaN)).toBe(true);
  });

  it('uses a stable cross-entropy and counts z = 0 as class 0', () => {
    expect(crossEntropyFromLogit(0, 1)).toBeCloseTo(Math.LN2, 15);
    expect(crossEntropyFromLogit(800, 1)).toBe(0);
    expect(crossEntropyFromLogit(-800, 1)).toBe(800);
    expect(sigmoid(-800)).toBe(0);
    const layout = trainLayout([2]);
    const data = trainingData('xor', 10, 0, 0.5, 1);
    const metrics = trainMetrics(layout, 'tanh', data, new Float64Array(layout.paramCount), 1);
    let zeros = 0;
    for (let n = 0; n < data.trainCount; n++) zeros += data.labels[n] === 0 ? 1 : 0;
    expect(metrics[Metric.trainAccuracy]).toBe(zeros / data.trainCount);
    expect(metrics[Metric.trainLoss]).toBeCloseTo(Math.LN2, 15);
  });

  it("decisionGrid is σ of the copy's logit on the grid (x1 rows, x0 columns)", () => {
    const layout = trainLayout([4, 4]);
    const params = trainInit(layout, 'he-normal', 1, 0.2, 4, 3);
    const G = 7;
    const grid = decisionGrid(layout, 'relu', params, 2, G);
    const [x0, x1] = gridInput(DEFAULT_INPUT_WINDOW, G, 5, 3);
    expect(x0).toBeCloseTo(1, 12);
    expect(x1).toBeCloseTo(0, 12);
    expect(grid[3 * G + 5]).toBe(sigmoid(networkForward(layout, 'relu', params, 2, x0, x1)));
    expect(() => decisionGrid(layout, 'relu', params, 2, 1)).toThrow(RangeError);
  });
});
