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

/** Keeps every GPUDevice the page creates in window.devices (so a test can destroy one from outside). */
function captureDevices(): void {
  const devices: GPUDevice[] = [];
  (window as unknown as { devices: GPUDevice[] }).devices = devices;
  const requestDevice = GPUAdapter.prototype.requestDevice;
  GPUAdapter.prototype.requestDevice = async function (this: GPUAdapter, descriptor?: GPUDeviceDescriptor) {
    const device = await requestDevice.call(this, descriptor);
    devices.push(device);
    return device;
  };
}

/** Every device the page creates reports itself lost 1.5 s later (a GPU that keeps resetting). */
function alwaysLost(): void {
  const requestDevice = GPUAdapter.prototype.requestDevice;
  GPUAdapter.prototype.requestDevice = async function (this: GPUAdapter, descriptor?: GPUDeviceDescriptor) {
    const device = await requestDevice.call(this, descriptor);
    const lost = new Promise<GPUDeviceLostInfo>((resolve) =>
      setTimeout(() => resolve({ reason: 'unknown', message: 'forced by the test' } as GPUDeviceLostInfo), 1500),
    );
    Object.defineProperty(device, 'lost', { value: lost });
    return device;
  };
}

const TRAIN_SMALL = '/?view=training&dataset=moons&steps=20&every=10&copies=8&points=64';

it('a device destroyed from outside is a loss: the view restarts on a new device with halved sizes', async () => {
  const { page, errors } = await browser.open(TRAIN_SMALL, { initScript: captureDevices });
  const status = page.locator('#training-status');
  await expect.poll(() => status.getAttribute('data-state'), { timeout: 120_000 }).toBe('done');
  await page.evaluate(() => (window as unknown as { devices: GPUDevice[] }).devices.at(-1)?.destroy());
  await expect.poll(() => page.locator('main').getAttribute('data-device-losses'), { timeout: 10_000 }).toBe('1');
  expect(await page.locator('#notices').textContent()).toMatch(/GPU device was lost \(destroyed: .*attempt 1 of 3/);
  await expect.poll(() => status.getAttribute('data-state'), { timeout: 120_000 }).toBe('done');
  expect(await status.textContent()).toContain('4 copies'); // 8 halved
  const search = new URL(page.url()).searchParams;
  expect(search.get('copies')).toBe('4');
  expect(search.get('points')).toBe('32');
  expect(await page.evaluate(() => (window as unknown as { devices: GPUDevice[] }).devices.length)).toBe(2);
  expect(errors).toEqual([]);
});

it('a device that is always lost restarts 3 times, then stops with a panel saying why (no loop)', async () => {
  const { page, errors } = await browser.open(TRAIN_SMALL, { initScript: alwaysLost });
  const panel = page.locator('#device-lost');
  await expect.poll(() => panel.count(), { timeout: 90_000, interval: 250 }).toBe(1);
  expect(await page.locator('main').getAttribute('data-device-losses')).toBe('4');
  const text = (await panel.textContent()) ?? '';
  expect(text).toContain('lost 4 times within 60 s');
  expect(text).toContain('forced by the test');
  expect(text).toContain('view=training');
  expect(await page.locator('#try-again').count()).toBe(1);
  await page.screenshot({ path: `${SCREENSHOTS}/device-lost.png` });
  // It stays stopped: no new device, no new loss.
  await page.waitForTimeout(4000);
  expect(await page.locator('main').getAttribute('data-device-losses')).toBe('4');
  expect(errors).toEqual([]);
});

it('runs under its content security policy: an inline script is refused and reported', async () => {
  const { page, errors } = await browser.open('/');
  await expect
    .poll(() => page.locator('#adapter-line').getAttribute('data-software'), { timeout: 30_000 })
    .toMatch(/true|false/);
  expect(errors).toEqual([]); // the app itself breaks no rule
  const ran = await page.evaluate(async () => {
    const script = document.createElement('script');
    script.textContent = 'window.inlineScriptRan = true';
    document.body.append(script);
    await new Promise((resolve) => setTimeout(resolve, 100));
    return (window as unknown as { inlineScriptRan?: boolean }).inlineScriptRan === true;
  });
  expect(ran).toBe(false);
  expect(errors.some((error) => error.includes('CSP violation: script-src'))).toBe(true);
});
