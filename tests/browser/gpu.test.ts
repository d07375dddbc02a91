// The GPU view in headless Chromium on SwiftShader: it shows the adapter and its limits, runs the
// self-check (the hardware kernel family's small cases: the browser's software adapter is slow) to a
// pass on every case, exports the results as JSON, and stops a benchmark when asked; without WebGPU
// it says so and still times the CPU twin. Screenshots: screenshots/gpu.png, screenshots/cpu-gpu.png.
import { expect, it } from 'vitest';
import { downloadFrom, SCREENSHOTS, useBrowser } from '../helpers/browser';

const browser = useBrowser();

it('shows the adapter and its limits, and the self-check passes on every case (hardware kernels)', async () => {
  const { page, errors } = await browser.open('/?view=gpu&kernels=hardware');
  const adapter = page.locator('#gpu-adapter-info');
  await expect.poll(() => adapter.count(), { timeout: 30_000 }).toBe(1);
  expect(await adapter.textContent()).toMatch(/swiftshader/i);
  expect(await adapter.textContent()).toContain('software (CPU emulation');
  const limit = Number(
    /^\d+/.exec(
      (await page.locator('#gpu-limits [data-limit=maxStorageBufferBindingSize] td').nth(1).textContent()) ?? '',
    )?.[0],
  );
  expect(limit).toBeGreaterThanOrEqual(128 * 1024 * 1024);
  expect(await page.locator('#gpu-command').textContent()).toBe('npm run cli -- selfcheck --kernels=hardware --quick');
  expect(await page.locator('#gpu-kernels').inputValue()).toBe('hardware');

  await page.locator('#gpu-run-selfcheck').click();
  const status = page.locator('#gpu-status');
  await expect.poll(() => status.getAttribute('data-state'), { timeout: 10_000 }).toBe('running');
  await expect.poll(() => status.getAttribute('data-state'), { timeout: 400_000, interval: 500 }).toBe('done');
  const rows = page.locator('#gpu-selfcheck-cases tbody tr');
  // 65,536 RNG counters, 8 grid-loss models, the 16 small init cases (width 1024 left out, and said so).
  expect(await rows.count()).toBe(25);
  expect(await page.locator('#gpu-selfcheck-cases tbody tr[data-pass=false]').count()).toBe(0);
  const summary = (await page.locator('#gpu-selfcheck-summary').textContent()) ?? '';
  expect(summary).toMatch(
    /^PASS: 25 of 25 cases agree with the CPU twin \(hardware kernels, seed 1\)\. 2 hardware-size/,
  );
  expect(await page.locator('#gpu-selfcheck').getAttribute('data-pass')).toBe('true');
  console.log(`GPU view: ${await status.textContent()}`);

  const exported = JSON.parse((await downloadFrom(page, '#gpu-selfcheck [data-export=json]')).bytes.toString('utf8'));
  expect(exported.kernels).toBe('hardware');
  expect(exported.cases).toHaveLength(25);
  for (const c of exported.cases) {
    expect(c.pass, c.name).toBe(true);
    expect(c.maxError, c.name).toBeLessThanOrEqual(c.tolerance);
  }
  await page.screenshot({ path: `${SCREENSHOTS}/gpu.png`, fullPage: true });

  // The benchmark starts, and Stop ends it at the next measurement.
  await page.locator('#gpu-run-bench').click();
  await expect.poll(() => status.getAttribute('data-state'), { timeout: 10_000 }).toBe('running');
  await page.locator('#gpu-stop').click();
  await expect.poll(() => status.getAttribute('data-state'), { timeout: 120_000, interval: 250 }).toBe('aborted');
  expect(await status.textContent()).toMatch(/^Stopped after \d of 5\.$/);
  expect(errors).toEqual([]);
}, 600_000);

it('without WebGPU says there is no GPU to check, and still times the CPU twin', async () => {
  const noGpu = () => Object.defineProperty(Navigator.prototype, 'gpu', { get: () => undefined, configurable: true });
  const { page, errors } = await browser.open('/?view=gpu', { initScript: noGpu });
  await expect.poll(() => page.locator('#gpu-none').count(), { timeout: 30_000 }).toBe(1);
  expect(await page.locator('#gpu-none').textContent()).toContain('No WebGPU here');
  expect(await page.locator('#gpu-run-selfcheck').isDisabled()).toBe(true);
  expect(await page.locator('#gpu-command').textContent()).toMatch(/^npm run cli -- stats .* --cpu$/);
  await page.locator('#gpu-run-bench').click();
  const status = page.locator('#gpu-status');
  await expect.poll(() => status.getAttribute('data-state'), { timeout: 120_000, interval: 250 }).toBe('done');
  const rows = page.locator('#gpu-bench-rows tbody tr');
  expect(await rows.count()).toBe(2);
  const cpuRate = Number(await rows.first().locator('td').nth(3).textContent());
  expect(cpuRate).toBeGreaterThan(0.005); // GFLOP/s of the f64 twin: ~0.1–0.3 on this machine
  await page.screenshot({ path: `${SCREENSHOTS}/cpu-gpu.png`, fullPage: true });
  expect(errors).toEqual([]);
}, 240_000);
