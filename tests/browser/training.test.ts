// The Training explorer in headless Chromium on the software adapter: a short run reaches its last
// checkpoint with bands, a decision boundary and the weight histogram; L1 proximal shows exact
// zeros; a clamped URL value is reported; no console error. On moons the chosen copy's network is
// drawn; re-seed, reset and step do what they say; a zeros initialization leaves every hidden unit of
// a layer identical (the caption says so).
import { expect, it } from 'vitest';
import { nextSeed } from '../../src/ui/initUrl';
import { SCREENSHOTS, useBrowser } from '../helpers/browser';

const browser = useBrowser();

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

it("draws the moons boundary and the chosen copy's network; re-seed moves to the next seed, reset keeps it, step advances by T", async () => {
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
  await page.waitForTimeout(1000);
  expect(await status.getAttribute('data-step')).toBe('20');
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
