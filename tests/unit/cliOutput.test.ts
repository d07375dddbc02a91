// The command line through a pipe, as researchers use it (`npm run -s cli -- stats … | jq`): the
// whole JSON arrives, also past the 64 KiB a pipe takes at once. Runs the built CLI on the CPU twin.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { beforeAll, expect, it } from 'vitest';

const OUT = 'node_modules/.cache/cli-test';

beforeAll(() => {
  execFileSync('npx', ['vite', 'build', '--config', 'vite.cli.config.ts', '--outDir', OUT, '--logLevel', 'error'], {
    stdio: 'inherit',
  });
  expect(existsSync(`${OUT}/cli.js`)).toBe(true);
}, 180_000);

it('prints a 200-layer stats JSON whole into a pipe (well over 64 KiB) and exits 0', () => {
  const flags = ['--cpu', '--depth=200', '--width=8', '--batch=2', '--inits=2', '--bias-std=0.5', '--seed=1'];
  const run = spawnSync('node', [`${OUT}/cli.js`, 'stats', ...flags], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  expect(run.status, run.stderr).toBe(0);
  expect(run.stdout.length).toBeGreaterThan(4 * 65536);
  const output = JSON.parse(run.stdout) as { layers: unknown[] };
  expect(output.layers).toHaveLength(200);
}, 60_000);

it('keeps non-finite numbers of the phase diagram as strings: ξ_c of c₀ = 1 (c^l never moves) is "NaN"', () => {
  const flags = ['--cpu', '--grid=2x1', '--width=8', '--depth=6', '--inits=1', '--batch=1', '--c0=1', '--seed=1'];
  const run = spawnSync('node', [`${OUT}/cli.js`, 'phase', ...flags], { encoding: 'utf8' });
  expect(run.status, run.stderr).toBe(0);
  const output = JSON.parse(run.stdout) as {
    cells: { xiC: { measured: unknown }; nonFinite: number }[];
    criticalLine: unknown[];
  };
  expect(output.cells).toHaveLength(2);
  expect(output.cells.map((cell) => cell.xiC.measured)).toEqual(['NaN', 'NaN']);
  expect(output.criticalLine).toHaveLength(51);
}, 60_000);
