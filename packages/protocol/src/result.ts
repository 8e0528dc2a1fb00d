/**
 * The outcome of a parser or checker whose failure is expected (bad input, a wrong
 * signature): callers branch on `ok` instead of catching. `reason` is a short,
 * stable, human-readable explanation (or a fixed union where callers match on it).
 */
export type Result<T, R = string> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly reason: R }

/** Wraps a success. */
export function ok<T>(value: T): { readonly ok: true; readonly value: T } {
  return { ok: true, value }
}

/** Wraps a failure. */
export function fail<R>(reason: R): { readonly ok: false; readonly reason: R } {
  return { ok: false, reason }
}
