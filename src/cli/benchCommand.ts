// `npm run bench [-- --only=NAME] [--json] [--peak-tflops=T]`: runs the benchmark suites of src/bench/ on the command
// line's GPU and prints their table (and JSON).
import { type BenchRow, type BenchSuite, benchTable } from '../bench/bench';
import { type ParsedFlags, UsageError } from './args';
import type { CliCommand, CommandContext } from './command';
import { adapterJson, openCliGpu } from './gpu';
import { formatDuration } from './progress';

export function benchCommand(suites: readonly BenchSuite[]): CliCommand {
  return {
    name: 'bench',
    summary: 'benchmark every kernel against its CPU twin in one run (table on stderr, JSON with --json)',
    help: () =>
      [
        '  --json          print only the JSON (rows + adapter) on stdout',
        `  --only=NAME     run one suite: ${suites.map((suite) => suite.name).join(', ')}`,
        "  --peak-tflops=T the GPU's FP32 peak in TFLOP/s: GFLOP/s rows add their share of it (% peak)",
      ].join('\n'),
    async run(flags: ParsedFlags, { signal }: CommandContext) {
      for (const name of Object.keys(flags.values)) {
        if (name !== 'json' && name !== 'only' && name !== 'peak-tflops')
          throw new UsageError(`unknown flag --${name}; bench takes --json, --only=NAME and --peak-tflops=T`);
      }
      const peakTflops = peakTflopsFlag(flags);
      const only = flags.values.only;
      const chosen = suites.filter((suite) => only === undefined || suite.name === only);
      if (chosen.length === 0)
        throw new UsageError(
          `--only: no suite named "${String(only)}"; suites: ${suites.map((s) => s.name).join(', ')}`,
        );
      const gpu = await openCliGpu();
      const started = performance.now();
      // The suites log between their cases: a Ctrl-C stops the benchmark at the next one.
      const log = (line: string) => {
        signal.throwIfAborted();
        process.stderr.write(`${line} (${formatDuration(performance.now() - started)} elapsed)\n`);
      };
      const rows: BenchRow[] = [];
      try {
        for (const suite of chosen) {
          log(`running ${suite.name}…`);
          rows.push(...(await suite.run(gpu, { log, peakTflops })));
        }
      } finally {
        gpu.release();
      }
      const table = benchTable(rows);
      const output = { adapter: adapterJson(gpu), ...(peakTflops === undefined ? {} : { peakTflops }), rows };
      if (flags.values.json) return output;
      process.stdout.write(`${table}\n\n`);
      return output;
    },
  };
}

/** --peak-tflops=T: a positive number of TFLOP/s, or undefined when not given. */
export function peakTflopsFlag(flags: ParsedFlags): number | undefined {
  const raw = flags.values['peak-tflops'];
  if (raw === undefined) return undefined;
  const value = raw === true ? Number.NaN : Number(raw);
  if (!(Number.isFinite(value) && value > 0)) {
    throw new UsageError(`--peak-tflops: give the GPU's FP32 peak in TFLOP/s, a number > 0 (got "${String(raw)}")`);
  }
  return value;
}
