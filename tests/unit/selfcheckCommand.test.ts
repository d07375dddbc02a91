// `npm run cli -- selfcheck`: its flags (a bad one names itself; the built CLI exits 2) and the JSON it
// prints, pass false when a case fails (the command then sets exit status 1).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseFlags, UsageError } from '../../src/cli/args';
import { selfcheckFlags, selfcheckOutput } from '../../src/cli/selfcheckCommand';
import type { SelfCheckCaseResult } from '../../src/gpu/selfcheck';

const OUT = 'node_modules/.cache/cli-selfcheck-test';
const CLI = `${OUT}/cli.js`;

beforeAll(() => {
  execFileSync('npx', ['vite', 'build', '--config', 'vite.cli.config.ts', '--outDir', OUT, '--logLevel', 'error'], {
    stdio: 'inherit',
  });
  expect(existsSync(CLI)).toBe(true);
}, 180_000);

function usageError(argv: string[]): string {
  try {
    selfcheckFlags(parseFlags(argv));
  } catch (error) {
    if (error instanceof UsageError) return error.message;
    throw error;
  }
  throw new Error(`no UsageError for ${argv.join(' ')}`);
}

describe('selfcheck flags and output', () => {
  it('defaults to both families, every size, seed 1; --quick keeps the small cases', () => {
    expect(selfcheckFlags(parseFlags([]))).toEqual({
      kernels: 'both',
      families: ['software', 'hardware'],
      sizes: ['small', 'hardware'],
      seed: 1,
    });
    expect(selfcheckFlags(parseFlags(['--kernels=hardware', '--quick', '--seed=9']))).toMatchObject({
      families: ['hardware'],
      sizes: ['small'],
      seed: 9,
    });
  });

  it('names the flag that is wrong', () => {
    expect(usageError(['--kernels=fast'])).toBe('--kernels: "fast" is not one of both, hardware, software');
    expect(usageError(['--seed=-1'])).toMatch(/^--seed: must be an integer/);
    expect(usageError(['--width=3'])).toMatch(/^unknown flag --width/);
    expect(usageError(['--quick=maybe'])).toMatch(/^--quick is a switch/);
  });

  it('prints { adapter, kernels, cases: [{ name, maxError, tolerance, pass }], pass }, a failed case false', () => {
    const result = (name: string, pass: boolean, maxError: number): SelfCheckCaseResult => ({
      name,
      size: 'small',
      maxError,
      tolerance: 1e-4,
      worst: 'layer 1 z sum',
      pass,
      failures: pass ? [] : [`layer 1 z sum: error ${maxError} > tolerance 1e-4`],
      ms: 12.3,
    });
    const flags = selfcheckFlags(parseFlags([]));
    const output = selfcheckOutput({ kind: 'software' }, flags, [
      result('a', true, 1e-6),
      result('b', false, Infinity),
    ]);
    expect(output.pass).toBe(false);
    expect(output.kernels).toBe('both');
    expect(output.cases[0]).toEqual({
      name: 'a',
      maxError: 1e-6,
      tolerance: 1e-4,
      pass: true,
      worst: 'layer 1 z sum',
      ms: 12,
    });
    expect(output.cases[1]).toMatchObject({
      name: 'b',
      maxError: 'Infinity',
      pass: false,
      failures: [expect.any(String)],
    });
    expect(selfcheckOutput({}, flags, [result('a', true, 0)]).pass).toBe(true);
    expect(selfcheckOutput({}, flags, []).pass).toBe(false); // nothing checked is no pass
  });
});

describe('the built command', () => {
  it('exits 2 on a bad flag, with one message naming it and no JSON', () => {
    const run = spawnSync('node', [CLI, 'selfcheck', '--kernels=fast'], { encoding: 'utf8', timeout: 60_000 });
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('selfcheck: --kernels: "fast" is not one of both, hardware, software');
  });
});
