import { DEFAULT_TICKET_CLOCK_SKEW_MS, isClientCovered, isPathCovered, verifyTicket } from '@meson/protocol'
import type { Ticket, TicketRejection } from '@meson/protocol'
import type { NodeTicketKeyHolder } from './node-ticket-key-holder.ts'
import { VerifiedTicketCache } from './verified-ticket-cache.ts'
import type { VerifiedTicketEntry } from './verified-ticket-cache.ts'

/** The request a ticket must cover (the node id is the verifier's own). */
export interface TicketCheckRequest {
  /** Current time, ms since the epoch. */
  readonly nowMs: number
  readonly zone: string
  /** Request path as on the request line, without the query. */
  readonly path: string
  readonly clientIp: string
}

/** Why a ticket was refused: protocol's reasons, or no ticket keys delivered yet. */
export type TicketCheckRejection = TicketRejection | 'no-coordinator-key'

export type TicketCheckResult =
  | { readonly ok: true; readonly ticket: Ticket; readonly cached: boolean }
  | { readonly ok: false; readonly reason: TicketCheckRejection }

export interface TicketVerifierOptions {
  /** This node's ticket keys (delivered at registration). */
  readonly keyHolder: NodeTicketKeyHolder
  readonly nodeId: string
  /** Most verified tokens kept in memory. */
  readonly cacheSize?: number
  readonly clockSkewMs?: number
}

/**
 * Checks `?mt=` tickets (DESIGN.md §5, ADR 0016) with protocol's `verifyTicket` and this
 * node's own ticket keys, caching tokens whose tag verified so that a hot object pays
 * the JSON parse and MAC once. Only the tag is cached: every hit re-checks expiry, node, zone, path and client against
 * the request, because one token is reused for many requests (and by whoever copied
 * it). Tokens verified under keys that have since been replaced are verified again.
 */
export class TicketVerifier {
  readonly #keyHolder: NodeTicketKeyHolder
  readonly #nodeId: string
  readonly #clockSkewMs: number
  readonly #cache: VerifiedTicketCache

  constructor(options: TicketVerifierOptions) {
    this.#keyHolder = options.keyHolder
    this.#nodeId = options.nodeId
    this.#clockSkewMs = options.clockSkewMs ?? DEFAULT_TICKET_CLOCK_SKEW_MS
    this.#cache = new VerifiedTicketCache(options.cacheSize)
  }

  /** Tokens currently cached. */
  get cacheSize(): number {
    return this.#cache.size
  }

  /** Checks `token` for `request`. Never throws. */
  verify(token: string, request: TicketCheckRequest): TicketCheckResult {
    const current = this.#keyHolder.current
    if (current === undefined) return { ok: false, reason: 'no-coordinator-key' }
    const entry = this.#cache.get(token)
    if (entry?.keyGeneration === current.generation) {
      const rejection = this.#rejectionFor(entry, request)
      if (rejection === 'expired') this.#cache.delete(token)
      return rejection === undefined ? { ok: true, ticket: entry.ticket, cached: true } : { ok: false, reason: rejection }
    }
    const ring = current.ring
    const result = verifyTicket(token, (kid) => ring.get(kid), {
      now: request.nowMs,
      nodeId: this.#nodeId,
      zone: request.zone,
      path: request.path,
      clientIp: request.clientIp,
      clockSkewMs: this.#clockSkewMs,
    })
    if (!result.ok) {
      if (entry !== undefined) this.#cache.delete(token)
      return result
    }
    // Failures are not cached: forged tokens would evict good ones (and are cheap to make).
    this.#cache.set(token, { ticket: result.ticket, keyGeneration: current.generation })
    return { ok: true, ticket: result.ticket, cached: false }
  }

  /**
   * The checks of `verifyTicket` after the signature, in the same order. The client check
   * (an address range, built into a BlockList by protocol's `isClientCovered`) is
   * remembered for the entry's last covered address, and the path check (which splits
   * the path to refuse dot segments) for its last covered path: a hot token is reused by
   * one client for one object. Both are pure functions of the ticket and that string.
   */
  #rejectionFor(entry: VerifiedTicketEntry, request: TicketCheckRequest): TicketRejection | undefined {
    const { ticket } = entry
    if (request.nowMs >= ticket.expiresAt) return 'expired'
    if (request.nowMs + this.#clockSkewMs < ticket.issuedAt) return 'not-yet-valid'
    if (ticket.nodeId !== this.#nodeId) return 'wrong-node'
    if (ticket.zone !== request.zone) return 'wrong-zone'
    if (entry.coveredPath !== request.path) {
      if (!isPathCovered(ticket, request.path)) return 'wrong-path'
      entry.coveredPath = request.path
    }
    if (entry.coveredClientIp !== request.clientIp) {
      if (!isClientCovered(ticket.client, request.clientIp)) return 'wrong-client'
      entry.coveredClientIp = request.clientIp
    }
    return undefined
  }
}
