// The Signal propagation explorer in headless Chromium: the map is drawn (cells coloured blue on the ordered
// side and red on the chaotic side of the critical line, which is drawn inside the window), the pinned cell has
// a verdict and a link that opens the Initialization explorer with its settings; a preset moves the marker and
// the pin; exploded cells are counted; bad URL values are clamped with a notice; screenshots saved.
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { SCREENSHOTS, useBrowser } from '../helpers/browser';

const browser = useBrowser();

const SMALL = 'cellsW=8&cellsB=6&width=32&depth=12&inits=2&batch=2';

const waitDone = async (page: Page) =>
  expect
    .poll(() => page.locator('#phase-status').getAttribute('data-state'), { timeout: 150_000, interval: 250 })
    .toBe('done');

/** The RGB of the map's canvas at CSS pixel (x, y) of its 600 × 440 drawing. */
const pixel = (page: Page, x: number, y: number) =>
  page.evaluate(
    ([px, py]) => {
      const canvas = document.querySelector<HTMLCanvasElement>('#phase-map-canvas');
      const ratio = (canvas?.width ?? 600) / 600;
      const data = canvas?.getContext('2d')?.getImageData(Math.round(px * ratio), Math.round(py * ratio), 1, 1).data;
      return data ? [data[0], data[1], data[2]] : [];
    },
    [x, y],
  );

it('draws the map with the critical line, a verdict for the pinned cell and the theory panel', async () => {
  const { page, errors } = await browser.open(`/?view=phase&${SMALL}&cellsB=0`, { width: 1400, height: 1300 });
  await expect
    .poll(() => page.locator('#notices').textContent(), { timeout: 20_000 })
    .toMatch(/cellsB: "0" is not an integer in 1–64; clamped to 1/);
  await waitDone(page);
  const reopened = Date.now();
  await page.goto(page.url().replace(/cellsB=1/, 'cellsB=6'));
  await waitDone(page);
  console.log(
    `phase 8 × 6 done ${Date.now() - reopened} ms after opening: ${await page.locator('#phase-status').textContent()}`,
  );
  const canvas = page.locator('#phase-map-canvas');
  expect(await canvas.getAttribute('data-cells')).toBe('48');
  expect(await canvas.getAttribute('data-non-finite')).toBe('0');
  expect(Number(await canvas.getAttribute('data-line-points'))).toBeGreaterThanOrEqual(51);
  expect(Number(await canvas.getAttribute('data-line-points-inside'))).toBeGreaterThan(20);
  // The lowest row: σ_w² = 0.5 (first column) is ordered (blue), σ_w² = 4 (last column) chaotic (red).
  const [r0, , b0] = await pixel(page, 58 + 10, 440 - 46 - 10);
  const [r1, , b1] = await pixel(page, 600 - 112 - 10, 440 - 46 - 10);
  expect(b0).toBeGreaterThan(r0 + 40);
  expect(r1).toBeGreaterThan(b1 + 40);
  // The default pin is the cell nearest the critical point: tanh at σ_b² = 0 is σ_w² = 1 (column 1 of 0.5 … 4).
  expect(await canvas.getAttribute('data-pinned')).toBe('1,0');
  const verdict = page.locator('#phase-verdict');
  expect(await verdict.getAttribute('data-phase')).toMatch(/critical|ordered/);
  expect(await verdict.textContent()).toMatch(/χ₁ = [\d.]+/);
  expect(await page.locator('#phase-theory .katex').count()).toBeGreaterThanOrEqual(4);
  expect(await page.locator('#phase-cmap-canvas').getAttribute('data-steps')).toBe('12');
  expect(await page.locator('#phase-command').textContent()).toMatch(/^npm run cli -- phase .*--cells-w=8/);
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  await page.screenshot({ path: `${SCREENSHOTS}/phase.png`, fullPage: true });
  expect(errors).toEqual([]);
});

