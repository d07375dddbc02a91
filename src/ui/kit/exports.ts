// Export from every panel: a PNG of what it draws, the numbers it shows (CSV for tables and series,
// JSON for grids and histograms), and per view the command line that reproduces them headless.
// Buttons sit in the panel's header (data-export="png|csv|json"); files download as
// <name>.<ext>. Non-finite numbers are kept ("NaN", "Infinity"), never silently turned into null.

import { element, errorMessage, type Panel } from './dom';

export interface PanelExports {
  /** File stem, e.g. "init-variance". */
  name: string;
  /** The canvas to save (drawn just before), or a PNG already made. */
  png?: () => HTMLCanvasElement | Blob | undefined | Promise<HTMLCanvasElement | Blob | undefined>;
  csv?: () => string | undefined;
  json?: () => unknown;
}

export type ExportFormat = 'png' | 'csv' | 'json';

const MIME: Record<ExportFormat, string> = { png: 'image/png', csv: 'text/csv', json: 'application/json' };

/** Offers the file to the visitor (an <a download> click). */
export function download(fileName: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const link = element('a', { href: url, download: fileName });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** CSV with a header row; null is an empty field, NaN and ±Infinity stay as written by String(). */
export function toCsv(header: readonly string[], rows: ReadonlyArray<ReadonlyArray<unknown>>): string {
  return `${[header, ...rows].map((row) => row.map(csvField).join(',')).join('\n')}\n`;
}

/** JSON text in which NaN and ±Infinity survive as strings (JSON has no such numbers). */
export function toJson(value: unknown): string {
  return JSON.stringify(
    value,
    (_key, item) => {
      if (typeof item === 'number' && !Number.isFinite(item)) return String(item);
      if (ArrayBuffer.isView(item) && !(item instanceof DataView)) return Array.from(item as Float32Array);
      return item;
    },
    1,
  );
}

function canvasBlob(canvas: HTMLCanvasElement): Promise<Blob> {
  return new Promise((resolve, reject) =>
    canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('the canvas could not be encoded'))), 'image/png'),
  );
}

async function exportBlob(exports: PanelExports, format: ExportFormat): Promise<Blob | undefined> {
  if (format === 'png') {
    const image = await exports.png?.();
    if (!image) return undefined;
    return image instanceof Blob ? image : canvasBlob(image);
  }
  const text = format === 'csv' ? exports.csv?.() : toJson(exports.json?.());
  return text === undefined ? undefined : new Blob([text], { type: MIME[format] });
}

/**
 * Export buttons in the panel's header, one per format given. `notify` hears what went wrong
 * (nothing drawn yet, a canvas that cannot be read).
 */
export function addExports(target: Panel, exports: PanelExports, notify: (message: string) => void): void {
  const formats = (['png', 'csv', 'json'] as const).filter((format) => exports[format] !== undefined);
  for (const format of formats) {
    const button = element('button', {
      type: 'button',
      class: 'export-button',
      'data-export': format,
      title: `Download ${exports.name}.${format}`,
    });
    button.textContent = format.toUpperCase();
    button.addEventListener('click', () => {
      exportBlob(exports, format).then(
        (blob) => {
          if (blob) download(`${exports.name}.${format}`, blob);
          else notify(`${exports.name}: nothing to export yet (the first result is still on its way)`);
        },
        (error) => notify(`${exports.name}.${format} could not be made: ${errorMessage(error)}`),
      );
    });
    target.tools.append(button);
  }
}

/**
 * "Copy as command": the `npm run cli -- …` line that computes the same numbers headless, shown
 * (selectable) and copied to the clipboard on a click; `caption` says what runs it.
 */
export function commandBox(
  id: string,
  command: () => string,
  caption = 'The same numbers headless (Node, Dawn):',
): { root: HTMLElement; refresh(): void } {
  const box = element('div', { class: 'command-box' });
  const label = element('span', { class: 'caption' }, caption);
  const code = element('code', { id, class: 'command-line' });
  const button = element(
    'button',
    { type: 'button', class: 'export-button', 'data-export': 'command' },
    'copy as command',
  );
  const feedback = element('span', { class: 'caption command-feedback', role: 'status' });
  const refresh = () => {
    code.textContent = command();
  };
  button.addEventListener('click', () => {
    refresh();
    const text = code.textContent ?? '';
    const copied = navigator.clipboard?.writeText(text);
    if (!copied) {
      feedback.textContent = 'select the line above and copy it';
      return;
    }
    copied.then(
      () => (feedback.textContent = 'copied'),
      () => (feedback.textContent = 'the clipboard is blocked here: select the line above and copy it'),
    );
  });
  box.append(label, code, button, feedback);
  refresh();
  return { root: box, refresh };
}
