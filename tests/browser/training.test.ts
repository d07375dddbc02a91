// The Training explorer in headless Chromium on the software adapter: a short run reaches its last
// checkpoint with bands, a decision boundary and the weight histogram; L1 proximal shows exact
// zeros; a clamped URL value is reported; no console error. On moons the chosen copy's network is
// drawn; re-seed, reset and step do what they say; a zeros initialization leaves every hidden unit of
// a layer identical (the caption says so).
import { execFileSync, spawnSync } from 'node:child_process';
import { beforeAll, expect, it } from 'vitest';
import { nextSeed } from '../../src/ui/initUrl';
import { downloadFrom, isPng, SCREENSHOTS, useBrowser } from '../helpers/browser';

const browser = useBrowser();

/** The CLI, built once for the export test's "copy as command" round trip. */
const CLI_OUT = 'node_modules/.cache/cli-browser-test';
beforeAll(() => {
  execFileSync('npx', ['vite', 'build', '--config', 'vite.cli.config.ts', '--outDir', CLI_OUT, '--logLevel', 'error']);
}, 180_000);

it('trains K copies to the last checkpoint, shows exact zeros under L1 and reports clamped URL values', async () => {
  const { page, errors } = await browser.open(
    '/?view=training&dataset=xor&steps=40&every=10&penalty=l1&lambda=0.05&copies=0',
    {
      width: 1400,
      height: 1100,
    },
  );
  const status = page.locator('#training-status');
  await expect.poll(() => status.getAttribute('data-step'), { timeout: 150_000, interval: 500 }).toBe('40');
  const notices = await page.locator('#notices').textContent();
  expect(notices).toMatch(/copies: "0" is not an integer in 1–4096; clamped to 1/);
  expect(await status.textContent()).toMatch(/step 40\/40 · 1 copies · diverged 0/);
  const zeros = /exact zeros ([\d.]+)%/.exec((await page.locator('#training-weights-caption').textContent()) ?? '');
  expect(Number(zeros?.[1])).toBeGreaterThan(10);
  expect(await page.locator('#training-boundary').textContent()).toMatch(/copy \d+ \(median\): test accuracy/);
  await page.screenshot({ path: `${SCREENSHOTS}/training.png`, fullPage: true });
  expect(errors).toEqual([]);
});

it("draws the moons boundary and chosen copy's network; re-seed moves on, reset keeps seed, step adds T", async () => {
  const { page, errors } = await browser.open(
    '/?view=training&dataset=moons&steps=60&every=20&copies=16&scheme=xavier-normal',
    {
      width: 1400,
      height: 1100,
    },
  );
  const status = page.locator('#training-status');
  await expect.poll(() => status.getAttribute('data-step'), { timeout: 150_000, interval: 500 }).toBe('60');
  expect(await page.locator('#training-network-caption').textContent()).toMatch(
    /copy \d+ at step 60: 8–8 hidden units, tanh\. Hidden units differ/,
  );
  await page.screenshot({ path: `${SCREENSHOTS}/training-moons.png`, fullPage: true });
  await page.getByRole('button', { name: 're-seed' }).click();
  await expect.poll(() => new URL(page.url()).searchParams.get('seed'), { timeout: 10_000 }).toBe(String(nextSeed(1)));
  await expect.poll(() => status.getAttribute('data-step'), { timeout: 150_000, interval: 500 }).toBe('60');
  // Paused, a reset stays at step 0 (same seed) and each step advances by one interval T = 20.
  await page.getByRole('button', { name: 'pause' }).click();
  await page.getByRole('button', { name: 'reset (same seed)' }).click();
  await expect.poll(() => status.getAttribute('data-step'), { timeout: 150_000, interval: 200 }).toBe('0');
  expect(new URL(page.url()).searchParams.get('seed')).toBe(String(nextSeed(1)));
  await page.getByRole('button', { name: 'step (T steps)' }).click();
  await expect.poll(() => status.getAttribute('data-step'), { timeout: 150_000, interval: 200 }).toBe('20');
  expect(await status.textContent()).toMatch(/step 20\/60 .* · ~.+ left · paused$/); // the estimate, paused
  await page.waitForTimeout(1000);
  expect(await status.getAttribute('data-step')).toBe('20');
  expect(errors).toEqual([]);
});

