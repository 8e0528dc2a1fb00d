import { rememberBounded } from '@meson/protocol'

/**
 * A small in-memory read-through cache for the proxy gateway's per-connection reads (a
 * buyer's credential hash, a buyer's balance), so admitting a connection costs no store
 * round trip while the entry is fresh. Entries live `ttlMs`; `cacheable` decides which
 * values are kept at all (e.g. only positive balances, so a refusal is always re-read).
 * Concurrent misses of one key share one read. `delete` invalidates at once, including a
 * read in flight (it still answers its callers but is not stored), so a change made in
 * this process is never hidden by an older read. Bounded: beyond `maxEntries` the
 * oldest entry goes.
 */
export interface ReadThroughCacheOptions<V> {
  readonly read: (key: string) => Promise<V>
  readonly ttlMs: number
  readonly now: () => number
  readonly maxEntries?: number
  readonly cacheable?: (value: V) => boolean
}

interface Entry<V> {
  readonly value: V
  readonly expiresAtMs: number
}

export class ReadThroughCache<V> {
  readonly #options: ReadThroughCacheOptions<V>
  readonly #entries = new Map<string, Entry<V>>()
  readonly #reading = new Map<string, Promise<V>>()

  constructor(options: ReadThroughCacheOptions<V>) {
    this.#options = options
  }

  /** The fresh cached value, else one read from the source (shared with concurrent callers). */
  get(key: string): Promise<V> {
    const entry = this.#entries.get(key)
    if (entry !== undefined && entry.expiresAtMs > this.#options.now()) return Promise.resolve(entry.value)
    return this.#reading.get(key) ?? this.refresh(key)
  }

  /** Reads the source now and stores the answer (unless invalidated meanwhile). */
  refresh(key: string): Promise<V> {
    const reading = this.#options.read(key).then(
      (value) => {
        if (this.#reading.get(key) === reading) {
          this.#reading.delete(key)
          this.set(key, value)
        }
        return value
      },
      (error: unknown) => {
        if (this.#reading.get(key) === reading) this.#reading.delete(key)
        throw error
      },
    )
    this.#reading.set(key, reading)
    return reading
  }

  /** Stores a value known to be current (e.g. read by someone else), for `ttlMs`. */
  set(key: string, value: V): void {
    this.#entries.delete(key)
    if (this.#options.cacheable !== undefined && !this.#options.cacheable(value)) return
    rememberBounded(this.#entries, key, { value, expiresAtMs: this.#options.now() + this.#options.ttlMs }, this.#options.maxEntries ?? 100_000)
  }

  /** Changes a cached value in place (keeping its expiry); nothing when the key is not cached. */
  update(key: string, change: (value: V) => V): void {
    const entry = this.#entries.get(key)
    if (entry === undefined) return
    const value = change(entry.value)
    if (this.#options.cacheable !== undefined && !this.#options.cacheable(value)) return void this.#entries.delete(key)
    this.#entries.set(key, { value, expiresAtMs: entry.expiresAtMs })
  }

  /** Forgets the key now, and a read of it in flight will not be stored. */
  delete(key: string): void {
    this.#entries.delete(key)
    this.#reading.delete(key)
  }
}
