// The explorers the shell offers, in tab order.
import type { Explorer } from './explorer';

export const EXPLORERS: readonly Explorer[] = [];
