// The Training explorer in headless Chromium on the software adapter: a short run reaches its last
// checkpoint with bands, a decision boundary and the weight histogram; L1 proximal shows exact
// zeros; a clamped URL value is reported; no console error.
import { expect, it } from 'vitest';
import { SCREENSHOTS, useBrowser } from '../helpers/browser';

const browser = useBrowser();

it('trains K copies to the last checkpoint, shows exact zeros under L1 and reports clamped URL values', async () => {
  const { page, errors } = await browser.open('/?view=training&dataset=xor&steps=40&every=10&penalty=l1&lambda=0.05&copies=0', {
    width: 1400,
    height: 1100,
  });
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
