import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { boundUsageByObjectSize, plausibleSizeFor } from './bound-usage-by-object-size.ts'
import type { ObjectSizeEvidence, UsagePlausibilitySettings } from './bound-usage-by-object-size.ts'
import type { IssuedTicketState } from './issued-ticket.ts'
import type { AcceptedUsage } from './judge-usage-lines.ts'

const SETTINGS: UsagePlausibilitySettings = { tolerancePercent: 10, overheadBytes: 100n, minFleetNodes: 3, responsesPerTicket: 1 }
const TICKET: IssuedTicketState = { nonce: 't1', nodeId: 'judged', zone: 'site', path: '/logo.png', prefix: false, client: '127.0.0.1', issuedAt: 0, expiresAt: 60_000, byteBudget: 2n ** 30n, acceptedBytes: 0n }

function usage(bytes: bigint, requests = 1, ticketId = 't1'): AcceptedUsage {
  return { ticketId, zone: 'site', bytes, requests, client: '127.0.0.1', totalAcceptedBytes: bytes }
}

function bound(lines: readonly AcceptedUsage[], evidence: ObjectSizeEvidence | undefined, ticket: Partial<IssuedTicketState> = {}, settings = SETTINGS) {
  return boundUsageByObjectSize({
    nodeId: 'judged',
    accepted: lines,
    tickets: new Map([['t1', { ...TICKET, ...ticket }]]),
    objects: evidence === undefined ? new Map() : new Map([['site/logo.png', evidence]]),
    settings,
  })
}

describe('plausibleSizeFor', () => {
  it("takes the origin's size first, with 10 % (rounded up) + the overhead per response", () => {
    assert.deepEqual(plausibleSizeFor({ originSizeBytes: 119n, nodes: [{ nodeId: 'a', bytes: 10n ** 9n, requests: 1 }] }, 'judged', SETTINGS), { sizeBytes: 119n, source: 'origin', perResponseBytes: 119n + 12n + 100n })
  })

  it("takes the median of the other nodes' bytes per response, one vote each, never the judged node's own", () => {
    const nodes = [
      { nodeId: 'a', bytes: 1_000n, requests: 10 },
      { nodeId: 'b', bytes: 300n, requests: 3 },
      { nodeId: 'c', bytes: 10n ** 12n, requests: 1 },
      { nodeId: 'judged', bytes: 1n, requests: 1 },
    ]
    assert.equal(plausibleSizeFor({ nodes }, 'judged', SETTINGS)?.sizeBytes, 100n)
    assert.equal(plausibleSizeFor({ nodes }, 'judged', SETTINGS)?.source, 'fleet')
    // Four others: the two middle ones' mean.
    assert.equal(plausibleSizeFor({ nodes: [...nodes, { nodeId: 'd', bytes: 200n, requests: 1 }] }, 'judged', SETTINGS)?.sizeBytes, 150n)
  })

  it('knows nothing with fewer other nodes than the minimum, or no evidence', () => {
    assert.equal(plausibleSizeFor({ nodes: [{ nodeId: 'a', bytes: 1n, requests: 1 }, { nodeId: 'judged', bytes: 1n, requests: 1 }] }, 'judged', { ...SETTINGS, minFleetNodes: 2 }), undefined)
    assert.equal(plausibleSizeFor(undefined, 'judged', SETTINGS), undefined)
  })
})

describe('boundUsageByObjectSize', () => {
  it('bills a 119-byte object reported as 1 GiB at most its size + tolerance, rejects the rest as implausible-bytes, and flags the node', () => {
    const verdict = bound([usage(2n ** 30n)], { originSizeBytes: 119n, nodes: [] })
    assert.deepEqual(verdict.accepted, [usage(231n)])
    assert.deepEqual(verdict.rejected, [{ ticketId: 't1', reason: 'implausible-bytes', bytes: 2n ** 30n - 231n }])
    assert.match(verdict.implausible?.reason ?? '', /reported 1073741824 bytes for 1 response\(s\) of site\/logo\.png, whose size at the origin is 119 bytes/)
    assert.deepEqual(verdict.objectUsage, [{ zone: 'site', path: '/logo.png', bytes: 231n, requests: 1 }])
  })

  it('passes honest usage unchanged: whole responses, ranges, several responses on a line within the ticket', () => {
    const verdict = bound([usage(119n)], { originSizeBytes: 119n, nodes: [] })
    assert.deepEqual(verdict, { accepted: [usage(119n)], rejected: [], objectUsage: [{ zone: 'site', path: '/logo.png', bytes: 119n, requests: 1 }], implausible: undefined })
    assert.deepEqual(bound([usage(400n, 4)], { originSizeBytes: 119n, nodes: [] }, {}, { ...SETTINGS, responsesPerTicket: 4 }).rejected, [])
  })

  it('refuses a replayed line: the ticket already billed its responses, so the repeat bills nothing, is counted, and does not flag', () => {
    const verdict = bound([usage(119n)], { originSizeBytes: 119n, nodes: [] }, { acceptedBytes: 119n })
    assert.deepEqual(verdict.accepted, [])
    assert.deepEqual(verdict.rejected, [{ ticketId: 't1', reason: 'replayed', bytes: 119n }])
    assert.equal(verdict.implausible, undefined)
    // A range request billed first leaves room for the rest of the object (up to size + tolerance).
    const rest = bound([usage(119n)], { originSizeBytes: 119n, nodes: [] }, { acceptedBytes: 100n })
    assert.deepEqual(rest.accepted, [{ ...usage(119n), totalAcceptedBytes: 219n }])
    const over = bound([usage(200n)], { originSizeBytes: 119n, nodes: [] }, { acceptedBytes: 100n })
    assert.deepEqual(over.rejected, [{ ticketId: 't1', reason: 'replayed', bytes: 69n }])
  })

  it('counts a line without a request count as one response', () => {
    assert.deepEqual(bound([usage(300n, 0)], { originSizeBytes: 119n, nodes: [] }).rejected.map((rejection) => rejection.reason), ['implausible-bytes'])
  })

  it('leaves unknown objects and prefix tickets to their ticket budget', () => {
    assert.deepEqual(bound([usage(2n ** 30n)], undefined).accepted, [usage(2n ** 30n)])
    const prefix = bound([usage(2n ** 30n)], { originSizeBytes: 1n, nodes: [] }, { prefix: true })
    assert.deepEqual(prefix, { accepted: [usage(2n ** 30n)], rejected: [], objectUsage: [], implausible: undefined })
  })

  it("flags a node whose bytes per response are out of line with the fleet's median for the object", () => {
    const nodes = ['a', 'b', 'c'].map((nodeId) => ({ nodeId, bytes: 1_000n, requests: 10 }))
    const verdict = bound([usage(5_000n, 2)], { nodes }, {}, { ...SETTINGS, responsesPerTicket: 2 })
    assert.deepEqual(verdict.accepted, [usage(2n * 210n, 2)])
    assert.match(verdict.implausible?.reason ?? '', /fleet's median size is 100 bytes/)
  })
})
