// `npm run bench`: every suite measures its GPU kernels and their CPU twins in the same run, so
// the figures that matter are ratios taken side by side on one (noisy) machine.
import type { GpuContext } from '../gpu/device';
import { type ParsedFlags, UsageError } from './args';
import type { CliCommand } from './command';
import { adapterJson, openCliGpu } from './gpu';

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
}

export interface BenchSuite {
  name: string;
  run(gpu: GpuContext, options: { log: (line: string) => void }): Promise<BenchRow[]>;
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
  const header = ['suite', 'case', 'shape', 'GPU ms', 'GPU rate', 'CPU ms', 'CPU rate', 'unit', 'GPU/CPU', 'note'];
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

export function benchCommand(suites: readonly BenchSuite[]): CliCommand {
  return {
    name: 'bench',
    summary: 'benchmark every kernel against its CPU twin in one run (table on stderr, JSON with --json)',
    help: () =>
      [
        '  --json          print only the JSON (rows + adapter) on stdout',
        `  --only=NAME     run one suite: ${suites.map((suite) => suite.name).join(', ')}`,
      ].join('\n'),
    async run(flags: ParsedFlags) {
      for (const name of Object.keys(flags.values)) {
        if (name !== 'json' && name !== 'only')
          throw new UsageError(`unknown flag --${name}; bench takes --json and --only=NAME`);
      }
      const only = flags.values.only;
      const chosen = suites.filter((suite) => only === undefined || suite.name === only);
      if (chosen.length === 0)
        throw new UsageError(
          `--only: no suite named "${String(only)}"; suites: ${suites.map((s) => s.name).join(', ')}`,
        );
      const gpu = await openCliGpu();
      const log = (line: string) => process.stderr.write(`${line}\n`);
      const rows: BenchRow[] = [];
      try {
        for (const suite of chosen) {
          log(`running ${suite.name}…`);
          rows.push(...(await suite.run(gpu, { log })));
        }
      } finally {
        gpu.device.destroy();
      }
      const table = benchTable(rows);
      if (flags.values.json) return { adapter: adapterJson(gpu), rows };
      process.stdout.write(`${table}\n\n`);
      return { adapter: adapterJson(gpu), rows };
    },
  };
}
