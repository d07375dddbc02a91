// URL state for every view, read and written the same way: each knob of the view's table is read
// from the query string (clamped or replaced with a notice: readParams), keys no table knows and keys
// given twice get a notice of their own (the last value wins, as it would for a link someone edited by
// appending), and the state written back omits values at their defaults. The shell keeps `view`.

import {
  type BackendKind,
  type ParamSpec,
  type ParamValues,
  readParams,
  tableForAdapter,
  writeParams,
} from '../../core/params';
import type { NoticeKind } from '../explorer';

export interface UrlRead {
  values: ParamValues;
  /** One sentence per value that was clamped, rounded, replaced or ignored. */
  notices: string[];
}

/** The keys of `search` that `known` lacks and the keys given more than once, as notices. */
export function urlKeyNotices(search: URLSearchParams, known: ReadonlySet<string>): string[] {
  const notices: string[] = [];
  const counts = new Map<string, number>();
  for (const key of search.keys()) counts.set(key, (counts.get(key) ?? 0) + 1);
  for (const [key, count] of counts) {
    if (!known.has(key)) notices.push(`unknown parameter ${JSON.stringify(key)} ignored`);
    else if (count > 1) {
      notices.push(`${key} is given ${count} times; using the last (${JSON.stringify(search.getAll(key).at(-1))})`);
    }
  }
  return notices;
}

/** The query string with one value per key: the last one given. Views read keys of their own from it. */
export function lastValues(search: URLSearchParams): URLSearchParams {
  const last = new URLSearchParams();
  for (const key of new Set(search.keys())) last.set(key, search.getAll(key).at(-1) ?? '');
  return last;
}

/** Every knob of `table` from the query string (the last value of a repeated key); `extraKeys` are the view's. */
export function readUrl(
  table: readonly ParamSpec[],
  search: URLSearchParams,
  extraKeys: readonly string[] = [],
): UrlRead {
  const known = new Set([...table.map((spec) => spec.key), ...extraKeys]);
  const keyNotices = urlKeyNotices(search, known);
  const { values, notices } = readParams(table, lastValues(search));
  return { values, notices: [...keyNotices, ...notices] };
}

/** The query string of `values`: only what differs from the table's defaults, in table order. */
export function writeUrl(table: readonly ParamSpec[], values: ParamValues): URLSearchParams {
  return writeParams(table, values);
}

/** Shows each URL notice on the page, prefixed so the visitor knows where it came from. */
export function announce(notices: readonly string[], notify: (message: string, kind?: NoticeKind) => void): void {
  for (const notice of notices) notify(`URL: ${notice}`, 'warning');
}

/**
 * The query string with each size in `keys` halved (an explorer's reduce(), after a lost device):
 * the value in the URL, or the backend's default when absent, halved and kept in range.
 */
export function halveSizes(
  table: readonly ParamSpec[],
  params: URLSearchParams,
  keys: readonly string[],
  backend: BackendKind,
): URLSearchParams {
  const adapted = tableForAdapter(table, backend);
  const { values } = readParams(adapted, params);
  const next = new URLSearchParams(params);
  for (const key of keys) {
    const spec = adapted.find((candidate) => candidate.key === key);
    if (!spec) throw new Error(`halveSizes: no knob ${key} in the table`);
    const half = Math.max(spec.min ?? 1, Math.floor((values[key] as number) / 2));
    next.set(key, String(half));
  }
  return next;
}
