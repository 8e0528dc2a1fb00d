import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { IssuedTicketState } from './issued-ticket.ts'
import { judgeUsageLines } from './judge-usage-lines.ts'

const NODE = 'node-a'
const ticket: IssuedTicketState = {
  nonce: 'tn_aaaaaaaaaaaaaaaaaaaa',
  nodeId: NODE,
  zone: 'site',
  path: '/a.bin',
  prefix: false,
  client: '127.0.0.1',
  issuedAt: 1_000,
  expiresAt: 61_000,
  byteBudget: 1_000n,
  acceptedBytes: 0n,
}

function judge(bare: { ticketId: string; zone: string; bytes: bigint }[], overrides: Partial<IssuedTicketState> = {}, receivedAt = 2_000) {
  return judgeUsageLines({
    nodeId: NODE,
    receivedAt,
    graceMs: 10_000,
    lines: bare.map((line) => ({ ...line, ticket: 't' })),
    tickets: new Map([[ticket.nonce, { ...ticket, ...overrides }]]),
    isZoneKnown: (zone) => zone === 'site',
  })
}

describe('judgeUsageLines', () => {
  it('accepts bytes of a ticket issued to the reporting node, for its zone, in time', () => {
    const verdict = judge([{ ticketId: ticket.nonce, zone: 'site', bytes: 400n }])
    assert.deepEqual(verdict.accepted, [{ ticketId: ticket.nonce, zone: 'site', bytes: 400n, requests: 0, client: '127.0.0.1', totalAcceptedBytes: 400n }])
    assert.deepEqual(verdict.rejected, [])
  })

  it('rejects a ticket it never issued', () => {
    const verdict = judge([{ ticketId: 'tn_bbbbbbbbbbbbbbbbbbbb', zone: 'site', bytes: 1n }])
    assert.deepEqual(verdict.rejected, [{ ticketId: 'tn_bbbbbbbbbbbbbbbbbbbb', reason: 'unknown-ticket', bytes: 1n }])
  })

  it('rejects a ticket issued to another node', () => {
    assert.equal(judge([{ ticketId: ticket.nonce, zone: 'site', bytes: 1n }], { nodeId: 'node-b' }).rejected[0]?.reason, 'wrong-node')
  })

  it('rejects a line naming another zone than its ticket', () => {
    assert.equal(judge([{ ticketId: ticket.nonce, zone: 'other', bytes: 1n }]).rejected[0]?.reason, 'wrong-zone')
  })

  it('accepts a report up to expiry + grace and rejects it after', () => {
    assert.equal(judge([{ ticketId: ticket.nonce, zone: 'site', bytes: 1n }], {}, 71_000).accepted.length, 1)
    assert.equal(judge([{ ticketId: ticket.nonce, zone: 'site', bytes: 1n }], {}, 71_001).rejected[0]?.reason, 'expired')
  })

  it('accepts up to the byte budget and rejects the excess, counting earlier batches', () => {
    const verdict = judge([{ ticketId: ticket.nonce, zone: 'site', bytes: 500n }], { acceptedBytes: 700n })
    assert.deepEqual(verdict.accepted, [{ ticketId: ticket.nonce, zone: 'site', bytes: 300n, requests: 0, client: '127.0.0.1', totalAcceptedBytes: 1_000n }])
    assert.deepEqual(verdict.rejected, [{ ticketId: ticket.nonce, reason: 'over-budget', bytes: 200n }])
  })

  it('rejects the whole line once the budget is used up', () => {
    const verdict = judge([{ ticketId: ticket.nonce, zone: 'site', bytes: 5n }], { acceptedBytes: 1_000n })
    assert.deepEqual(verdict.accepted, [])
    assert.deepEqual(verdict.rejected, [{ ticketId: ticket.nonce, reason: 'over-budget', bytes: 5n }])
  })

  it('rejects usage of a zone that no longer exists', () => {
    assert.equal(judge([{ ticketId: ticket.nonce, zone: 'gone', bytes: 1n }], { zone: 'gone' }).rejected[0]?.reason, 'zone-unknown')
  })
})
