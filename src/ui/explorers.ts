// The explorers the shell offers, in tab order.
import type { Explorer } from './explorer';
import { initializationExplorer } from './initializationExplorer';
import { regularizationExplorer } from './regularizationExplorer';
import { trainingExplorer } from './trainingExplorer';

export const EXPLORERS: readonly Explorer[] = [initializationExplorer, regularizationExplorer, trainingExplorer];
