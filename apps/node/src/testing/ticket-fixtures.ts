import type { KeyObject } from 'node:crypto'
import { encodeTicket, generateKeyPair, nodeIdFromPublicKey, ticketSchema } from '@meson/protocol'
import type { Ticket, TicketWire } from '@meson/protocol'

/** Test fixture: a coordinator key pair and a node id that tickets are issued to. */
export const fixtureCoordinator = generateKeyPair()
export const fixtureNodeId = nodeIdFromPublicKey(generateKeyPair().publicKey)
export const FIXTURE_ISSUED_AT_MS = 1_700_000_000_000
export const FIXTURE_TICKET_LIFETIME_MS = 10 * 60_000

/** Test fixture: a ticket for `/img/logo.png` of zone `my-site`, with overrides. */
export function fixtureTicket(overrides: Partial<TicketWire> = {}): Ticket {
  return ticketSchema.parse({
    v: 1,
    zone: 'my-site',
    path: '/img/logo.png',
    prefix: false,
    nodeId: fixtureNodeId,
    client: '203.0.113.0/24',
    issuedAt: FIXTURE_ISSUED_AT_MS,
    expiresAt: FIXTURE_ISSUED_AT_MS + FIXTURE_TICKET_LIFETIME_MS,
    byteBudget: '1000',
    nonce: 'tn_abcdefghijklmnopqrst',
    ...overrides,
  })
}

/** Test fixture: a signed token for {@link fixtureTicket}. */
export function fixtureToken(overrides: Partial<TicketWire> = {}, signer: KeyObject = fixtureCoordinator.privateKey): string {
  return encodeTicket(signer, fixtureTicket(overrides))
}
