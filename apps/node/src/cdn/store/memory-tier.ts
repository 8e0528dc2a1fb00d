/** Limits of the memory tier. */
export interface MemoryTierLimits {
  /** Budget for all bodies held. */
  readonly maxBytes: number
  /** Bodies larger than this are never held. */
  readonly maxObjectBytes: number
}

/**
 * Whole bodies of small hot objects, by object id, under a byte budget with its own
 * LRU order (independent of the disk tier's: a body can be cold in memory and still on
 * disk). Reading the body that is already the most recently used one leaves the order
 * as it is (no delete + set: a hot body read on every hit would churn the map's table).
 */
export class MemoryTier {
  readonly #limits: MemoryTierLimits
  readonly #bodies = new Map<string, Buffer>()
  #bytes = 0
  /** The id last in `#bodies`' order (undefined: none yet); it may name an id deleted since, which is harmless: reading an absent id finds nothing, and setting it sets this again. */
  #newestId: string | undefined

  constructor(limits: MemoryTierLimits) {
    this.#limits = limits
  }

  get bytes(): number {
    return this.#bytes
  }

  get count(): number {
    return this.#bodies.size
  }

  /** Whether a body of this size may be held at all. */
  accepts(sizeBytes: number): boolean {
    return sizeBytes <= this.#limits.maxObjectBytes && sizeBytes <= this.#limits.maxBytes
  }

  /** The body, marked as just used, or undefined. */
  get(id: string): Buffer | undefined {
    const body = this.#bodies.get(id)
    if (body === undefined || id === this.#newestId) return body
    this.#bodies.delete(id)
    this.#bodies.set(id, body)
    this.#newestId = id
    return body
  }

  /** Holds a body, evicting the least recently used ones until it fits. Returns whether it is held. */
  set(id: string, body: Buffer): boolean {
    if (!this.accepts(body.length)) return false
    this.delete(id)
    for (const [oldestId, oldest] of this.#bodies) {
      if (this.#bytes + body.length <= this.#limits.maxBytes) break
      this.#bodies.delete(oldestId)
      this.#bytes -= oldest.length
    }
    this.#bodies.set(id, body)
    this.#newestId = id
    this.#bytes += body.length
    return true
  }

  delete(id: string): void {
    const body = this.#bodies.get(id)
    if (body === undefined) return
    this.#bodies.delete(id)
    this.#bytes -= body.length
  }
}
