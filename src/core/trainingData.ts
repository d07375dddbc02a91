// The training explorer's data sets: two inputs, labels 0/1, generated from the seed by the shared
// counter-based generator (never an unseeded source), so the GPU run and the CPU twin see the same points.
//
// Point i draws from counter i of Stream.data: layer DATA_SHAPE_LAYER gives two uniforms (its shape
// position), layer DATA_NOISE_LAYER four normals (elements 0, 1: the additive noise of x0, x1;
// elements 2, 3: the spread of the Gaussian blobs). Coordinates lie in about [−1, 1]² before noise;
// noise is N(0, noise²) added to each coordinate after the label is fixed.
// Classes alternate (label of point i is i mod 2) except XOR, whose label is the sign of x0·x1.
// Split: the first trainCount points train, the rest test; the points are independent draws, so
// this is a random split.

import { normalAt, Stream, uniformAt } from './rng';

export const DATASETS = ['circle', 'xor', 'moons', 'gaussians', 'spiral'] as const;
export type Dataset = (typeof DATASETS)[number];

export const DATA_SHAPE_LAYER = 1;
export const DATA_NOISE_LAYER = 2;
/** Every point lies in [−DATA_EXTENT, DATA_EXTENT]² before noise: the default window of a decision grid. */
export const DATA_EXTENT = 1;

export interface TrainingData {
  /** x0, x1 of point i at 2i, 2i + 1: the trainCount training points first, then the test points. */
  inputs: Float64Array;
  /** 0 or 1 per point. */
  labels: Float64Array;
  trainCount: number;
  testCount: number;
}

/** Training points of N with a test share: at least one of each. */
export function splitCounts(points: number, testShare: number): { trainCount: number; testCount: number } {
  if (!Number.isInteger(points) || points < 2)
    throw new RangeError(`a data set needs at least 2 points (got ${points})`);
  const trainCount = Math.min(points - 1, Math.max(1, Math.round(points * (1 - testShare))));
  return { trainCount, testCount: points - trainCount };
}

/** The noise-free point and label of point i. */
export function shapePoint(dataset: Dataset, seed: number, i: number): { x0: number; x1: number; label: number } {
  const u0 = uniformAt(seed, Stream.data, DATA_SHAPE_LAYER, i, 0);
  const u1 = uniformAt(seed, Stream.data, DATA_SHAPE_LAYER, i, 1);
  const label = i % 2;
  switch (dataset) {
    case 'circle': {
      // Inside disc of radius 0.5 (label 1), ring 0.7–1 (label 0), as in TensorFlow Playground.
      const radius = label === 1 ? 0.5 * u0 : 0.7 + 0.3 * u0;
      const angle = 2 * Math.PI * u1;
      return { x0: radius * Math.cos(angle), x1: radius * Math.sin(angle), label };
    }
    case 'xor': {
      // Uniform on the square, pushed 0.05 off the axes so the noise-free label is never ambiguous.
      const pad = (v: number) => (v + (v >= 0 ? 0.05 : -0.05)) / 1.05;
      const x0 = pad(2 * u0 - 1);
      const x1 = pad(2 * u1 - 1);
      return { x0, x1, label: x0 * x1 > 0 ? 1 : 0 };
    }
    case 'moons': {
      // scikit-learn's two moons, centred and scaled by 1/1.5 into x0 ∈ [−1, 1], x1 ∈ [−0.5, 0.5].
      const t = Math.PI * u0;
      const x0 = label === 0 ? Math.cos(t) : 1 - Math.cos(t);
      const x1 = label === 0 ? Math.sin(t) : 0.5 - Math.sin(t);
      return { x0: (x0 - 0.5) / 1.5, x1: (x1 - 0.25) / 1.5, label };
    }
    case 'gaussians': {
      // Centres ±(0.5, 0.5), standard deviation 0.2 per coordinate.
      const centre = label === 1 ? 0.5 : -0.5;
      return {
        x0: centre + 0.2 * normalAt(seed, Stream.data, DATA_NOISE_LAYER, i, 2),
        x1: centre + 0.2 * normalAt(seed, Stream.data, DATA_NOISE_LAYER, i, 3),
        label,
      };
    }
    case 'spiral': {
      // Two interleaved spirals of 1.75 turns, radius 0 → 1 (TensorFlow Playground's shape).
      const radius = u0;
      const angle = 1.75 * 2 * Math.PI * u0 + Math.PI * label;
      return { x0: radius * Math.sin(angle), x1: radius * Math.cos(angle), label };
    }
  }
}

export function trainingData(
  dataset: Dataset,
  points: number,
  noise: number,
  testShare: number,
  seed: number,
): TrainingData {
  const { trainCount, testCount } = splitCounts(points, testShare);
  const inputs = new Float64Array(2 * points);
  const labels = new Float64Array(points);
  for (let i = 0; i < points; i++) {
    const { x0, x1, label } = shapePoint(dataset, seed, i);
    inputs[2 * i] = x0 + noise * normalAt(seed, Stream.data, DATA_NOISE_LAYER, i, 0);
    inputs[2 * i + 1] = x1 + noise * normalAt(seed, Stream.data, DATA_NOISE_LAYER, i, 1);
    labels[i] = label;
  }
  return { inputs, labels, trainCount, testCount };
}
