import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { decodeBase64Url, openBillableTicket, TicketMacKey, verifyTicket } from '@meson/protocol'
import { nodeKeyLookup, testTicketMaster } from '../testing/test-ticket-keys.ts'
import { CoordinatorTicketKeys } from './coordinator-ticket-keys.ts'
import { issueTicket } from './issue-ticket.ts'
import type { TicketClaims } from './issue-ticket.ts'

const NODE = 'nd_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'
const T0 = 1_700_000_000_000
const claims = (issuedAt: number, nonce: string): TicketClaims => ({
  zone: 'site', path: '/a.png', prefix: false, nodeId: NODE as TicketClaims['nodeId'], client: '127.0.0.1',
  issuedAt, expiresAt: issuedAt + 300_000, byteBudget: 1000n, nonce,
})

describe('CoordinatorTicketKeys', () => {
  it('issues with the newest active generation and switches at its activeFrom', () => {
    const keys = new CoordinatorTicketKeys([testTicketMaster('k1', 0), testTicketMaster('k2', T0 + 60_000)])
    assert.equal(keys.activeKid(T0), 'k1')
    assert.equal(keys.activeKid(T0 + 60_000), 'k2')
  })

  it('rotates with no request refused in the overlap: old tickets verify on the node and bill, new ones too', () => {
    const keys = new CoordinatorTicketKeys([testTicketMaster('k1', 0), testTicketMaster('k2', T0 + 60_000)])
    // The node was delivered both generations at registration, before k2 became active.
    const node = nodeKeyLookup(keys, NODE)
    const before = issueTicket(keys, claims(T0, 'tn_beforebeforebefore1'))
    const after = issueTicket(keys, claims(T0 + 60_000, 'tn_afterafterafterafte'))
    for (const [token, now] of [[before, T0 + 61_000], [after, T0 + 61_000]] as const) {
      const checked = verifyTicket(token, node, { now, nodeId: NODE, zone: 'site', path: '/a.png', clientIp: '127.0.0.1' })
      assert.ok(checked.ok, checked.ok ? '' : checked.reason)
      assert.equal(openBillableTicket(token, (kid) => keys.coordinatorKeyFor(kid)).ok, true)
    }
    assert.match(Buffer.from(before.split('.')[0] ?? '', 'base64url').toString(), /"kid":"k1"/)
    assert.match(Buffer.from(after.split('.')[0] ?? '', 'base64url').toString(), /"kid":"k2"/)
  })

  it('delivers different keys to different nodes, none of them the coordinator key', () => {
    const keys = new CoordinatorTicketKeys([testTicketMaster()])
    const [a] = keys.nodeKeysFor(NODE)
    const [b] = keys.nodeKeysFor('nd_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb')
    assert.ok(a && b)
    assert.notEqual(a.key, b.key)
    const coordinatorKey = keys.coordinatorKeyFor('k1')
    assert.ok(coordinatorKey)
    assert.equal(coordinatorKey.equals(new TicketMacKey(decodeBase64Url(a.key) ?? new Uint8Array(32))), false)
    assert.equal(coordinatorKey.equals(coordinatorKey), true)
  })

  it('refuses an empty or ambiguous set of generations', () => {
    assert.throws(() => new CoordinatorTicketKeys([]), RangeError)
    assert.throws(() => new CoordinatorTicketKeys([testTicketMaster('k1'), testTicketMaster('k1')]), RangeError)
  })
})
