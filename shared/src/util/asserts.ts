/**
 * Invariant helpers (rocicorp `asserts.ts` / `must.ts`): a broken invariant throws at once
 * with a message that names the bad value, instead of surfacing later as `undefined`.
 *
 * ```ts
 * must(outlet.get('settings'), 'outlet document has no settings');
 * default: unreachable(event); // compile error when a case is missing
 * ```
 */
export class AssertionError extends Error {
  override readonly name = 'AssertionError';
}

export function assert(condition: unknown, message: string | (() => string) = 'assertion failed'): asserts condition {
  if (!condition) throw new AssertionError(typeof message === 'function' ? message() : message);
}

/** The value, or a throw when it is `null` or `undefined`. */
export function must<T>(value: T | null | undefined, message?: string): T {
  if (value === null || value === undefined) throw new AssertionError(message ?? `expected a value, got ${String(value)}`);
  return value;
}

/** For the `default` of an exhaustive switch: a type error when a case is missing, a throw naming the value at run time. */
export function unreachable(value: never, what = 'value'): never {
  throw new AssertionError(`unexpected ${what}: ${describe(value)}`);
}

function describe(value: unknown): string {
  try {
    return typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  } catch {
    return String(value);
  }
}
