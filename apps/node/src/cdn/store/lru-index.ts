import type { CacheEntry } from './cache-store.ts'

/** One committed object as the index knows it. */
export interface IndexedObject {
  readonly entry: CacheEntry
  readonly sizeBytes: number
  readonly storedAtMs: number
}

/**
 * The in-memory index of the disk tier: by id in least-recently-used order (a `Map`
 * keeps insertion order, so "use" is delete + set: O(1)), and by primary key with the
 * newest variant first. One object per primary+secondary key: adding a second one
 * replaces the first. Touching the object that is already the most recently used one
 * changes nothing and is skipped: a hot object hit again and again would otherwise
 * churn the map's table on every hit (ADR 0006, "Fifth session").
 */
export class LruIndex {
  readonly #byId = new Map<string, IndexedObject>()
  readonly #byPrimaryKey = new Map<string, IndexedObject[]>()
  #totalBytes = 0
  /** The id last in `#byId`'s order when known (undefined: unknown, the next touch moves); it may name an id deleted since, which is harmless: touching an absent id does nothing, and adding it sets this again. */
  #newestId: string | undefined

  get size(): number {
    return this.#byId.size
  }

  /** Sum of the body sizes of every indexed object. */
  get totalBytes(): number {
    return this.#totalBytes
  }

  get(id: string): IndexedObject | undefined {
    return this.#byId.get(id)
  }

  /**
   * Adds an object as the most recently used one. Returns the object it replaced (same
   * primary and secondary key), already removed from the index, if there was one.
   */
  add(object: IndexedObject): IndexedObject | undefined {
    const { primaryKey, secondaryKey } = object.entry.response
    const variants = this.#byPrimaryKey.get(primaryKey) ?? []
    const replaced = variants.find((variant) => variant.entry.response.secondaryKey === secondaryKey)
    if (replaced !== undefined) this.delete(replaced.entry.id)
    // Setting an id already present keeps its place: then which id is last is not known.
    this.#newestId = this.#byId.has(object.entry.id) ? undefined : object.entry.id
    this.#byId.set(object.entry.id, object)
    this.#totalBytes += object.sizeBytes
    const remaining = this.#byPrimaryKey.get(primaryKey) ?? []
    this.#byPrimaryKey.set(primaryKey, [object, ...remaining])
    return replaced
  }

  /** Swaps the entry of an indexed object (same id, same keys) and marks it used. */
  update(object: IndexedObject): void {
    const current = this.#byId.get(object.entry.id)
    if (current === undefined) return
    this.#byId.delete(object.entry.id)
    this.#byId.set(object.entry.id, object)
    this.#newestId = object.entry.id
    this.#totalBytes += object.sizeBytes - current.sizeBytes
    const variants = this.#byPrimaryKey.get(current.entry.response.primaryKey) ?? []
    this.#byPrimaryKey.set(
      current.entry.response.primaryKey,
      variants.map((variant) => (variant === current ? object : variant)),
    )
  }

  /** Marks an object as just used. */
  touch(id: string): void {
    if (id === this.#newestId) return
    const object = this.#byId.get(id)
    if (object === undefined) return
    this.#byId.delete(id)
    this.#byId.set(id, object)
    this.#newestId = id
  }

  /** Removes an object; returns it if it was there. */
  delete(id: string): IndexedObject | undefined {
    const object = this.#byId.get(id)
    if (object === undefined) return undefined
    this.#byId.delete(id)
    this.#totalBytes -= object.sizeBytes
    const primaryKey = object.entry.response.primaryKey
    const variants = (this.#byPrimaryKey.get(primaryKey) ?? []).filter((variant) => variant !== object)
    if (variants.length === 0) this.#byPrimaryKey.delete(primaryKey)
    else this.#byPrimaryKey.set(primaryKey, variants)
    return object
  }

  /** Every variant stored under a primary key, newest first (does not mark use). */
  variants(primaryKey: string): readonly IndexedObject[] {
    return this.#byPrimaryKey.get(primaryKey) ?? []
  }

  /** The object that has gone longest without use. */
  leastRecentlyUsed(): IndexedObject | undefined {
    for (const object of this.#byId.values()) return object
    return undefined
  }

  /** Every object, least recently used first. */
  values(): IterableIterator<IndexedObject> {
    return this.#byId.values()
  }
}