it('a preset moves the marker and the pin; a clicked cell opens the Initialization explorer with it', async () => {
  const { page, errors } = await browser.open(`/?view=phase&${SMALL}`, { width: 1400, height: 1300 });
  await waitDone(page);
  const canvas = page.locator('#phase-map-canvas');
  expect(await canvas.getAttribute('data-marker-x')).toBeNull();
  await page.locator('[data-preset=too-large]').click();
  await expect.poll(() => canvas.getAttribute('data-marker-x')).not.toBeNull();
  expect(await canvas.getAttribute('data-pinned')).toBe('7,0');
  const tooLargeX = Number(await canvas.getAttribute('data-marker-x'));
  expect(await page.locator('#phase-verdict').getAttribute('data-phase')).toBe('chaotic');
  // Zero-ish widens the window to σ_w² = 0.05 (a new run), and the marker moves left.
  await page.locator('[data-preset=zero-ish]').click();
  await expect.poll(() => new URL(page.url()).searchParams.get('sw2Min')).toBe('0.05');
  await waitDone(page);
  expect(Number(await canvas.getAttribute('data-marker-x'))).toBeLessThan(tooLargeX - 200);
  expect(await canvas.getAttribute('data-pinned')).toBe('0,0');
  expect(await page.locator('#phase-verdict').getAttribute('data-phase')).toBe('ordered');
  await page.screenshot({ path: `${SCREENSHOTS}/phase-preset.png`, fullPage: true });

  // Click the cell of column 3, row 2 on the map: it is pinned and its link carries its σ_w², σ_b².
  const box = await canvas.boundingBox();
  if (!box) throw new Error('no map');
  const scale = box.width / 600;
  const cellW = (600 - 58 - 112) / 8;
  const cellH = (440 - 16 - 46) / 6;
  await page.mouse.click(box.x + (58 + 3.5 * cellW) * scale, box.y + (440 - 46 - 2.5 * cellH) * scale);
  await expect.poll(() => canvas.getAttribute('data-pinned')).toBe('3,2');
  expect(new URL(page.url()).searchParams.get('pinW')).toBe('3');
  const href = (await page.locator('#phase-init-link').getAttribute('href')) ?? '';
  const link = new URLSearchParams(href.replace(/^\?/, ''));
  const sw2 = 0.05 + (3 * (4 - 0.05)) / 7;
  const sb2 = (2 * 0.5) / 5;
  expect(Number(link.get('scale')) ** 2).toBeCloseTo(sw2, 12);
  expect(Number(link.get('biasStd')) ** 2).toBeCloseTo(sb2, 12);
  await page.locator('#phase-init-link').click();
  await expect.poll(() => page.locator('#init-status').getAttribute('data-state'), { timeout: 150_000 }).toBe('done');
  const search = new URL(page.url()).searchParams;
  expect(search.get('view')).toBe('init');
  expect(Number(search.get('scale')) ** 2).toBeCloseTo(sw2, 12);
  const command = (await page.locator('#init-command').textContent()) ?? '';
  expect(command).toContain('--width=32');
  expect(command).toContain('--depth=12');
  expect(command).toContain(`--scale=${link.get('scale')}`);
  expect(command).toContain(`--bias-std=${link.get('biasStd')}`);
  expect(await page.locator('#notices').textContent()).not.toMatch(/URL:/);
  await page.screenshot({ path: `${SCREENSHOTS}/phase-to-init.png` });
  expect(errors).toEqual([]);
});

it('counts exploded cells (relu deep in the chaotic phase: q overflows f64), hatches them; theory in 3D', async () => {
  const { page, errors } = await browser.open(
    '/?view=phase&map=c&activation=relu&sw2Min=2&sw2Max=100&sb2Max=1&cellsW=6&cellsB=3' +
      '&width=8&depth=200&inits=1&batch=1',
    { width: 1400, height: 1300 },
  );
  await waitDone(page);
  const status = (await page.locator('#phase-status').textContent()) ?? '';
  expect(status).toMatch(/\d+ cells? exploded/);
  expect(Number(await page.locator('#phase-map-canvas').getAttribute('data-non-finite'))).toBeGreaterThan(0);
  await page.goto(page.url().replace('depth=200', 'depth=20').concat('&source=theory&surface=1'));
  await waitDone(page);
  await expect.poll(() => page.locator('#phase-surface').getAttribute('data-drawn'), { timeout: 60_000 }).toBe('true');
  await page.waitForTimeout(1500);
  await page.screenshot({ path: `${SCREENSHOTS}/phase-relu-surface.png`, fullPage: true });
  expect(errors).toEqual([]);
});

