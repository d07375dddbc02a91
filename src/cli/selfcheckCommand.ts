// `npm run cli -- selfcheck [--kernels=both|hardware|software] [--quick] [--seed=N]`: the GPU-vs-CPU-twin
// parity cases of tests/gpu (src/core/parity.ts, run by src/gpu/selfcheck.ts) on whatever adapter is
// present. JSON on stdout: the adapter, the kernel families, one { name, maxError, tolerance, pass } per
// case and the overall pass; exit status 1 when a case fails, 2 on a bad flag.
import type { KernelFamily } from '../core/initConfig';
import { SelfCheck, type SelfCheckCaseResult, type SelfCheckSize, selfCheckCases } from '../gpu/selfcheck';
import { type ParsedFlags, switchFlag, UsageError } from './args';
import type { CliCommand, CommandContext } from './command';
import { adapterJson, openCliGpu } from './gpu';

export const SELFCHECK_KERNELS = ['both', 'hardware', 'software'] as const;
export type SelfCheckKernels = (typeof SELFCHECK_KERNELS)[number];

export interface SelfCheckFlags {
  kernels: SelfCheckKernels;
  families: KernelFamily[];
  sizes: SelfCheckSize[];
  seed: number;
}

const FLAGS = ['kernels', 'quick', 'seed'];

/** The flags, or a UsageError naming the one that is wrong. */
export function selfcheckFlags(flags: ParsedFlags): SelfCheckFlags {
  for (const name of Object.keys(flags.values)) {
    if (!FLAGS.includes(name))
      throw new UsageError(`unknown flag --${name}; selfcheck takes --kernels, --quick, --seed`);
  }
  const kernels = flags.values.kernels ?? 'both';
  if (!SELFCHECK_KERNELS.includes(kernels as SelfCheckKernels)) {
    throw new UsageError(`--kernels: "${String(kernels)}" is not one of ${SELFCHECK_KERNELS.join(', ')}`);
  }
  const rawSeed = flags.values.seed ?? '1';
  const seed = Number(rawSeed);
  if (rawSeed === true || !/^\d+$/.test(rawSeed) || seed > 0xffffffff) {
    throw new UsageError(`--seed: must be an integer in 0–4294967295 (got "${String(rawSeed)}")`);
  }
  const chosen = kernels as SelfCheckKernels;
  return {
    kernels: chosen,
    families: chosen === 'both' ? ['software', 'hardware'] : [chosen],
    sizes: switchFlag(flags, 'quick') ? ['small'] : ['small', 'hardware'],
    seed,
  };
}

/** JSON has no Infinity: a case that threw (maxError ∞) is written "Infinity", as the page's exports do. */
const finiteOrText = (value: number) => (Number.isFinite(value) ? value : String(value));

/** What the command prints. */
export function selfcheckOutput(
  adapter: Record<string, unknown>,
  flags: SelfCheckFlags,
  results: readonly SelfCheckCaseResult[],
) {
  return {
    adapter,
    kernels: flags.kernels,
    seed: flags.seed,
    sizes: flags.sizes,
    cases: results.map((result) => ({
      name: result.name,
      maxError: finiteOrText(result.maxError),
      tolerance: result.tolerance,
      pass: result.pass,
      worst: result.worst,
      ms: Math.round(result.ms),
      ...(result.pass ? {} : { failures: result.failures.slice(0, 10) }),
    })),
    pass: results.length > 0 && results.every((result) => result.pass),
  };
}

export const selfcheckCommand: CliCommand = {
  name: 'selfcheck',
  summary: "run the GPU-vs-CPU-twin parity cases of the tests on this machine's adapter (JSON; exit 1 on a failure)",
  help: () =>
    [
      `  --kernels=${SELFCHECK_KERNELS.join('|')}  the init engine's kernel families to check (default both)`,
      '  --quick        the small cases only (leaves out width 1024 and 10⁶ counters: for a software adapter)',
      '  --seed=N       the seed of every case (default 1)',
    ].join('\n'),
  async run(flags: ParsedFlags, { signal, progress }: CommandContext) {
    const options = selfcheckFlags(flags);
    const cases = selfCheckCases(options);
    const gpu = await openCliGpu();
    const check = new SelfCheck(gpu.device);
    try {
      progress.restart();
      progress.update(0, cases.length, 'cases');
      const results = await check.run(cases, {
        signal,
        onCase: (result, index) => {
          if (!result.pass) process.stderr.write(`FAIL ${result.name}: ${result.failures.slice(0, 3).join('; ')}\n`);
          progress.update(index + 1, cases.length, 'cases');
        },
      });
      const output = selfcheckOutput(adapterJson(gpu), options, results);
      const failed = results.filter((result) => !result.pass).length;
      progress.end();
      process.stderr.write(`selfcheck: ${results.length - failed} of ${results.length} cases pass\n`);
      if (!output.pass) process.exitCode = 1;
      return output;
    } finally {
      check.destroy();
      gpu.release();
    }
  },
};
