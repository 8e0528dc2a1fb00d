import type { Readable } from 'node:stream'
import type { StoredResponse } from '../policy/stored-response.ts'

/** A stored response and the handle to its body. */
export interface CacheEntry {
  /** Unique id of this stored object (content file name); never derived from the URL. */
  readonly id: string
  readonly response: StoredResponse
  /** Surrogate keys (from `Surrogate-Key` / `Cache-Tag`) for purges. */
  readonly surrogateKeys: readonly string[]
}

/** Inclusive byte range of a body, as in `Content-Range` (RFC 9110 §14.4). */
export interface ByteRange {
  readonly start: number
  readonly end: number
}

/** Writes one response body into the store; nothing is visible before `commit`. */
export interface CacheWriter {
  /** Appends a chunk. Resolves when it can take more (backpressure). */
  write(chunk: Uint8Array): Promise<void>
  /**
   * Makes the object visible atomically (temp file + fsync + rename) and returns it;
   * returns undefined when the object was given up (too large, over quota, aborted).
   */
  commit(): Promise<CacheEntry | undefined>
  /** Discards what was written. Safe to call after commit or twice. */
  abort(): Promise<void>
}

/**
 * A fill announced before its origin request is sent (see `CacheStore.reserveFill`).
 * An invalidation or purge naming its key meanwhile dooms it: a writer begun with it
 * never publishes, because the origin may have produced the answer before the change
 * the invalidation reports.
 */
export interface FillReservation {
  readonly primaryKey: string
  readonly isInvalidated: boolean
  /** Forgets the reservation (after the fill's writer was begun, or when nothing will be stored). Safe twice. */
  release(): void
}

/** Why a purge removed what it removed. */
export interface PurgeSelector {
  readonly urls?: readonly string[]
  readonly prefixes?: readonly string[]
  readonly surrogateKeys?: readonly string[]
  /**
   * When set, only entries whose primary key starts with it are removed, whatever else
   * matches: surrogate keys are chosen by each origin, so one buyer's tag must not
   * purge another zone's objects that happen to carry the same tag.
   */
  readonly scopePrefix?: string
}

export interface CacheStoreStats {
  readonly objects: number
  readonly storedBytes: number
  readonly memoryObjects: number
  readonly memoryBytes: number
  readonly evictions: number
  readonly discardedOnStart: number
}

/**
 * The node's object store: a disk tier with a byte quota and LRU eviction, and a
 * memory tier for hot small objects. The index is in memory (rebuilt from disk on
 * open), so lookups never touch the disk.
 */
export interface CacheStore {
  /** All stored variants for a primary key (any secondary key), most recent first. Marks them used (LRU). */
  lookup(primaryKey: string): readonly CacheEntry[]
  /**
   * The whole body if the memory tier holds it (fast path for small hot objects),
   * else undefined.
   */
  readFromMemory(entry: CacheEntry): Uint8Array | undefined
  /** Streams the body, or a byte range of it, from disk (or memory). */
  createReadStream(entry: CacheEntry, range?: ByteRange): Readable
  /**
   * Announces a fill of `primaryKey` before its origin request goes out, so that an
   * invalidation landing before the origin's headers arrive still wins (docs/adr/0009).
   */
  reserveFill(primaryKey: string): FillReservation
  /**
   * Starts storing a new response; replaces the same primary+secondary key on commit.
   * With a reservation the object is given up if the reservation was invalidated, even
   * before this call.
   */
  beginWrite(response: Omit<StoredResponse, 'sizeBytes' | 'sha256'>, surrogateKeys: readonly string[], reservation?: FillReservation): CacheWriter
  /** Replaces the stored headers/times after a 304 revalidation (RFC 9111 §4.3.4), atomically. */
  updateResponse(entry: CacheEntry, response: StoredResponse): Promise<CacheEntry | undefined>
  /** Removes one entry. */
  remove(entry: CacheEntry): Promise<void>
  /** Removes every entry for a primary key (all variants); returns how many. */
  removeByPrimaryKey(primaryKey: string): Promise<number>
  /** Removes what the selector names; returns how many entries were removed. */
  purge(selector: PurgeSelector): Promise<number>
  stats(): CacheStoreStats
  close(): Promise<void>
}
