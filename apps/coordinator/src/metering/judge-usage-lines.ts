import type { UsageLine } from '@meson/protocol'
import type { IssuedTicketState } from './issued-ticket.ts'
import type { UsageRejection } from './usage-rejection.ts'

export interface JudgeUsageLinesParameters {
  /** The node that signed the report. */
  readonly nodeId: string
  /** When the coordinator received the report, ms since the epoch. */
  readonly receivedAt: number
  /** How long after a ticket's expiry its usage is still accepted. */
  readonly graceMs: number
  readonly lines: readonly UsageLine[]
  /** The issued tickets the lines refer to, by nonce, with the bytes accepted so far. */
  readonly tickets: ReadonlyMap<string, IssuedTicketState>
  /**
   * Whether the ticket's zone still exists: by name, and by id when the ticket has one (a
   * zone deleted and created again under its name by anyone is another zone).
   */
  readonly isZoneKnown: (zone: string, zoneId: string | undefined) => boolean
}

/** Bytes accepted against one ticket in this batch. */
export interface AcceptedUsage {
  readonly ticketId: string
  readonly zone: string
  readonly bytes: bigint
  /** Responses the node counted (0 when it sent no count). */
  readonly requests: number
  /** The ticket's client (IP or prefix) bound at redirect time: where the usage went. */
  readonly client: string
  /** The ticket's accepted bytes after this batch (never above its budget). */
  readonly totalAcceptedBytes: bigint
}

export interface UsageVerdict {
  readonly accepted: readonly AcceptedUsage[]
  readonly rejected: readonly UsageRejection[]
}

/**
 * Decides which bytes of a usage report count (DESIGN.md §8): a line counts only for a
 * ticket this coordinator issued to the reporting node, for the zone in the line, if
 * the report arrives before the ticket's expiry + `graceMs`, and only up to the ticket's
 * byte budget. Budgets accumulate across batches (a ticket may appear in several).
 *
 * Over budget, the line is accepted up to the budget and the excess is rejected as
 * `over-budget`: the node did serve those first bytes under a valid ticket (and a node
 * meters the budget itself while serving, so an honest node never exceeds it).
 * A ticket appears at most once per batch (the protocol's schema refuses repeats).
 */
export function judgeUsageLines(parameters: JudgeUsageLinesParameters): UsageVerdict {
  const accepted: AcceptedUsage[] = []
  const rejected: UsageRejection[] = []
  for (const line of parameters.lines) {
    const ticket = parameters.tickets.get(line.ticketId)
    const reject = (reason: UsageRejection['reason'], bytes = line.bytes): void => {
      rejected.push({ ticketId: line.ticketId, reason, bytes })
    }
    // Unknown and other-node look the same from outside only in their reason: a node
    // learns nothing about other nodes' tickets beyond "not yours".
    if (ticket === undefined) reject('unknown-ticket')
    else if (ticket.nodeId !== parameters.nodeId) reject('wrong-node')
    else if (ticket.zone !== line.zone) reject('wrong-zone')
    else if (parameters.receivedAt > ticket.expiresAt + parameters.graceMs) reject('expired')
    else if (!parameters.isZoneKnown(ticket.zone, ticket.zoneId)) reject('zone-unknown')
    else {
      const room = ticket.byteBudget - ticket.acceptedBytes
      const bytes = line.bytes <= room ? line.bytes : room > 0n ? room : 0n
      if (bytes > 0n) accepted.push({ ticketId: line.ticketId, zone: ticket.zone, bytes, requests: line.requests ?? 0, client: ticket.client, totalAcceptedBytes: ticket.acceptedBytes + bytes })
      if (bytes < line.bytes) reject('over-budget', line.bytes - bytes)
    }
  }
  return { accepted, rejected }
}
