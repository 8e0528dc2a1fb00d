import type { Ticket } from '@meson/protocol'
import { issuedTicketOf } from './issued-ticket.ts'
import type { IssuedTicket, IssuedTicketState } from './issued-ticket.ts'

/** Where issued tickets are persisted in batches (the metering store). */
export interface IssuedTicketSink {
  /** Inserts tickets not yet stored; a nonce stored before is left alone (idempotent). */
  saveIssuedTickets(tickets: readonly IssuedTicket[]): Promise<void>
}

/** How long after expiry a ticket stays in memory by default (see {@link IssuedTickets}). */
export const DEFAULT_TICKET_MEMORY_GRACE_MS = 10 * 60_000

export interface IssuedTicketsOptions {
  readonly sink: IssuedTicketSink
  /** Kept in memory this long after `expiresAt` (late usage reports are checked in the DB anyway). */
  readonly memoryGraceMs?: number
}

/**
 * The tickets this coordinator issued. `record` is called by the redirector for every
 * ticket it signs: synchronous and O(1), so a redirect never waits on the database.
 * Records queue up and `flush` writes them in one batch (main.ts flushes about once a
 * second and on stop; the usage endpoint flushes before it checks a report, so a ticket
 * issued a moment ago is already in the DB when its usage is checked there).
 *
 * The database, not this map, is the authority for usage checks (it survives restarts
 * and is shared by replicas); the map is what makes issuing cheap and lets callers see
 * recent tickets. Entries leave memory `memoryGraceMs` after expiry; their rows stay.
 */
export class IssuedTickets {
  readonly #sink: IssuedTicketSink
  readonly #memoryGraceMs: number
  readonly #byNonce = new Map<string, { ticket: IssuedTicket; acceptedBytes: bigint }>()
  #pending: IssuedTicket[] = []
  #flushing: Promise<void> = Promise.resolve()

  constructor(options: IssuedTicketsOptions) {
    this.#sink = options.sink
    this.#memoryGraceMs = options.memoryGraceMs ?? DEFAULT_TICKET_MEMORY_GRACE_MS
  }

  /** Remembers a ticket just issued and queues it for persistence. */
  record(ticket: Ticket): void {
    if (this.#byNonce.has(ticket.nonce)) return
    const issued = issuedTicketOf(ticket)
    this.#byNonce.set(issued.nonce, { ticket: issued, acceptedBytes: 0n })
    this.#pending.push(issued)
  }

  /** The ticket with this nonce, if it is still in memory. */
  lookup(nonce: string): IssuedTicketState | undefined {
    const entry = this.#byNonce.get(nonce)
    return entry === undefined ? undefined : { ...entry.ticket, acceptedBytes: entry.acceptedBytes }
  }

  /** Mirrors bytes the database accepted against a ticket (after the commit). */
  noteAccepted(nonce: string, totalAcceptedBytes: bigint): void {
    const entry = this.#byNonce.get(nonce)
    if (entry !== undefined && totalAcceptedBytes > entry.acceptedBytes) entry.acceptedBytes = totalAcceptedBytes
  }

  /** Tickets recorded but not yet persisted. */
  get pendingCount(): number {
    return this.#pending.length
  }

  /** Tickets in memory. */
  get size(): number {
    return this.#byNonce.size
  }

  /**
   * Persists the queued tickets in one batch. Flushes run one after another; a failed
   * write puts its tickets back in the queue (before newer ones) and rethrows.
   */
  flush(): Promise<void> {
    const next = this.#flushing.then(() => this.#writePending())
    // A failure is reported to this caller only; the chain continues for the next one.
    this.#flushing = next.catch(() => undefined)
    return next
  }

  /** Drops tickets whose expiry + grace lies before `now`; returns how many. */
  prune(now: number): number {
    let removed = 0
    for (const [nonce, entry] of this.#byNonce) {
      if (entry.ticket.expiresAt + this.#memoryGraceMs < now) {
        this.#byNonce.delete(nonce)
        removed += 1
      }
    }
    return removed
  }

  async #writePending(): Promise<void> {
    if (this.#pending.length === 0) return
    const batch = this.#pending
    this.#pending = []
    try {
      await this.#sink.saveIssuedTickets(batch)
    } catch (error) {
      this.#pending = [...batch, ...this.#pending]
      throw error
    }
  }
}
