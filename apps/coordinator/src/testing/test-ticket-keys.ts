import { randomBytes } from 'node:crypto'
import { decodeBase64Url, TicketKeyRing } from '@meson/protocol'
import type { TicketKeyLookup } from '@meson/protocol'
import { CoordinatorTicketKeys } from '../tickets/coordinator-ticket-keys.ts'
import type { TicketMasterKey } from '../tickets/coordinator-ticket-keys.ts'

/** A fresh random ticket master generation (tests only). */
export function testTicketMaster(kid = 'k1', activeFrom = 0): TicketMasterKey {
  return { kid, secret: randomBytes(32), activeFrom }
}

/** Coordinator ticket keys over one fresh master generation. */
export function testTicketKeys(masters: readonly TicketMasterKey[] = [testTicketMaster()]): CoordinatorTicketKeys {
  return new CoordinatorTicketKeys(masters)
}

/** The lookup a node with `nodeId` verifies with: the keys delivered to it, as a ring. */
export function nodeKeyLookup(keys: CoordinatorTicketKeys, nodeId: string): TicketKeyLookup {
  const ring = new TicketKeyRing(
    keys.nodeKeysFor(nodeId).map((wire) => {
      const key = decodeBase64Url(wire.key)
      if (key === undefined) throw new TypeError('bad node key')
      return { kid: wire.kid, key }
    }),
  )
  return (kid) => ring.get(kid)
}
