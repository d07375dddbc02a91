// The first page in headless Chromium on the software adapter: header, adapter line, no errors; without
// WebGPU every view on the CPU backend (CPU twins in a worker, WebGL 2 scenes) with the WebGPU notice; tab
// switches while a view starts; device losses; the content security policy.
import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { downloadFrom, isPng, SCREENSHOTS, useBrowser } from '../helpers/browser';

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

/** navigator.gpu removed before any script of the page runs (a browser without WebGPU). */
const withoutWebGpu = () =>
  Object.defineProperty(Navigator.prototype, 'gpu', { get: () => undefined, configurable: true });

it('without WebGPU the page says it runs on the CPU, and a notice explains how to get WebGPU', async () => {
  const { page: missing, errors } = await browser.open('/', { initScript: withoutWebGpu });
  const adapterLine = missing.locator('#adapter-line');
  await expect.poll(() => adapterLine.getAttribute('data-backend'), { timeout: 30_000 }).toBe('cpu');
  expect(await adapterLine.textContent()).toContain('CPU (no WebGPU): small sizes');
  // The explanation is a collapsible box above the view, not the whole page: the overview is still there.
  const notice = missing.locator('#backend-notice details#gpu-missing');
  expect(await notice.count()).toBe(1);
  const message = await notice.textContent();
  expect(message).toContain('needs WebGPU');
  expect(message).toContain('--enable-unsafe-webgpu');
  expect(message).toContain('This browser does not offer WebGPU');
  expect(await missing.locator('.intro .cards .card').count()).toBe(5);
  await notice.locator('summary').click();
  await missing.screenshot({ path: `${SCREENSHOTS}/no-webgpu.png` });
  expect(errors).toEqual([]);
});

/** What each view shows without WebGPU: a number read from one of its panels, and a PNG export. */
const CPU_VIEWS = [
  {
    id: 'init',
    /** E[δ²] of layer 1, and the rms of layer 1 in its small multiple. */
    numbers: async (page: Page) => [
      Number(await page.locator('#init-status').getAttribute('data-grad-var-layer1')),
      Number(/rms ([\d.e+-]+)/.exec((await page.locator('#init-multiples figure').first().textContent()) ?? '')?.[1]),
    ],
    png: '#init-landscape [data-export=png]',
  },
  {
    id: 'regularization',
    /** The L1 minimizer's w1* in the minimizers table and the J + λ·L1 value there. */
    numbers: async (page: Page) => [
      Number(await page.locator('#l1-minimizer').getAttribute('data-w1')),
      Number(await page.locator('#l1-minimizer td.value').nth(2).textContent()),
    ],
    png: '#regularization-surface [data-export=png]',
  },
  {
    id: 'training',
    /** The chosen copy's test accuracy and test loss in the boundary's caption. */
    numbers: async (page: Page) => {
      const caption = (await page.locator('#training-boundary').textContent()) ?? '';
      const match = /test accuracy ([\d.]+), test loss ([\d.e+-]+)/.exec(caption);
      return [Number(match?.[1]), Number(match?.[2])];
    },
    png: '#training-boundary [data-export=png]',
  },
  {
    id: 'phase',
    /** χ₁ measured and theory of the pinned cell (its table's first row). */
    numbers: async (page: Page) => [
      Number(await page.locator('#phase-cell-table tr').nth(1).locator('td.value').nth(0).textContent()),
      Number(await page.locator('#phase-cell-table tr').nth(1).locator('td.value').nth(1).textContent()),
    ],
    png: '#phase-map [data-export=png]',
  },
] as const;

