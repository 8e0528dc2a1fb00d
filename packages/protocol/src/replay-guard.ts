/** Default most ids remembered at once. */
export const DEFAULT_REPLAY_GUARD_CAPACITY = 100_000

/**
 * Remembers the ids of commands already executed until they expire. An expired command
 * is refused anyway (verifyCommand checks `expiresAt`), so forgetting it then is safe
 * and memory stays bounded by the commands alive at one time. In memory only: after a
 * restart, the expiry check is what stops replays of older commands.
 */
export class ReplayGuard {
  readonly #capacity: number
  readonly #expiresAtById = new Map<string, number>()
  #nextExpiryMs = Number.POSITIVE_INFINITY

  constructor(options: { readonly capacity?: number } = {}) {
    this.#capacity = options.capacity ?? DEFAULT_REPLAY_GUARD_CAPACITY
  }

  /** Ids currently remembered. */
  get size(): number {
    return this.#expiresAtById.size
  }

  /**
   * True if `id` was seen before and has not yet expired (a replay: do not execute).
   * Otherwise records it until `expiresAtMs` and returns false. When full of live ids
   * it also returns true: refusing a command is safer than executing it twice.
   */
  isReplay(id: string, expiresAtMs: number, nowMs: number): boolean {
    return this.admit(id, expiresAtMs, nowMs) !== 'new'
  }

  /**
   * {@link isReplay} with the reason, for callers that answer the two refusals apart:
   * 'replayed' (seen and still live), 'full' (as many live ids as the capacity; a live id
   * is never forgotten to make room, so its replay stays refused), or 'new' (recorded).
   */
  admit(id: string, expiresAtMs: number, nowMs: number): 'new' | 'replayed' | 'full' {
    this.#forgetExpired(nowMs)
    if (this.#expiresAtById.has(id)) return 'replayed'
    if (this.#expiresAtById.size >= this.#capacity) return 'full'
    this.#expiresAtById.set(id, expiresAtMs)
    this.#nextExpiryMs = Math.min(this.#nextExpiryMs, expiresAtMs)
    return 'new'
  }

  #forgetExpired(nowMs: number): void {
    // Sweep only when something has actually expired, so each call is O(1) in between.
    if (nowMs < this.#nextExpiryMs) return
    let next = Number.POSITIVE_INFINITY
    for (const [id, expiresAtMs] of this.#expiresAtById) {
      if (expiresAtMs <= nowMs) this.#expiresAtById.delete(id)
      else next = Math.min(next, expiresAtMs)
    }
    this.#nextExpiryMs = next
  }
}
