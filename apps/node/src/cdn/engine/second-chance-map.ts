interface Slot<V> {
  readonly value: V
  /** Read since it was inserted or last given its second chance. */
  isUsed: boolean
}

/** Most old entries looked at per eviction before the oldest goes regardless: an insert stays O(1). */
const MAX_SECOND_CHANCES = 8

/**
 * A bounded map for hot-path caches, evicting by "second chance" (CLOCK): a read only
 * marks its entry used — a property write, where an LRU `Map` would delete and re-insert
 * it on every read, which churns the map's table (V8 grows and shrinks it) at every hit.
 * When full, an insert looks at the oldest entries: a used one is moved to the back with
 * its mark cleared, the first unused one (or, after a few, the oldest) is dropped.
 */
export class SecondChanceMap<K, V> {
  readonly #maxEntries: number
  readonly #onEvict: ((key: K, value: V) => void) | undefined
  readonly #slots = new Map<K, Slot<V>>()

  constructor(maxEntries: number, onEvict?: (key: K, value: V) => void) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new RangeError('maxEntries must be a positive integer')
    this.#maxEntries = maxEntries
    this.#onEvict = onEvict
  }

  get size(): number {
    return this.#slots.size
  }

  /** The value for `key`, marked used. */
  get(key: K): V | undefined {
    const slot = this.#slots.get(key)
    if (slot === undefined) return undefined
    slot.isUsed = true
    return slot.value
  }

  /** Adds or replaces `key` (unused), dropping one entry if the map is then over its bound. */
  set(key: K, value: V): void {
    this.#slots.delete(key)
    this.#slots.set(key, { value, isUsed: false })
    if (this.#slots.size > this.#maxEntries) this.#evictOne()
  }

  delete(key: K): void {
    this.#slots.delete(key)
  }

  /** Every value, oldest first (a copy: the map may change while the caller walks it). */
  values(): V[] {
    return Array.from(this.#slots.values(), (slot) => slot.value)
  }

  clear(): void {
    this.#slots.clear()
  }

  /** Drops one entry other than the newest (the one just set), which sits at the back. */
  #evictOne(): void {
    // Moving more than all-but-one older entries would make the newest the oldest.
    const maxChances = Math.min(MAX_SECOND_CHANCES, this.#slots.size - 2)
    for (let chances = 0; ; chances++) {
      const oldest = this.#slots.entries().next()
      if (oldest.done === true) return
      const [key, slot] = oldest.value
      this.#slots.delete(key)
      if (!slot.isUsed || chances >= maxChances) {
        this.#onEvict?.(key, slot.value)
        return
      }
      slot.isUsed = false
      this.#slots.set(key, slot)
    }
  }
}
