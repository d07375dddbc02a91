// The benchmarks (`npm run bench`, src/cli/benchCommand.ts): every suite measures its GPU kernels and
// their CPU twins in the same run, so the figures that matter are ratios taken side by side on one
// (noisy) machine. Kept out of the engines, as llm.c keeps its benchmarks in dev/.
import type { GpuContext } from '../gpu/device';

export interface BenchRow {
  suite: string;
  case: string;
  /** Shape in words, e.g. "K=256 B=32 n=256 L=8". */
  shape: string;
  /** What was measured, with its unit, e.g. "GFLOP/s" or "terms/s". */
  unit: string;
  gpuMs?: number;
  gpuRate?: number;
  cpuMs?: number;
  cpuRate?: number;
  note?: string;
  /** GPU milliseconds per kernel of the timed run, where the adapter has timestamp queries. */
  kernelMs?: Record<string, number>;
  /** gpuRate as a share of the FP32 peak given with --peak-tflops (GFLOP/s rows only). */
  peakShare?: number;
}

export interface BenchOptions {
  log: (line: string) => void;
  /** The GPU's FP32 peak in TFLOP/s (--peak-tflops): GFLOP/s rows then report their share of it. */
  peakTflops?: number;
}

export interface BenchSuite {
  name: string;
  run(gpu: GpuContext, options: BenchOptions): Promise<BenchRow[]>;
}

/** Median wall time of `repeats` runs of `work` after one warm-up run. */
export async function timeMedian(repeats: number, work: () => Promise<unknown> | unknown): Promise<number> {
  await work();
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const start = performance.now();
    await work();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

function format(value: number | undefined, digits = 3): string {
  if (value === undefined || !Number.isFinite(value)) return '–';
  return Math.abs(value) >= 1000 || Math.abs(value) < 0.01 ? value.toExponential(2) : value.toPrecision(digits);
}

export function benchTable(rows: readonly BenchRow[]): string {
  const withPeak = rows.some((row) => row.peakShare !== undefined);
  const header = ['suite', 'case', 'shape', 'GPU ms', 'GPU rate', 'CPU ms', 'CPU rate', 'unit', 'GPU/CPU'];
  header.push(...(withPeak ? ['% peak'] : []), 'note');
  const lines = rows.map((row) => [
    row.suite,
    row.case,
    row.shape,
    format(row.gpuMs),
    format(row.gpuRate),
    format(row.cpuMs),
    format(row.cpuRate),
    row.unit,
    row.gpuMs && row.cpuMs ? `${format(row.cpuMs / row.gpuMs)}×` : '–',
    ...(withPeak ? [row.peakShare === undefined ? '–' : `${(100 * row.peakShare).toFixed(1)}%`] : []),
    row.note ?? '',
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...lines.map((line) => line[column].length)));
  const render = (cells: string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column]))
      .join('  ')
      .trimEnd();
  return [render(header), render(widths.map((width) => '-'.repeat(width))), ...lines.map(render)].join('\n');
}
