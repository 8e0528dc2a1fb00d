/** Live challenges remembered at most; an honest coordinator has a handful in flight. */
export const MAX_LIVE_CHALLENGES = 4096

export type NonceAdmission = 'new' | 'replayed' | 'full'

/**
 * The nonces of the storage challenges this node answered, each until its challenge
 * expires. A challenge captured on the wire could otherwise be sent again and again
 * while it is live, each copy costing the node a disk read; with this, a copy costs one
 * signature check. Bounded: expired nonces are dropped when room is needed, and when
 * {@link MAX_LIVE_CHALLENGES} live ones are held a new challenge is refused ('full')
 * rather than forgetting a live one (which would let its replay through).
 */
export class ChallengeNonces {
  readonly #expiresAt = new Map<string, number>()
  readonly #capacity: number

  constructor(capacity: number = MAX_LIVE_CHALLENGES) {
    this.#capacity = capacity
  }

  /** Records `nonce` (live until `expiresAt`) unless it was seen or there is no room. */
  admit(nonce: string, expiresAt: number, now: number): NonceAdmission {
    const seen = this.#expiresAt.get(nonce)
    if (seen !== undefined && now < seen) return 'replayed'
    if (seen === undefined && this.#expiresAt.size >= this.#capacity) this.#dropExpired(now)
    if (seen === undefined && this.#expiresAt.size >= this.#capacity) return 'full'
    this.#expiresAt.set(nonce, expiresAt)
    return 'new'
  }

  /** How many nonces are held (expired ones included until room is needed). */
  get size(): number {
    return this.#expiresAt.size
  }

  #dropExpired(now: number): void {
    for (const [nonce, expiresAt] of this.#expiresAt) {
      if (now >= expiresAt) this.#expiresAt.delete(nonce)
    }
  }
}