for (const view of CPU_VIEWS) {
  it(`without WebGPU, /?view=${view.id} runs its CPU twin in a worker: panels drawn, numbers, exports`, async () => {
    const opened = Date.now();
    const { page, errors } = await browser.open(`/?view=${view.id}`, { initScript: withoutWebGpu });
    const status = page.locator(`#${view.id}-status`);
    await expect.poll(() => status.getAttribute('data-state'), { timeout: 60_000, interval: 100 }).toBe('done');
    const runText = await status.textContent();
    console.log(`${view.id} on the CPU backend, done ${Date.now() - opened} ms after opening: ${runText}`);
    for (const value of await view.numbers(page)) expect(Number.isFinite(value), `${view.id}: ${value}`).toBe(true);
    expect(await page.locator('#adapter-line').textContent()).toContain('CPU (no WebGPU): small sizes');
    const note = (await page.locator(`#${view.id}-adapter-note`).textContent()) ?? '';
    expect(note).toMatch(/^CPU \(no WebGPU\): small sizes\. .*Web Worker/);
    expect(await page.locator('#gpu-missing').textContent()).toContain('--enable-unsafe-webgpu');
    // The command line runs the same CPU twins headless.
    expect(await page.locator(`#${view.id}-command`).textContent()).toMatch(/ --cpu$/);
    // The same URL state: the defaults of the CPU backend are left out of the URL.
    expect(new URL(page.url()).search).toBe(`?view=${view.id}`);
    const png = await downloadFrom(page, view.png);
    expect(isPng(png.bytes)).toBe(true);
    writeFileSync(`${SCREENSHOTS}/cpu-${view.id}-export.png`, png.bytes);
    // Let three.js (WebGL 2 here) draw its last frame, then save the page.
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    await page.waitForTimeout(1800);
    await page.screenshot({ path: `${SCREENSHOTS}/cpu-${view.id}.png`, fullPage: true });
    expect(errors).toEqual([]);
  });
}

/** The CLI, built once for the "copy as command" round trips without WebGPU. */
const CLI_OUT = 'node_modules/.cache/cli-shell-test';

it('without WebGPU, "copy as command" (--cpu) gives the page\'s numbers headless on the same CPU twins', async () => {
  execFileSync('npx', ['vite', 'build', '--config', 'vite.cli.config.ts', '--outDir', CLI_OUT, '--logLevel', 'error']);
  const cli = (command: string) => {
    const [name, ...flags] = command.replace('npm run cli -- ', '').split(' ');
    const run = spawnSync('node', [`${CLI_OUT}/cli.js`, name, ...flags], { encoding: 'utf8', timeout: 120_000 });
    expect(run.status, run.stderr).toBe(0);
    return JSON.parse(run.stdout);
  };

  const init = await browser.open('/?view=init&depth=6&inits=16&seed=5', { initScript: withoutWebGpu });
  const initStatus = init.page.locator('#init-status');
  await expect.poll(() => initStatus.getAttribute('data-state'), { timeout: 60_000 }).toBe('done');
  const initCommand = (await init.page.locator('#init-command').textContent()) ?? '';
  expect(initCommand).toBe('npm run cli -- stats --depth=6 --width=64 --inits=16 --seed=5 --cpu');
  const stats = cli(initCommand) as { layers: Array<{ delta: { meanSquare: number } }> };
  // f64 on both sides; only the order in which the page adds its chunks' sums differs.
  const pageVariance = Number(await initStatus.getAttribute('data-grad-var-layer1'));
  expect(Math.abs(stats.layers[0].delta.meanSquare / pageVariance - 1)).toBeLessThan(1e-12);
  expect(init.errors).toEqual([]);

  const training = await browser.open('/?view=training&steps=20&every=10&copies=4&seed=7', {
    initScript: withoutWebGpu,
  });
  const trainingStatus = training.page.locator('#training-status');
  await expect.poll(() => trainingStatus.getAttribute('data-state'), { timeout: 60_000 }).toBe('done');
  const bands = (await downloadFrom(training.page, '#training-loss [data-export=csv]')).bytes.toString('utf8');
  const testMedian = Number(bands.trim().split('\n').at(-1)?.split(',')[5]);
  const trainCommand = (await training.page.locator('#training-command').textContent()) ?? '';
  expect(trainCommand).toBe('npm run cli -- train --points=200 --steps=20 --every=10 --copies=4 --seed=7 --cpu');
  const run = cli(trainCommand) as { checkpoints: Array<{ step: number; testLoss: { p50: number } }> };
  expect(run.checkpoints.map((checkpoint) => checkpoint.step)).toEqual([0, 10, 20]);
  expect(run.checkpoints[2].testLoss.p50).toBe(testMedian); // the same f64 arithmetic, step for step
  expect(training.errors).toEqual([]);
}, 240_000);

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
