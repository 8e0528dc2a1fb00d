import { isAbsolute, resolve } from 'node:path'

/** Where a store lives, decided by the scheme of its URL. */
export type StoreLocation =
  | { readonly dialect: 'sqlite'; /** An absolute file path, or `:memory:`. */ readonly path: string }
  | { readonly dialect: 'postgres'; readonly connectionString: string }

export type ParseStoreUrlResult =
  | { readonly ok: true; readonly location: StoreLocation }
  | { readonly ok: false; readonly reason: string }

/**
 * Chooses the dialect from a store URL:
 * - `postgres://…` or `postgresql://…` → PostgreSQL (the URL is handed to `pg` as is);
 * - `sqlite::memory:` → a private in-memory SQLite database;
 * - `sqlite:/abs/path.db` or `sqlite:///abs/path.db` → that SQLite file (relative: against `cwd`);
 * - anything without a scheme is a file path, resolved against `cwd`.
 * The reason of a failure never echoes the URL, which may hold a password.
 */
export function parseStoreUrl(url: string, cwd: string = process.cwd()): ParseStoreUrlResult {
  const trimmed = url.trim()
  if (trimmed === '') return { ok: false, reason: 'the store URL is empty' }
  const lower = trimmed.toLowerCase()
  if (lower.startsWith('postgres://') || lower.startsWith('postgresql://')) {
    return { ok: true, location: { dialect: 'postgres', connectionString: trimmed } }
  }
  if (lower === 'sqlite::memory:' || lower === ':memory:') {
    return { ok: true, location: { dialect: 'sqlite', path: ':memory:' } }
  }
  if (lower.startsWith('sqlite:')) {
    // `sqlite:///abs` is the URL form of `sqlite:/abs`; both name the same file.
    const rest = trimmed.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '')
    if (rest === '') return { ok: false, reason: 'a sqlite: URL needs a file path, e.g. sqlite:/var/lib/meson/coordinator.db' }
    return { ok: true, location: { dialect: 'sqlite', path: resolve(cwd, rest) } }
  }
  // A Windows drive letter (`C:\…`) looks like a scheme but is a path.
  if (/^[a-z][a-z0-9+.-]*:/i.test(trimmed) && !isAbsolute(trimmed)) {
    return { ok: false, reason: 'unsupported store URL scheme; use postgres://, postgresql://, sqlite: or a file path' }
  }
  return { ok: true, location: { dialect: 'sqlite', path: resolve(cwd, trimmed) } }
}
