// For results a test expects to exist (a minimum, a checkpoint): the value, or a failure that names it,
// in place of a non-null assertion.
export function defined<T>(value: T | null | undefined, what: string): T {
  if (value === null || value === undefined) throw new Error(`expected ${what}, got ${value}`);
  return value;
}
