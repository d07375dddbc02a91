// The first page in headless Chromium on the software adapter: header, adapter line, no errors.
import { expect, it } from 'vitest';
import { SCREENSHOTS, useBrowser } from '../helpers/browser';

const browser = useBrowser();

it('shows the header and the adapter in use, with no console error', async () => {
  const { page, errors } = await browser.open('/');
  const adapterLine = page.locator('#adapter-line');
  await expect.poll(() => adapterLine.getAttribute('data-software'), { timeout: 30_000 }).toMatch(/true|false/);
  const text = await adapterLine.textContent();
  expect(text).toMatch(/Adapter: .*swiftshader/i);
  expect(await adapterLine.getAttribute('data-vendor')).toBeTruthy();
  expect(await page.locator('h1').textContent()).toContain('Init & Regularization Lab');
  await page.screenshot({ path: `${SCREENSHOTS}/shell.png` });
  expect(errors).toEqual([]);
});

it('explains what is needed when WebGPU is missing, instead of a blank page', async () => {
  // navigator.gpu removed before any script of the page runs.
  const { page: missing, errors } = await browser.open('/', {
    initScript: () => Object.defineProperty(Navigator.prototype, 'gpu', { get: () => undefined, configurable: true }),
  });
  await expect.poll(() => missing.locator('#gpu-missing').count(), { timeout: 30_000 }).toBe(1);
  const message = await missing.locator('#gpu-missing').textContent();
  expect(message).toContain('needs WebGPU');
  expect(message).toContain('--enable-unsafe-webgpu');
  await missing.screenshot({ path: `${SCREENSHOTS}/no-webgpu.png` });
  expect(errors).toEqual([]);
});

it('a quick tab switch while an explorer is still starting leaves only the new view, and the URL on it', async () => {
  const { page, errors } = await browser.open('/');
  await expect
    .poll(() => page.locator('#adapter-line').getAttribute('data-software'), { timeout: 30_000 })
    .toMatch(/true|false/);
  // The initialization explorer compiles its pipelines for seconds on the software adapter: go back
  // to the overview before its mount resolves, then give it time to resolve. A stale mount used to
  // stay alive and write ?view=init over the overview's URL.
  await page.locator('nav.tabs button[data-view="init"]').click();
  await page.locator('nav.tabs button[data-view="home"]').click();
  await expect.poll(() => page.locator('.intro .cards').count(), { timeout: 30_000 }).toBe(1);
  // The stale mount resolved and was torn down (so the race did happen), then give it a moment.
  await expect.poll(() => page.locator('main').getAttribute('data-stale-mounts'), { timeout: 60_000 }).toBe('1');
  await page.waitForTimeout(2000);
  expect(new URL(page.url()).searchParams.get('view')).toBeNull();
  expect(await page.locator('.explorer-root').count()).toBe(0);
  expect(await page.locator('nav.tabs button[aria-selected="true"]').getAttribute('data-view')).toBe('home');
  expect(errors).toEqual([]);
});