it('says that hidden=8,4 replaces depth and width given beside it, and trains 8–4', async () => {
  const { page, errors } = await browser.open(
    '/?view=training&hidden=8,4&depth=3&steps=10&every=10&copies=4&points=300',
  );
  const status = page.locator('#training-status');
  await expect.poll(() => status.getAttribute('data-state'), { timeout: 150_000, interval: 250 }).toBe('done');
  expect(await page.locator('#notices').textContent()).toContain('depth and width are ignored');
  expect(await page.locator('#training-network-caption').textContent()).toContain('8–4 hidden units');
  expect(new URL(page.url()).searchParams.get('hidden')).toBe('8,4');
  expect(await page.locator('#training-command').textContent()).toContain('--hidden=8,4');
  // 300 points is not one of the knob's ticks: the select offers it and shows it.
  expect(await page.locator('[data-key="points"] select').inputValue()).toBe('300');
  expect(errors).toEqual([]);
});

it('keeps every hidden unit of a layer identical under a zeros initialization and says so', async () => {
  const { page, errors } = await browser.open(
    '/?view=training&dataset=moons&steps=60&every=20&copies=16&scheme=zeros',
    { width: 1400, height: 1100 },
  );
  const status = page.locator('#training-status');
  await expect.poll(() => status.getAttribute('data-step'), { timeout: 150_000, interval: 500 }).toBe('60');
  expect(await page.locator('#training-network-caption').textContent()).toMatch(
    /All hidden units of each layer are identical/,
  );
  await page.screenshot({ path: `${SCREENSHOTS}/training-zeros.png`, fullPage: true });
  expect(errors).toEqual([]);
});

it('exports the loss bands (CSV), boundary (JSON), network (PNG) and a command line that reproduces them', async () => {
  const { page, errors } = await browser.open('/?view=training&dataset=moons&steps=20&every=10&copies=8&seed=7');
  const status = page.locator('#training-status');
  await expect.poll(() => status.getAttribute('data-state'), { timeout: 150_000, interval: 250 }).toBe('done');
  expect(await status.getAttribute('data-step')).toBe('20');

  const loss = await downloadFrom(page, '#training-loss [data-export=csv]');
  expect(loss.name).toBe('training-loss.csv');
  const [header, ...rows] = loss.bytes.toString('utf8').trim().split('\n');
  expect(header).toBe('step,train_p10,train_p50,train_p90,test_p10,test_p50,test_p90');
  expect(rows.map((line) => Number(line.split(',')[0]))).toEqual([0, 10, 20]);
  const last = rows[2].split(',').map(Number);
  expect(last.every(Number.isFinite)).toBe(true);
  expect(last[1]).toBeLessThanOrEqual(last[2]); // p10 ≤ p50 ≤ p90
  expect(last[2]).toBeLessThanOrEqual(last[3]);

  const boundary = JSON.parse(
    (await downloadFrom(page, '#training-boundary [data-export=json]')).bytes.toString('utf8'),
  );
  expect(boundary.G).toBe(48); // the software adapter's grid
  expect(boundary.probabilities).toHaveLength(48 * 48);
  expect(boundary.probabilities.every((p: number) => p >= 0 && p <= 1)).toBe(true);
  expect(await page.locator('#training-boundary').textContent()).toContain(`copy ${boundary.copy} (median)`);

  const network = await downloadFrom(page, '#training-network [data-export=png]');
  expect(isPng(network.bytes)).toBe(true);
  expect(network.bytes.length).toBeGreaterThan(5000);

  // The command line names every setting that differs from the CLI's defaults (the software adapter's
  // 200 points among them), and run headless (Dawn, GPU path) it gives the page's bands.
  const command = (await page.locator('#training-command').textContent()) ?? '';
  expect(command).toBe('npm run cli -- train --points=200 --steps=20 --every=10 --copies=8 --seed=7');
  const flags = command.replace('npm run cli -- train ', '').split(' ');
  const run = spawnSync('node', [`${CLI_OUT}/cli.js`, 'train', ...flags], { encoding: 'utf8', timeout: 120_000 });
  expect(run.status, run.stderr).toBe(0);
  const cli = JSON.parse(run.stdout) as { checkpoints: Array<{ step: number; testLoss: { p50: number } }> };
  expect(cli.checkpoints.map((c) => c.step)).toEqual([0, 10, 20]);
  // Same seed, same kernels, same f32 arithmetic on both sides: the medians agree to f32 rounding.
  expect(cli.checkpoints[2].testLoss.p50).toBeCloseTo(last[5], 4);
  expect(errors).toEqual([]);
});
