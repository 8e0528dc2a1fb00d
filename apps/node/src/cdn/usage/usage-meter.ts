import { BaseError } from '@meson/protocol'
import type { Ticket, UsageLine } from '@meson/protocol'

/**
 * The ticket fields a usage line needs, and the token itself: the coordinator re-checks
 * each line from it (ADR 0016), so it never needs a record of the redirect.
 */
export type MeteredTicket = Pick<Ticket, 'nonce' | 'zone'> & { readonly token: string }

/**
 * Bytes served per ticket since the last batch was sealed, in memory (DESIGN.md §8).
 * One line per ticket: the node sums a ticket's bytes before reporting them, as the
 * usage report requires. Pure: no clock, no I/O.
 */
export class UsageMeter {
  readonly #lines = new Map<string, { readonly zone: string; readonly token: string; bytes: bigint; requests: number }>()

  /** Tickets with unreported bytes. */
  get lineCount(): number {
    return this.#lines.size
  }

  /** Unreported bytes, all tickets together. */
  get unreportedBytes(): bigint {
    let total = 0n
    for (const line of this.#lines.values()) total += line.bytes
    return total
  }

  /**
   * Adds `bytes` served under `ticket` by `requests` responses (one per call by default:
   * each call is one completed transfer); zero bytes are ignored (a line carries at
   * least one byte).
   */
  record(ticket: MeteredTicket, bytes: bigint, requests = 1): void {
    if (bytes < 0n) throw new BaseError('INVALID_BYTE_COUNT', 'Served bytes cannot be negative.')
    if (bytes === 0n) return
    const line = this.#lines.get(ticket.nonce)
    if (line === undefined) this.#lines.set(ticket.nonce, { zone: ticket.zone, token: ticket.token, bytes, requests })
    else {
      line.bytes += bytes
      line.requests += requests
    }
  }

  /** Removes and returns up to `maxLines` lines, oldest tickets first. */
  takeLines(maxLines: number): UsageLine[] {
    const taken: UsageLine[] = []
    for (const [ticketId, line] of this.#lines) {
      if (taken.length >= maxLines) break
      taken.push({ ticketId, zone: line.zone, bytes: line.bytes, ticket: line.token, ...(line.requests > 0 ? { requests: line.requests } : {}) })
      this.#lines.delete(ticketId)
    }
    return taken
  }

  /** Puts lines back (a batch that could not be journaled), adding to what accrued since. */
  restore(lines: readonly UsageLine[]): void {
    for (const line of lines) this.record({ nonce: line.ticketId, zone: line.zone, token: line.ticket }, line.bytes, line.requests ?? 0)
  }
}
