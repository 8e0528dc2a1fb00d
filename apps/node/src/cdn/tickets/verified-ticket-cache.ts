import type { Ticket } from '@meson/protocol'
import { SecondChanceMap } from '../engine/second-chance-map.ts'

/** A ticket whose signature was checked, and with which key generation. */
export interface VerifiedTicketEntry {
  readonly ticket: Ticket
  readonly keyGeneration: number
  /** The last client address found covered by `ticket.client`: the same client again needs no range check. */
  coveredClientIp?: string
  /** The last request path found covered by the ticket's path: the same path again needs no check. */
  coveredPath?: string
}

/** Default most tokens remembered; a few MB at ~500-byte tokens. */
export const DEFAULT_VERIFIED_TICKET_CACHE_SIZE = 10_000

/**
 * Characters at a token's end that key the map: its coordinator tag (ADR 0016), 22
 * base64url characters of a MAC, so unique among real tickets; the whole token is then
 * compared. Hashing a whole ~500-character token (a new string on every request) cost
 * about a microsecond per hit; this hashes 24 characters and compares the rest.
 */
const KEY_CHARACTERS = 24

interface TokenSlot {
  readonly token: string
  readonly entry: VerifiedTicketEntry
}

/**
 * A bounded map from ticket token (its exact text) to its verified contents. A hit only
 * marks the entry used (`SecondChanceMap`): a hot token is read on every request, and
 * re-inserting it each time (a strict LRU) cost a measurable share of a ticketed hit.
 * Two tokens that end alike share a slot: a lookup answers only for the exact token
 * stored, and the later `set` replaces the earlier (only verified tokens are set, so a
 * forged token with a popular token's ending cannot push it out).
 */
export class VerifiedTicketCache {
  readonly #slots: SecondChanceMap<string, TokenSlot>

  constructor(maxEntries = DEFAULT_VERIFIED_TICKET_CACHE_SIZE) {
    this.#slots = new SecondChanceMap(maxEntries)
  }

  get size(): number {
    return this.#slots.size
  }

  /** The entry for exactly `token`, marked used. */
  get(token: string): VerifiedTicketEntry | undefined {
    const slot = this.#slots.get(keyOf(token))
    return slot?.token === token ? slot.entry : undefined
  }

  set(token: string, entry: VerifiedTicketEntry): void {
    this.#slots.set(keyOf(token), { token, entry })
  }

  /** Forgets `token` (a token `get` answered for: its slot is its own). */
  delete(token: string): void {
    this.#slots.delete(keyOf(token))
  }
}

function keyOf(token: string): string {
  return token.length <= KEY_CHARACTERS ? token : token.slice(-KEY_CHARACTERS)
}
