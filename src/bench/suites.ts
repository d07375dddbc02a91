// The benchmark suites `npm run bench` runs, in order (one per engine).
import type { BenchSuite } from './bench';
import { initBench } from './initBench';
import { phaseBench } from './phaseBench';
import { regularizationBench } from './regularizationBench';
import { trainabilityBench } from './trainabilityBench';
import { trainBench } from './trainBench';

export const BENCH_SUITES: readonly BenchSuite[] = [
  initBench,
  regularizationBench,
  trainBench,
  phaseBench,
  trainabilityBench,
];
