// The command line when a run cannot fit or is cancelled, as a person sees it: the built CLI on the GPU
// (SwiftShader here), run with a device short of memory (tests/helpers/gpuShortOfMemory.mjs, preloaded)
// exits 1 with one message saying what did not fit and what does, and prints no JSON; a long run
// shows its progress with the time left on stderr, and Ctrl-C (SIGINT) stops it with status 130.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';

const OUT = 'node_modules/.cache/cli-faults-test';
const CLI = `${OUT}/cli.js`;

beforeAll(() => {
  execFileSync('npx', ['vite', 'build', '--config', 'vite.cli.config.ts', '--outDir', OUT, '--logLevel', 'error'], {
    stdio: 'inherit',
  });
  expect(existsSync(CLI)).toBe(true);
}, 180_000);

/** The CLI with every buffer over `maxBufferBytes` refused by the device. */
function runShortOfMemory(maxBufferBytes: number, args: string[]) {
  return spawnSync('node', ['--import', './tests/helpers/gpuShortOfMemory.mjs', CLI, ...args], {
    encoding: 'utf8',
    env: { ...process.env, GPU_MAX_BUFFER_BYTES: String(maxBufferBytes) },
    timeout: 90_000,
  });
}

/** stderr without the adapter line and Vulkan's start-up warnings. */
const messages = (stderr: string) =>
  stderr.split('\n').filter((line) => /^(stats|regularization|train|phase|GPU error|The GPU device)/.test(line));

describe('an allocation the device refuses', () => {
  it('stats: exit 1, the chunk that did not fit and the one that does, no JSON', () => {
    const run = runShortOfMemory(1024 * 1024, ['stats', '--depth=2', '--width=1024', '--batch=4', '--inits=8']);
    expect(run.status, run.stderr).toBe(1);
    expect(run.stdout).toBe('');
    const lines = messages(run.stderr);
    expect(lines).toHaveLength(1); // no uncaught GPU error besides the message
    expect(lines[0]).toMatch(
      /^stats: K = 8 inits \(depth 2, width 1024, batch 4\) need .+ of GPU buffers, the largest/,
    );
    expect(lines[0]).toMatch(/the GPU refused them \(validation error: .+\)\. Chunks of ≤ \d+ inits? \(.+\) fit/);
  }, 120_000);

  it('regularization: exit 1 with the grid that fits', () => {
    const run = runShortOfMemory(1024 * 1024, ['regularization', '--model=linear', '--grid=1024', '--points=64']);
    expect(run.status, run.stderr).toBe(1);
    expect(run.stdout).toBe('');
    const lines = messages(run.stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^regularization: grid G = 1024 with 1 surface and 64 points needs 8\.0 MiB of GPU buffers/,
    );
    expect(lines[0]).toMatch(/: G ≤ 724 fits in half of that\.$/);
  }, 120_000);

  it('train: exit 1 with the copies that fit', () => {
    const run = runShortOfMemory(64 * 1024, ['train', '--hidden=8,8', '--copies=256', '--points=128', '--steps=2']);
    expect(run.status, run.stderr).toBe(1);
    expect(run.stdout).toBe('');
    const lines = messages(run.stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^train: K = 256 copies of 2-8-8-1 \(P = 105\) on 128 points need .+ of GPU buffers/);
    expect(lines[0]).toMatch(/K ≤ \d+ fits in half of that\.$/);
  }, 120_000);
});

describe('an allocation the device refuses (phase)', () => {
  it('phase: exit 1, the chunk that did not fit and the one that does, no JSON', () => {
    const run = runShortOfMemory(1024 * 1024, ['phase', '--grid=4x4', '--width=512', '--depth=4', '--inits=4']);
    expect(run.status, run.stderr).toBe(1);
    expect(run.stdout).toBe('');
    const lines = messages(run.stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^phase: a chunk of 64 networks \(width 512, depth 4, 8 inputs\) needs .+ of GPU buffers, the largest/,
    );
    expect(lines[0]).toMatch(/the GPU refused them \(validation error: .+\)\. Chunks of ≤ \d+ networks? \(.+\) fit/);
  }, 120_000);
});

describe('a long run', () => {
  it('shows done/total, elapsed and the time left, and Ctrl-C cancels it: status 130, one line', async () => {
    // Minutes of work on SwiftShader; it is stopped as soon as an estimate of the time left is shown.
    const child = spawn('node', [CLI, 'stats', '--depth=20', '--width=512', '--batch=16', '--inits=4096'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no estimate within 60 s:\n${stderr}`)), 60_000);
      child.stderr.on('data', (chunk) => {
        stderr += chunk;
        if (/~.+ left/.test(stderr)) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    const interrupted = performance.now();
    child.kill('SIGINT');
    const status = await exited;
    const stopMs = performance.now() - interrupted;
    console.info(`[cli] stopped ${Math.round(stopMs)} ms after Ctrl-C; stderr:\n${stderr}`);
    expect(stderr).toMatch(/\d+\/4096 initializations · .+ elapsed, ~.+ left/);
    expect(status).toBe(130);
    expect(stdout).toBe('');
    const lines = messages(stderr);
    expect(lines).toEqual([expect.stringMatching(/^stats: cancelled \(Ctrl-C\) at \d+\/4096 initializations after /)]);
    expect(lines[0]).toContain('the GPU device was released');
    expect(stopMs).toBeLessThan(20_000);
  }, 120_000);
});
