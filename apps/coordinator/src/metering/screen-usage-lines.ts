import { openBillableTicket } from '@meson/protocol'
import type { TicketKeyLookup, UsageLine } from '@meson/protocol'
import { PROBE_ZONE } from '../probes/probe-zone.ts'
import { issuedTicketOf } from './issued-ticket.ts'
import type { IssuedTicket } from './issued-ticket.ts'
import type { UsageRejection } from './usage-rejection.ts'

export interface ScreenUsageLinesParameters {
  /** The node that signed the report. */
  readonly nodeId: string
  readonly receivedAt: number
  readonly graceMs: number
  readonly lines: readonly UsageLine[]
  /** The coordinators' ticket key of a key id (never a node's). */
  readonly coordinatorKeyFor: TicketKeyLookup
}

export interface ScreenedUsage {
  /** Lines whose ticket passed every stateless check; judged against the store next. */
  readonly lines: readonly UsageLine[]
  /** Their tickets, to store if new (a ticket that bills). */
  readonly billableTickets: readonly IssuedTicket[]
  /** Lines refused here: counted like every other rejection. */
  readonly rejected: readonly UsageRejection[]
}

/**
 * The stateless half of checking usage (ADR 0016): each line carries its ticket, whose
 * `coord` tag only a coordinator can make, so any replica checks it with no record of
 * the redirect. A ticket a node minted itself (its node tag right, its coord tag a
 * guess), or one whose nonce differs from the line's, is `forged-ticket`; a key
 * generation no longer held is `unknown-ticket`; another node's ticket, or one past
 * expiry + grace, is refused before anything is stored. Lines of the system probe
 * zone are dropped: the coordinator's own probes bill nobody. Pure.
 */
export function screenUsageLines(parameters: ScreenUsageLinesParameters): ScreenedUsage {
  const lines: UsageLine[] = []
  const billableTickets: IssuedTicket[] = []
  const rejected: UsageRejection[] = []
  for (const line of parameters.lines) {
    const reject = (reason: UsageRejection['reason']): void => {
      rejected.push({ ticketId: line.ticketId, reason, bytes: line.bytes })
    }
    const opened = openBillableTicket(line.ticket, parameters.coordinatorKeyFor)
    if (!opened.ok) reject(opened.reason === 'unknown-key' ? 'unknown-ticket' : 'forged-ticket')
    else if (opened.ticket.nonce !== line.ticketId) reject('forged-ticket')
    // A probe's ticket (only a coordinator can tag one): the node fetched for the hunters,
    // not for a buyer, so the line bills nobody, credits nobody, and is no rejection.
    else if (opened.ticket.zone === PROBE_ZONE) continue
    else if (opened.ticket.zone !== line.zone) reject('wrong-zone')
    else if (opened.ticket.nodeId !== parameters.nodeId) reject('wrong-node')
    else if (parameters.receivedAt > opened.ticket.expiresAt + parameters.graceMs) reject('expired')
    else {
      lines.push(line)
      billableTickets.push(issuedTicketOf(opened.ticket))
    }
  }
  return { lines, billableTickets, rejected }
}
