import { randomBytes } from 'node:crypto'
import { deriveCoordinatorTicketKey, deriveNodeTicketKey, encodeTicket, generateKeyPair, nodeIdFromPublicKey, ticketSchema, TicketMacKey } from '@meson/protocol'
import type { Ticket, TicketTagKeys, TicketWire } from '@meson/protocol'

/** Test fixture: a ticket master secret (ADR 0016) and a node id that tickets are issued to. */
export const fixtureTicketMaster = randomBytes(32)
export const fixtureNodeId = nodeIdFromPublicKey(generateKeyPair().publicKey)
export const FIXTURE_ISSUED_AT_MS = 1_700_000_000_000
export const FIXTURE_TICKET_LIFETIME_MS = 10 * 60_000

/** The node key of `nodeId` for generation `kid` under `master` (what a node is delivered). */
export function fixtureNodeKey(nodeId: string = fixtureNodeId, kid = 'k1', master: Uint8Array = fixtureTicketMaster): Uint8Array {
  return deriveNodeTicketKey(master, kid, nodeId)
}

/** The keys a coordinator tags a ticket for `nodeId` with. */
export function fixtureTagKeys(nodeId: string = fixtureNodeId, kid = 'k1', master: Uint8Array = fixtureTicketMaster): TicketTagKeys {
  return { nodeKey: new TicketMacKey(fixtureNodeKey(nodeId, kid, master)), coordinatorKey: new TicketMacKey(deriveCoordinatorTicketKey(master, kid)) }
}

/** Test fixture: a ticket for `/img/logo.png` of zone `my-site`, with overrides. */
export function fixtureTicket(overrides: Partial<TicketWire> = {}): Ticket {
  return ticketSchema.parse({
    v: 3,
    kid: 'k1',
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

/** Test fixture: a tagged token for {@link fixtureTicket}. */
export function fixtureToken(overrides: Partial<TicketWire> = {}, keys: TicketTagKeys = fixtureTagKeys()): string {
  return encodeTicket(keys, fixtureTicket(overrides))
}