it('trains the Trainable depth panel on request (2 σ_w² × 2 depths × 2 copies) and draws its cells', async () => {
  const depth = 'td.sw2Cells=2&td.depths=2,4&td.copies=2&td.steps=20&td.points=16&td.width=4';
  const { page, errors } = await browser.open(`/?view=phase&cellsW=4&cellsB=3&width=16&depth=6&inits=1&${depth}`, {
    width: 1400,
    height: 1300,
  });
  await waitDone(page);
  const canvas = page.locator('#depth-map-canvas');
  // Before Train: the grid of the settings, empty, with the theory's curve; nothing trains on its own.
  expect(await canvas.getAttribute('data-trained')).toBe('false');
  expect(await canvas.getAttribute('data-cells')).toBe('4');
  expect(Number(await canvas.getAttribute('data-curve-points'))).toBeGreaterThanOrEqual(51);
  expect(await page.locator('#depth-status').getAttribute('data-state')).toBe('idle');
  expect(await page.locator('#depth-command').textContent()).toBe(
    'npm run cli -- trainability --sw2-cells=2 --width=4 --copies=2 --points=16 --steps=20 --depths=2,4',
  );
  // A bad depth list is refused with the parser's message, as text (nothing typed becomes markup).
  const field = page.locator('#phase-depth [data-key=depths] input');
  await field.fill('8,<b>2</b>');
  await field.press('Enter');
  await expect.poll(() => page.locator('#depth-depths-error').textContent()).toMatch(/depths must be .* increasing/);
  expect(await page.locator('#depth-depths-error b').count()).toBe(0);
  expect(await page.locator('#depth-train').isDisabled()).toBe(true);
  await field.fill('2, 4');
  await field.press('Enter');
  await expect.poll(() => page.locator('#depth-train').isDisabled()).toBe(false);

  const started = Date.now();
  await page.locator('#depth-train').click();
  await expect
    .poll(() => page.locator('#depth-status').getAttribute('data-state'), { timeout: 60_000, interval: 250 })
    .toBe('done');
  console.log(`trainable depth 2 × 2 × 2, 20 steps: ${Date.now() - started} ms after Train:`);
  console.log(`  ${await page.locator('#depth-status').textContent()}`);
  expect(await canvas.getAttribute('data-trained')).toBe('true');
  const learned = ((await canvas.getAttribute('data-learned')) ?? '').split(',');
  expect(learned).toHaveLength(4);
  for (const share of learned) expect(['0', '0.5', '1', 'NaN']).toContain(share);
  expect(Number(await canvas.getAttribute('data-colored')) + Number(await canvas.getAttribute('data-diverged'))).toBe(
    4,
  );
  // The cells are painted: the first cell's centre is no longer the empty grid's colour (#1b2233).
  const [r, g, b] = await page.evaluate(() => {
    const map = document.querySelector<HTMLCanvasElement>('#depth-map-canvas');
    const ratio = (map?.width ?? 600) / 600;
    const data = map?.getContext('2d')?.getImageData(Math.round(130 * ratio), Math.round(300 * ratio), 1, 1).data;
    return data ? [data[0], data[1], data[2]] : [];
  });
  expect([r, g, b]).not.toEqual([0x1b, 0x22, 0x33]);
  // Hover a cell: its numbers (learned k/K, diverged, loss, accuracy).
  const box = await canvas.boundingBox();
  if (!box) throw new Error('no depth map');
  await page.mouse.move(box.x + (130 / 600) * box.width, box.y + (300 / 400) * box.height);
  await expect.poll(() => page.locator('#depth-cell-table').getAttribute('data-cell')).toBe('0,0');
  expect(await page.locator('#depth-cell-table').textContent()).toMatch(/learned\d\/2 copies/);
  expect(new URL(page.url()).searchParams.get('td.depths')).toBe('2,4');
  await page.locator('#phase-depth').scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${SCREENSHOTS}/phase-depth.png`, fullPage: true });
  await page.locator('#phase-depth').screenshot({ path: `${SCREENSHOTS}/phase-depth-panel.png` });
  expect(errors).toEqual([]);
});
