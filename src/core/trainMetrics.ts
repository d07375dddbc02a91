// CPU twin of shaders/trainMetrics.wgsl / src/gpu/trainMetrics.ts: loss and accuracy of every copy
// on the training and the test points, at the current parameters.
// A point counts as correct when (z[L] > 0) equals (y = 1) (so z = 0 predicts class 0).
// A copy with any non-finite parameter or a non-finite loss has diverged: all four of its metrics
// are NaN (counted as diverged by the statistics, never averaged in).

import type { Activation } from './activations';
import type { TrainingData } from './trainingData';
import type { TrainLayout } from './trainLayout';
import { createPointValues, crossEntropyFromLogit, networkForward } from './trainStep';

/** Per copy k at 4k: mean training loss, training accuracy, mean test loss, test accuracy. */
export const METRICS_PER_COPY = 4;
export const Metric = { trainLoss: 0, trainAccuracy: 1, testLoss: 2, testAccuracy: 3 } as const;

export function trainMetrics(
  layout: TrainLayout,
  activation: Activation,
  data: TrainingData,
  weights: ArrayLike<number>,
  copies: number,
): Float64Array {
  const metrics = new Float64Array(copies * METRICS_PER_COPY);
  const values = createPointValues(layout);
  const pointCount = data.trainCount + data.testCount;
  for (let copy = 0; copy < copies; copy++) {
    let finite = true;
    for (let p = 0; p < layout.paramCount; p++) finite &&= Number.isFinite(weights[copy * layout.paramCount + p]);
    let trainLoss = 0;
    let trainCorrect = 0;
    let testLoss = 0;
    let testCorrect = 0;
    for (let point = 0; point < pointCount; point++) {
      const logit = networkForward(
        layout,
        activation,
        weights,
        copy,
        data.inputs[2 * point],
        data.inputs[2 * point + 1],
        values,
      );
      const label = data.labels[point];
      const loss = crossEntropyFromLogit(logit, label);
      const correct = logit > 0 === (label === 1) ? 1 : 0;
      if (point < data.trainCount) {
        trainLoss += loss;
        trainCorrect += correct;
      } else {
        testLoss += loss;
        testCorrect += correct;
      }
    }
    const row = [
      trainLoss / data.trainCount,
      trainCorrect / data.trainCount,
      testLoss / data.testCount,
      testCorrect / data.testCount,
    ];
    const diverged = !finite || !Number.isFinite(row[Metric.trainLoss]) || !Number.isFinite(row[Metric.testLoss]);
    for (let m = 0; m < METRICS_PER_COPY; m++) metrics[copy * METRICS_PER_COPY + m] = diverged ? NaN : row[m];
  }
  return metrics;
}
