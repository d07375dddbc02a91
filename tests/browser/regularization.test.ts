// The Regularization explorer in headless Chromium on the software adapter: first result, λ moved
// through the GUI until the L1 minimizer sits on an axis, one screenshot per penalty, the URL
// round trip, clamped URL values reported, long descent paths in a worker, every panel's export and
// the command line (read back by the CLI's own flag parser), and no console error.

import { writeFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { parseFlags } from '../../src/cli/args';
import { regularizationConfigFromFlags } from '../../src/cli/regularizationCommand';
import { defaultStart } from '../../src/core/regularizationModels';
import { readRegularizationUrl } from '../../src/ui/regularizationState';
import { downloadFrom, isPng, SCREENSHOTS, useBrowser } from '../helpers/browser';
import { defined } from '../helpers/defined';

const browser = useBrowser();

/** Waits until the explorer has presented at least `updates` results and is idle. */
async function waitForResult(page: Page, updates: number): Promise<void> {
  const status = page.locator('#regularization-status');
  await expect
    .poll(
      async () =>
        (await status.getAttribute('data-state')) === 'done' &&
        Number(await status.getAttribute('data-updates')) >= updates,
      { timeout: 90_000, interval: 250 },
    )
    .toBe(true);
}

async function updatesSoFar(page: Page): Promise<number> {
  return Number(await page.locator('#regularization-status').getAttribute('data-updates'));
}

/** Lets three.js draw the frame that follows the last result, then saves the page. */
async function screenshot(page: Page, name: string): Promise<void> {
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  await page.waitForTimeout(1800); // the descent path animation (1.6 s) finishes
  await page.screenshot({ path: `${SCREENSHOTS}/${name}`, fullPage: true });
}

it('moves the L1 minimizer onto an axis when λ passes the threshold, and explains every penalty', async () => {
  // Start below the L1 threshold: at λ = 0.01 no coordinate of the linear model's minimizer is 0.
  const { page, errors } = await browser.open('/?view=regularization&lambda=0.01', { width: 1500, height: 1100 });
  await waitForResult(page, 1);
  const l1 = page.locator('#l1-minimizer');
  expect(await l1.getAttribute('data-on-axis')).toBe('false');
  expect(await page.locator('#regularization-status').getAttribute('data-grid')).toBe('128'); // software default
  await expect
    .poll(() => page.locator('#regularization-adapter-note').textContent())
    .toMatch(/Software adapter.*grid G 128 \(GPU 256\)/);

  // Let the first frames (three.js compiles its pipelines on the software adapter) and the path
  // animation finish: they share the GPU queue with the next evaluation.
  await page.waitForTimeout(2500);
  // λ through the GUI: the log slider spans log₁₀ λ from −4 to 1; 74% of the way is λ ≈ 0.5.
  const slider = page.locator('[data-key="lambda"] .lil-slider');
  const box = defined(await slider.boundingBox(), 'the λ slider box');
  const before = await updatesSoFar(page);
  await page.mouse.click(box.x + box.width * 0.74, box.y + box.height / 2);
  await waitForResult(page, before + 1);
  const lambda = Number(new URL(page.url()).searchParams.get('lambda'));
  expect(lambda).toBeGreaterThan(0.3);
  expect(lambda).toBeLessThan(0.7);
  expect(await page.locator('#regularization-status').getAttribute('data-dispatched-grid-loss')).toBe('false');
  expect(await l1.getAttribute('data-on-axis')).toBe('true');
  const l1w = [Number(await l1.getAttribute('data-w1')), Number(await l1.getAttribute('data-w2'))];
  expect(l1w.filter((w) => w === 0).length).toBeGreaterThanOrEqual(1);
  // L2 at the same λ only shrinks: no exact zero.
  expect(await page.locator('#l2-minimizer').getAttribute('data-on-axis')).toBe('false');

  // The page explains itself: formula typeset, convention, axis names, legend, titles.
  expect(await page.locator('#formula .katex').count()).toBeGreaterThanOrEqual(3);
  expect(await page.locator('.convention').textContent()).toContain('(1 − 2αλ)');
  const labels = await page.locator('.landscape-scene-labels').textContent();
  expect(labels).toContain('w1 →');
  expect(labels).toContain('w2 →');
  expect(await page.locator('#landscape-legend').textContent()).toContain('minimizer of J + λ·L1');
  expect(await page.locator('#surface-title').textContent()).toContain('|w1| + |w2|');
  await expect.poll(() => page.locator('#reg-path-caption').textContent(), { timeout: 30_000 }).toMatch(/exactly to 0/);
  await screenshot(page, 'regularization-l1.png');

  for (const [penalty, title] of [
    ['l2', 'w1² + w2²'],
    ['none', 'no penalty'],
  ] as const) {
    const count = await updatesSoFar(page);
    await page.locator('[data-key="penalty"] select').selectOption(penalty);
    await waitForResult(page, count + 1);
    expect(await page.locator('#surface-title').textContent()).toContain(title);
    expect(new URL(page.url()).searchParams.get('penalty')).toBe(penalty);
    await screenshot(page, `regularization-${penalty}.png`);
  }
  expect(errors).toEqual([]);
});

it('round-trips its URL and reports clamped URL values', async () => {
  const { page, errors } = await browser.open('/?view=regularization&model=quadratic&lambda=99&penalty=l2&steps=50', {
    width: 1300,
    height: 900,
  });
  await waitForResult(page, 1);
  await expect.poll(() => page.locator('#notices').textContent()).toMatch(/lambda: "99" .*clamped to 10/);
  const search = new URL(page.url()).searchParams;
  expect(search.get('model')).toBe('quadratic');
  expect(search.get('lambda')).toBe('10');
  expect(search.get('penalty')).toBe('l2');
  expect(search.get('steps')).toBe('50');
  expect(search.has('w1Min')).toBe(false); // the model's own window is its default
  // The quadratic's L1 minimizer at λ = 10 is (0, 0): above both thresholds |a_k|·h_k.
  expect(await page.locator('#l1-minimizer').getAttribute('data-w1')).toBe('0');
  expect(await page.locator('#l1-minimizer').getAttribute('data-w2')).toBe('0');

  // A click on the surface (raycast) moves the descent start there: the URL gets the new start.
  const viewport = defined(await page.locator('#landscape-viewport canvas').boundingBox(), 'the landscape canvas box');
  await page.mouse.click(viewport.x + viewport.width / 2, viewport.y + viewport.height * 0.4);
  await expect.poll(() => new URL(page.url()).searchParams.has('startW1'), { timeout: 10_000 }).toBe(true);
  const start = [
    Number(new URL(page.url()).searchParams.get('startW1')),
    Number(new URL(page.url()).searchParams.get('startW2')),
  ];
  for (const w of start) expect(Math.abs(w)).toBeLessThanOrEqual(2); // inside the quadratic's window
  expect(await page.locator('#descent-warnings').textContent()).toMatch(/path end after 50 steps/);
  expect(errors).toEqual([]);
});

it('runs a long descent path (10⁴ steps over 10⁴ points) in a worker and a short one on the page', async () => {
  const { page, errors } = await browser.open(
    '/?view=regularization&model=linear&points=10000&steps=10000&grid=64&alpha=0.01',
  );
  await waitForResult(page, 1);
  const warnings = page.locator('#descent-warnings');
  await expect.poll(() => warnings.getAttribute('data-path-computed-on'), { timeout: 60_000 }).toBe('worker');
  expect(await warnings.getAttribute('data-path-steps')).toBe('10000');
  expect(await warnings.textContent()).toContain('path end after 10000 steps');
  // Fewer steps through the GUI: now cheap enough to run on the page.
  await page.locator('[data-key="steps"] select').selectOption({ label: '20' });
  await expect.poll(() => warnings.getAttribute('data-path-steps'), { timeout: 30_000 }).toBe('20');
  expect(await warnings.getAttribute('data-path-computed-on')).toBe('page');
  expect(errors).toEqual([]);
});

/** The rows of a CSV without quoted fields (every CSV here), header first. */
function csvRows(bytes: Buffer): string[][] {
  return bytes
    .toString('utf8')
    .trim()
    .split('\n')
    .map((line) => line.split(','));
}

/** Width and height from a PNG's IHDR chunk. */
function pngSize(bytes: Buffer): [number, number] {
  return [bytes.readUInt32BE(16), bytes.readUInt32BE(20)];
}

it('exports every panel (PNG, JSON, CSV) with the numbers it shows, and the command line of the settings', async () => {
  const { page, errors } = await browser.open(
    '/?view=regularization&model=quadratic&lambda=1&steps=50&grid=96&startW1=-1.5',
    { width: 1400, height: 1000 },
  );
  await waitForResult(page, 1);
  await expect.poll(() => page.locator('#reg-path-caption').textContent(), { timeout: 30_000 }).toMatch(/exactly to 0/);
  await expect.poll(() => page.locator('#descent-warnings').getAttribute('data-path-steps')).toBe('50');
  const l1 = page.locator('#l1-minimizer');
  const l1w = [Number(await l1.getAttribute('data-w1')), Number(await l1.getAttribute('data-w2'))];

  // The 3D surface: a PNG of the canvas with its labels, the JSON of the shown grid.
  const surfacePng = await downloadFrom(page, '#regularization-surface [data-export="png"]');
  expect(surfacePng.name).toBe('regularization-surface.png');
  expect(isPng(surfacePng.bytes)).toBe(true);
  expect(surfacePng.bytes.length).toBeGreaterThan(20_000);
  writeFileSync(`${SCREENSHOTS}/regularization-export-surface.png`, surfacePng.bytes); // to look at
  const viewport = await page.locator('#landscape-viewport canvas').boundingBox();
  expect(pngSize(surfacePng.bytes)[0]).toBeGreaterThanOrEqual(Math.floor(viewport?.width ?? Infinity));
  const surface = JSON.parse(
    (await downloadFrom(page, '#regularization-surface [data-export="json"]')).bytes.toString(),
  );
  expect(surface.penalty).toBe('l1');
  expect(surface.lambda).toBe(1);
  expect([surface.G, surface.D]).toEqual([96, 96]);
  expect(surface.window).toEqual({ w1Min: -2, w1Max: 2, w2Min: -2, w2Max: 2 });
  expect(surface.values.length).toBe(96 * 96);
  expect(surface.minimizer.w).toEqual(l1w);
  expect(Math.min(...surface.values)).toBeGreaterThanOrEqual(surface.minimizer.value - 1e-6);

  // The three contour maps: one PNG side by side, the JSON of the three grids and their minimizers.
  const mapsPng = await downloadFrom(page, '#regularization-contours [data-export="png"]');
  expect(isPng(mapsPng.bytes)).toBe(true);
  const [mapsWidth, mapsHeight] = pngSize(mapsPng.bytes);
  expect(mapsWidth).toBeGreaterThan(2.5 * mapsHeight);
  writeFileSync(`${SCREENSHOTS}/regularization-export-contours.png`, mapsPng.bytes);
  const maps = JSON.parse((await downloadFrom(page, '#regularization-contours [data-export="json"]')).bytes.toString());
  expect(maps.maps.map((map: { penalty: string }) => map.penalty)).toEqual(['none', 'l1', 'l2']);
  for (const map of maps.maps) expect(map.values.length).toBe(96 * 96);
  expect(maps.maps[1].minimizer.w).toEqual(l1w);
  expect(maps.maps[1].values).toEqual(surface.values); // the L1 map and the L1 surface are one grid

  // The regularization path: chart PNG and CSV of λ, w1*, w2* for L1 and L2 (41 λ).
  const chartPng = await downloadFrom(page, '#regularization-reg-path [data-export="png"]');
  expect(isPng(chartPng.bytes)).toBe(true);
  writeFileSync(`${SCREENSHOTS}/regularization-export-reg-path.png`, chartPng.bytes);
  const regPath = csvRows((await downloadFrom(page, '#regularization-reg-path [data-export="csv"]')).bytes);
  expect(regPath[0]).toEqual(['lambda', 'l1_w1', 'l1_w2', 'l2_w1', 'l2_w2']);
  expect(regPath.length).toBe(42);
  expect(Number(regPath[1][0])).toBeCloseTo(1e-4, 12);
  expect(Number(regPath[41][0])).toBe(10);
  expect(regPath[41].slice(1, 3)).toEqual(['0', '0']); // λ = 10 zeroes both L1 coordinates of the quadratic

  // The minimizers table and the descent path's steps.
  const minimizers = csvRows((await downloadFrom(page, '#regularization-minimizers [data-export="csv"]')).bytes);
  expect(minimizers.map((row) => row[1])).toEqual(['penalty', 'none', 'l1', 'l2']);
  expect(minimizers[2].slice(3, 5).map(Number)).toEqual(l1w);
  const descent = csvRows((await downloadFrom(page, '#regularization-formula [data-export="csv"]')).bytes);
  expect(descent[0]).toEqual(['step', 'w1', 'w2']);
  expect(descent.length).toBe(1 + 51);
  expect(descent[1]).toEqual(['0', '-1.5', String(defaultStart('quadratic')[1])]);
  const end = await page.locator('#descent-warnings').textContent();
  expect(end).toContain(`w = (${Number(Number(descent[51][1]).toPrecision(4))}`);

  // The command line: the CLI's own flag parser reads back the page's settings.
  const command = (await page.locator('#regularization-command').textContent()) ?? '';
  expect(command).toMatch(/^npm run cli -- regularization /);
  for (const flag of ['--model=quadratic', '--lambda=1', '--steps=50', '--grid=96', '--path', '--reg-path']) {
    expect(command.split(' ')).toContain(flag);
  }
  const fromCommand = regularizationConfigFromFlags(parseFlags(command.split(' regularization ')[1].split(' ')));
  const fromPage = readRegularizationUrl(new URL(page.url()).searchParams, 'software').config;
  expect(fromCommand).toEqual(fromPage);
  expect(fromCommand.startW1).toBe(-1.5);
  expect(errors).toEqual([]);
});

it('computes a big J in bands of rows, with its progress and the time left on the status line', async () => {
  // G²·N = 1.2e9 terms of the tanh net: seconds on the software adapter, several submissions of ≤ 1 s.
  const { page, errors } = await browser.open('/?view=regularization&model=tanh-net&grid=768&points=2000');
  const status = page.locator('#regularization-status');
  await expect
    .poll(() => status.textContent(), { timeout: 60_000, interval: 100 })
    .toMatch(/computing J: \d+\/768 rows of the grid · .+ elapsed, ~.+ left/);
  await waitForResult(page, 1);
  expect(await status.textContent()).toMatch(/G = 768 .*gridLoss/);
  expect(errors).toEqual([]);
});
