// CPU twin of shaders/decisionGrid.wgsl / src/gpu/decisionGrid.ts: σ(z[L]) of one copy on a G×G grid
// of inputs. Grid point (i, j), i, j in 0..G−1, is x0 = x0Min + i·(x0Max − x0Min)/(G − 1),
// x1 = x1Min + j·(x1Max − x1Min)/(G − 1), stored row-major with x1 as the row: index j·G + i.

import { type Activation, sigmoid } from './activations';
import { DATA_EXTENT } from './trainingData';
import type { TrainLayout } from './trainLayout';
import { createPointValues, networkForward } from './trainStep';

export interface InputWindow {
  x0Min: number;
  x0Max: number;
  x1Min: number;
  x1Max: number;
}

/** The data's square with a margin for the noise: [−1.5, 1.5]². */
export const DEFAULT_INPUT_WINDOW: InputWindow = {
  x0Min: -1.5 * DATA_EXTENT,
  x0Max: 1.5 * DATA_EXTENT,
  x1Min: -1.5 * DATA_EXTENT,
  x1Max: 1.5 * DATA_EXTENT,
};

export const MAX_DECISION_GRID = 512;

export function checkGridSize(G: number): void {
  if (!Number.isInteger(G) || G < 2 || G > MAX_DECISION_GRID) {
    throw new RangeError(`decision grid size G must be an integer in 2–${MAX_DECISION_GRID} (got ${G})`);
  }
}

/** x0 of column i and x1 of row j. */
export function gridInput(window: InputWindow, G: number, i: number, j: number): [number, number] {
  return [
    window.x0Min + (i * (window.x0Max - window.x0Min)) / (G - 1),
    window.x1Min + (j * (window.x1Max - window.x1Min)) / (G - 1),
  ];
}

export function decisionGrid(
  layout: TrainLayout,
  activation: Activation,
  weights: ArrayLike<number>,
  copy: number,
  G: number,
  window: InputWindow = DEFAULT_INPUT_WINDOW,
): Float64Array {
  checkGridSize(G);
  const probabilities = new Float64Array(G * G);
  const values = createPointValues(layout);
  for (let j = 0; j < G; j++) {
    for (let i = 0; i < G; i++) {
      const [x0, x1] = gridInput(window, G, i, j);
      probabilities[j * G + i] = sigmoid(networkForward(layout, activation, weights, copy, x0, x1, values));
    }
  }
  return probabilities;
}
