// The explorers the shell offers, in tab order.
import type { Explorer } from './explorer';
import { gpuExplorer } from './gpuExplorer';
import { initExplorer } from './initExplorer';
import { phaseExplorer } from './phaseExplorer';
import { regularizationExplorer } from './regularizationExplorer';
import { trainingExplorer } from './trainingExplorer';

export const EXPLORERS: readonly Explorer[] = [
  initExplorer,
  regularizationExplorer,
  trainingExplorer,
  phaseExplorer,
  gpuExplorer,
];
