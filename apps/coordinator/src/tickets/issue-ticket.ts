import { encodeTicketClaims } from '@meson/protocol'
import type { Ticket } from '@meson/protocol'
import type { CoordinatorTicketKeys } from './coordinator-ticket-keys.ts'

/** What the redirector decides about a ticket; the version and key id are the issuer's. */
export type TicketClaims = Omit<Ticket, 'v' | 'kid'>

/**
 * Tags a ticket for its node under the active key generation (ADR 0016): two keyed-BLAKE3 tags, no
 * signature, and nothing remembered. Usage on it is checked later from the ticket
 * itself, by any coordinator replica.
 */
export function issueTicket(keys: CoordinatorTicketKeys, claims: TicketClaims): string {
  const tagKeys = keys.tagKeysFor(claims.nodeId, claims.issuedAt)
  return encodeTicketClaims(tagKeys.keys, tagKeys.kid, claims)
}
