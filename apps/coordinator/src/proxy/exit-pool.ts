/** A connected exit as routing sees it; `tunnel` is whatever the adapter needs to open streams. */
export interface PooledExit<T> {
  readonly nodeId: string
  readonly operatorId: string
  /** ISO 3166-1 alpha-2 lowercase, or undefined when unknown (such an exit serves only "any country"). */
  readonly country: string | undefined
  readonly tunnel: T
}

/** What a connection asks of routing. */
export interface ExitRequest {
  readonly account: string
  readonly country: string | undefined
  readonly session: string | undefined
  readonly sessionMs: number
  /** Exits already tried for this connection (they refused for a reason of their own). */
  readonly exclude?: ReadonlySet<string>
}

export type PickExitResult<T> =
  | { readonly ok: true; readonly exit: PooledExit<T> }
  | { readonly ok: false; readonly reason: 'no-exit' | 'unknown-country' }

interface Sticky {
  readonly nodeId: string
  readonly expiresAtMs: number
}

/**
 * The connected exits and the sticky sessions. A session keeps its exit until it
 * expires or the exit goes away; then the next connection gets another exit in the same
 * country. Without a session every connection draws a random exit. A country with no
 * exit is an error, never a fallback to another country. In-memory: one gateway process
 * owns its tunnels, so its sessions live with them.
 */
export class ExitPool<T> {
  readonly #exits = new Map<string, PooledExit<T>>()
  readonly #sessions = new Map<string, Sticky>()
  /** Countries that have had an exit since start: asking for one of them with none left is 'no-exit'. */
  readonly #countries = new Set<string>()
  readonly #now: () => number
  readonly #random: () => number

  constructor(options: { readonly now: () => number; readonly random: () => number }) {
    this.#now = options.now
    this.#random = options.random
  }

  /** Adds (or replaces, on reconnect) an exit. */
  add(exit: PooledExit<T>): void {
    this.remove(exit.nodeId)
    this.#exits.set(exit.nodeId, exit)
    if (exit.country !== undefined) this.#countries.add(exit.country)
  }

  /** Removes an exit if `tunnel` is still the one registered (a newer tunnel of the same node stays). */
  remove(nodeId: string, tunnel?: T): void {
    const exit = this.#exits.get(nodeId)
    if (exit === undefined || (tunnel !== undefined && exit.tunnel !== tunnel)) return
    this.#exits.delete(nodeId)
  }

  get size(): number {
    return this.#exits.size
  }

  /** The connected exit of a node, if any. */
  get(nodeId: string): PooledExit<T> | undefined {
    return this.#exits.get(nodeId)
  }

  /** Connected exits (for status pages and tests). */
  list(): readonly PooledExit<T>[] {
    return [...this.#exits.values()]
  }

  /** Chooses the exit for one proxied connection. */
  pick(request: ExitRequest): PickExitResult<T> {
    const nowMs = this.#now()
    const key = request.session === undefined ? undefined : `${request.account}\u0000${request.country ?? ''}\u0000${request.session}`
    if (key !== undefined) {
      const sticky = this.#sessions.get(key)
      const exit = sticky === undefined || sticky.expiresAtMs <= nowMs ? undefined : this.#exits.get(sticky.nodeId)
      if (exit !== undefined && request.exclude?.has(exit.nodeId) !== true) return { ok: true, exit }
      if (sticky !== undefined) this.#sessions.delete(key)
    }
    const candidates = [...this.#exits.values()].filter(
      (exit) => (request.country === undefined || exit.country === request.country) && request.exclude?.has(exit.nodeId) !== true,
    )
    if (candidates.length === 0) {
      const known = request.country === undefined || this.#countries.has(request.country)
      return { ok: false, reason: known ? 'no-exit' : 'unknown-country' }
    }
    const exit = candidates[Math.min(candidates.length - 1, Math.floor(this.#random() * candidates.length))]
    if (exit === undefined) return { ok: false, reason: 'no-exit' }
    if (key !== undefined) {
      this.#sessions.set(key, { nodeId: exit.nodeId, expiresAtMs: nowMs + request.sessionMs })
      this.#sweep(nowMs)
    }
    return { ok: true, exit }
  }

  /** Forgets expired sessions now and then, so the map stays bounded by live sessions. */
  #sweep(nowMs: number): void {
    if (this.#sessions.size % 1024 !== 0) return
    for (const [key, sticky] of this.#sessions) if (sticky.expiresAtMs <= nowMs) this.#sessions.delete(key)
  }
}
