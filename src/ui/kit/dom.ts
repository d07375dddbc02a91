// DOM helpers of the explorer kit: one `element`, one `panel`, and the number formats the panels
// share. Text goes in as textContent, never as HTML: nothing a visitor typed is parsed as markup.

export type Attributes = Record<string, string>;

/** `<tag>` with attributes (class, id, data-*, …) and, when given, its text. */
export function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  text?: string,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

export interface Panel {
  /** The `<section class="panel">`; append it where the panel goes. */
  root: HTMLElement;
  /** Its `<h3>` title (set `textContent` to retitle). */
  heading: HTMLElement;
  /** Where the panel's content goes. */
  body: HTMLElement;
  /** The row of export buttons next to the title (filled by kit/exports.ts). */
  tools: HTMLElement;
}

/** A titled panel: `<section class="panel" id=…><header><h3/><span class="panel-tools"/></header><div/></section>`. */
export function panel(title: string, id?: string): Panel {
  const root = element('section', { class: 'panel', ...(id ? { id } : {}) });
  const header = element('header', { class: 'panel-header' });
  const heading = element('h3', {}, title);
  const tools = element('span', { class: 'panel-tools' });
  header.append(heading, tools);
  const body = element('div', { class: 'panel-body' });
  root.append(header, body);
  return { root, heading, body, tools };
}

/** The two-column layout of an explorer: `main` (panels) and `side` (knobs, status). */
export function explorerLayout(
  container: HTMLElement,
  id: string,
): { root: HTMLElement; main: HTMLElement; side: HTMLElement } {
  const root = element('div', { class: `explorer ${id}-explorer`, 'data-explorer': id });
  const main = element('div', { class: 'explorer-main' });
  const side = element('aside', { class: 'explorer-side' });
  root.append(main, side);
  container.replaceChildren(root);
  return { root, main, side };
}

/** A flex row of panels. */
export function row(...panels: Array<Panel | HTMLElement>): HTMLElement {
  const node = element('div', { class: 'row' });
  node.append(...panels.map((item) => ('root' in item ? item.root : item)));
  return node;
}

/** A short readable number: 4 significant digits, exponent notation outside [1e-4, 1e5), "—" for null. */
export function formatNumber(value: number | null | undefined, digits = 4): string {
  if (value === null || value === undefined) return '—';
  if (value === 0) return '0';
  if (!Number.isFinite(value)) return String(value);
  const magnitude = Math.abs(value);
  if (magnitude >= 1e5 || magnitude < 1e-4) return value.toExponential(2);
  return String(Number(value.toPrecision(digits)));
}

/** "320 ms", "4.2 s", "3.1 min"; "…" when unknown. */
export function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return '…';
  if (seconds < 1) return `${Math.round(seconds * 1000)} ms`;
  if (seconds < 120) return `${seconds.toFixed(1)} s`;
  return `${(seconds / 60).toFixed(1)} min`;
}

/** The message of anything thrown. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function isAbortError(error: unknown): boolean {
  return error instanceof Error && error.name === 'AbortError';
}
