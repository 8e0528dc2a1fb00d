import type { Ticket } from '@meson/protocol'

/** A ticket whose signature was checked, and with which key generation. */
export interface VerifiedTicketEntry {
  readonly ticket: Ticket
  readonly keyGeneration: number
  /** The last client address found covered by `ticket.client`: the same client again needs no range check. */
  coveredClientIp?: string
}

/** Default most tokens remembered; a few MB at ~400-byte tokens. */
export const DEFAULT_VERIFIED_TICKET_CACHE_SIZE = 10_000

/**
 * A bounded LRU map from ticket token to its verified contents. A Map iterates in
 * insertion order, so re-inserting on every hit keeps the least recently used first,
 * and eviction is O(1).
 */
export class VerifiedTicketCache {
  readonly #maxEntries: number
  readonly #entries = new Map<string, VerifiedTicketEntry>()

  constructor(maxEntries = DEFAULT_VERIFIED_TICKET_CACHE_SIZE) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new RangeError('maxEntries must be a positive integer')
    this.#maxEntries = maxEntries
  }

  get size(): number {
    return this.#entries.size
  }

  /** The entry for `token`, marked most recently used. */
  get(token: string): VerifiedTicketEntry | undefined {
    const entry = this.#entries.get(token)
    if (entry === undefined) return undefined
    this.#entries.delete(token)
    this.#entries.set(token, entry)
    return entry
  }

  set(token: string, entry: VerifiedTicketEntry): void {
    this.#entries.delete(token)
    this.#entries.set(token, entry)
    if (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next()
      if (oldest.done !== true) this.#entries.delete(oldest.value)
    }
  }

  delete(token: string): void {
    this.#entries.delete(token)
  }
}
