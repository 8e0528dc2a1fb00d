import type { Ticket } from '@meson/protocol'

/**
 * What the coordinator remembers of a ticket it issued: enough to check a usage line
 * against it (DESIGN.md §8), plus the bytes already accepted against its budget.
 */
export interface IssuedTicket {
  /** The ticket's nonce: the id usage lines refer to. */
  readonly nonce: string
  readonly nodeId: string
  readonly zone: string
  /** The zone's immutable id when the ticket named one: usage counts only while that zone lives. */
  readonly zoneId?: string
  readonly path: string
  readonly prefix: boolean
  /** The client field (an address, or an IPv4 /24 / IPv6 /48). */
  readonly client: string
  readonly issuedAt: number
  readonly expiresAt: number
  readonly byteBudget: bigint
}

/** An issued ticket with the bytes accepted against it so far. */
export interface IssuedTicketState extends IssuedTicket {
  readonly acceptedBytes: bigint
}

/** The record kept of a ticket (everything but the signature). */
export function issuedTicketOf(ticket: Ticket): IssuedTicket {
  return {
    nonce: ticket.nonce,
    nodeId: ticket.nodeId,
    zone: ticket.zone,
    ...(ticket.zoneId === undefined ? {} : { zoneId: ticket.zoneId }),
    path: ticket.path,
    prefix: ticket.prefix,
    client: ticket.client,
    issuedAt: ticket.issuedAt,
    expiresAt: ticket.expiresAt,
    byteBudget: ticket.byteBudget,
  }
}
