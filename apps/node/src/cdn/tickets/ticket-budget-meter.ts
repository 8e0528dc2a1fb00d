import { BaseError } from '@meson/protocol'
import type { Ticket } from '@meson/protocol'

/** The ticket fields the budget needs. */
export type BudgetedTicket = Pick<Ticket, 'nonce' | 'byteBudget' | 'expiresAt'>

/** Default most tickets tracked at once. */
export const DEFAULT_MAX_TRACKED_TICKETS = 100_000

interface TicketSpend {
  servedBytes: bigint
  readonly expiresAt: number
}

/**
 * Counts the bytes served under each ticket against its `byteBudget` (DESIGN.md §5).
 * A budget of 0 allows nothing. Memory is bounded: a ticket is forgotten once expired
 * (it is refused anyway), and when full the oldest-tracked ticket is dropped; the
 * coordinator enforces the budget again when it accepts usage lines (§8), so this
 * meter is a first line, not the only one.
 */
export class TicketBudgetMeter {
  readonly #maxTickets: number
  readonly #spendByNonce = new Map<string, TicketSpend>()
  #nextExpiryMs = Number.POSITIVE_INFINITY

  constructor(options: { readonly maxTickets?: number } = {}) {
    this.#maxTickets = options.maxTickets ?? DEFAULT_MAX_TRACKED_TICKETS
  }

  /** Tickets currently tracked. */
  get size(): number {
    return this.#spendByNonce.size
  }

  /** Adds `bytes` (≥ 0) served under `ticket`. */
  recordServed(ticket: BudgetedTicket, bytes: bigint): void {
    if (bytes < 0n) throw new BaseError('INVALID_BYTE_COUNT', 'Served bytes cannot be negative.')
    const spend = this.#spendByNonce.get(ticket.nonce)
    if (spend !== undefined) {
      spend.servedBytes += bytes
      return
    }
    if (this.#spendByNonce.size >= this.#maxTickets) {
      const oldest = this.#spendByNonce.keys().next()
      if (oldest.done !== true) this.#spendByNonce.delete(oldest.value)
    }
    this.#spendByNonce.set(ticket.nonce, { servedBytes: bytes, expiresAt: ticket.expiresAt })
    this.#nextExpiryMs = Math.min(this.#nextExpiryMs, ticket.expiresAt)
  }

  /** Bytes served so far under `ticket`. */
  servedBytes(ticket: BudgetedTicket): bigint {
    return this.#spendByNonce.get(ticket.nonce)?.servedBytes ?? 0n
  }

  /** Bytes still allowed under `ticket` (0 when exhausted); cap a response body with it. */
  remainingBytes(ticket: BudgetedTicket): bigint {
    const remaining = ticket.byteBudget - this.servedBytes(ticket)
    return remaining > 0n ? remaining : 0n
  }

  /** True once the bytes served reach the ticket's budget. */
  isBudgetExhausted(ticket: BudgetedTicket): boolean {
    return this.servedBytes(ticket) >= ticket.byteBudget
  }

  /** Forgets tickets expired at `nowMs`; O(1) until one has actually expired. */
  forgetExpired(nowMs: number): void {
    if (nowMs < this.#nextExpiryMs) return
    let next = Number.POSITIVE_INFINITY
    for (const [nonce, spend] of this.#spendByNonce) {
      if (spend.expiresAt <= nowMs) this.#spendByNonce.delete(nonce)
      else next = Math.min(next, spend.expiresAt)
    }
    this.#nextExpiryMs = next
  }
}
