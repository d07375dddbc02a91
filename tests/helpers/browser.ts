// Browser tests: the built app (dist/, made by `npm run build` before this project runs) served
// by `vite preview` on localhost and opened in Debian's Chromium through playwright-core, with the
// flags of ../shared/ENVIRONMENT.md. A missing Chromium or dist/ FAILS the run; it never skips.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';
import { type PreviewServer, preview } from 'vite';
import { afterAll, beforeAll } from 'vitest';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOTS = 'screenshots';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--enable-unsafe-webgpu',
  '--enable-features=Vulkan',
  '--use-vulkan=swiftshader',
  '--use-webgpu-adapter=swiftshader',
  '--use-angle=swiftshader',
];

export interface OpenedPage {
  page: Page;
  /** Console errors, page errors and failed requests seen so far. */
  errors: string[];
}

export function useBrowser(): {
  open(path: string, options?: { width?: number; height?: number; initScript?: () => void }): Promise<OpenedPage>;
} {
  let server: PreviewServer | undefined;
  let browser: Browser | undefined;
  let baseUrl = '';
  beforeAll(async () => {
    if (!existsSync('dist/index.html')) throw new Error('dist/ is missing: run `npm run build` first (npm test does).');
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `Chromium not found at ${CHROMIUM}: install it with \`apt-get install -y chromium\` (or set CHROMIUM_PATH).`,
      );
    }
    mkdirSync(SCREENSHOTS, { recursive: true });
    server = await preview({
      preview: { host: '127.0.0.1', port: 0, strictPort: false, open: false },
      logLevel: 'silent',
    });
    baseUrl = server.resolvedUrls?.local[0] ?? '';
    if (!baseUrl) throw new Error('vite preview did not report a URL');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  return {
    async open(path, options = {}) {
      if (!browser) throw new Error('the browser was not started (see the beforeAll error)');
      const page = await browser.newPage({
        viewport: { width: options.width ?? 1400, height: options.height ?? 1000 },
        acceptDownloads: true,
      });
      // Every content-security-policy violation is an error of the page (Chromium also logs it).
      await page.addInitScript(() =>
        document.addEventListener('securitypolicyviolation', (event) =>
          console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI || 'inline code'}`),
        ),
      );
      if (options.initScript) await page.addInitScript(options.initScript);
      const errors: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(`console: ${message.text()}`);
      });
      page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
      page.on('requestfailed', (request) =>
        errors.push(`request failed: ${request.url()} ${request.failure()?.errorText ?? ''}`),
      );
      await page.goto(new URL(path.replace(/^\//, ''), baseUrl).href);
      return { page, errors };
    },
  };
}

/** Clicks an export button (a CSS selector) and returns the file it downloads: its name and bytes. */
export async function downloadFrom(page: Page, selector: string): Promise<{ name: string; bytes: Buffer }> {
  const [file] = await Promise.all([
    page.waitForEvent('download', { timeout: 30_000 }),
    page.locator(selector).click(),
  ]);
  const path = await file.path();
  return { name: file.suggestedFilename(), bytes: readFileSync(path) };
}

/** True when the bytes are a PNG file (its 8-byte signature). */
export function isPng(bytes: Buffer): boolean {
  return bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
}
