import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { generateKeyPair, newTicketNonce, nodeIdFromPublicKey, verifyTicket } from '@meson/protocol'
import { screenUsageLines } from '../metering/screen-usage-lines.ts'
import { issueTicket } from '../tickets/issue-ticket.ts'
import { nodeKeyLookup, testTicketKeys } from '../testing/test-ticket-keys.ts'
import { zoneNameSchema } from '../zones/zone-name.ts'
import { seededRandom } from '../testing/cheating-node.ts'
import { planProbeRound } from './plan-probes.ts'
import type { PlannedProbe } from './plan-probes.ts'
import { PROBE_ZONE, probeRequestUrl, probeTicketClaims } from './probe-zone.ts'
import type { OriginProbe } from './probe-zone.ts'

const keys = testTicketKeys()
const nodeId = nodeIdFromPublicKey(generateKeyPair().publicKey)
const round = planProbeRound(nodeId, { intervalMs: 1000, contentMaxBytes: 4096, speedBytes: 8192 }, seededRandom(7))
const content = fetchedProbe(round[0])
const speed = fetchedProbe(round[1])

function fetchedProbe(probe: PlannedProbe | undefined): OriginProbe {
  if (probe === undefined || probe.kind === 'reachability' || probe.kind === 'ipfs-content') throw new TypeError('a round starts with a content and a speed probe')
  return probe
}

function probeTicket(nowMs = 1_000_000): { token: string; nonce: string } {
  const nonce = newTicketNonce()
  const claims = probeTicketClaims(content, { nodeId, coordinatorUrl: 'http://127.0.0.1:7400/', clientIp: '127.0.0.1', nowMs, ttlMs: 60_000, nonce })
  assert.ok(claims)
  return { token: issueTicket(keys, claims), nonce }
}

describe('the system probe zone', () => {
  it('is a name no buyer can create', () => {
    assert.equal(zoneNameSchema.safeParse(PROBE_ZONE).success, false)
  })

  it('mints a ticket the probed node accepts for exactly the probe object, from the coordinator\'s probe origin, with a budget of its size', () => {
    const { token } = probeTicket()
    const path = `/${content.token}/${String(content.sizeBytes)}`
    const checked = verifyTicket(token, nodeKeyLookup(keys, nodeId), { nodeId, zone: PROBE_ZONE, path, clientIp: '127.0.0.1', now: 1_000_001 })
    assert.equal(checked.ok ? 'ok' : checked.reason, 'ok')
    assert.ok(checked.ok)
    assert.equal(checked.ticket.origin, 'http://127.0.0.1:7400/v1/probe-origin')
    assert.equal(checked.ticket.byteBudget, BigInt(content.sizeBytes))
    const otherPath = verifyTicket(token, nodeKeyLookup(keys, nodeId), { nodeId, zone: PROBE_ZONE, path: `${path}0`, clientIp: '127.0.0.1', now: 1_000_001 })
    assert.equal(otherPath.ok, false)
  })

  it('refuses to mint for a client that is not an address', () => {
    assert.equal(probeTicketClaims(speed, { nodeId, coordinatorUrl: 'http://c', clientIp: 'coordinator', nowMs: 0, ttlMs: 1, nonce: newTicketNonce() }), undefined)
  })

  it('puts the ticket in the node URL of the probe zone', () => {
    assert.equal(probeRequestUrl('http://127.0.0.1:9/', speed, 'a.b.c'), `http://127.0.0.1:9/z/${PROBE_ZONE}/${speed.token}/8192?mt=a.b.c`)
  })

  it('bills nobody: usage lines on probe tickets are dropped, neither accepted nor counted as rejections', () => {
    const { token, nonce } = probeTicket()
    const screened = screenUsageLines({
      nodeId,
      receivedAt: 1_000_100,
      graceMs: 60_000,
      lines: [{ ticketId: nonce, zone: PROBE_ZONE, bytes: 4096n, ticket: token }],
      coordinatorKeyFor: (kid) => keys.coordinatorKeyFor(kid),
    })
    assert.deepEqual(screened, { lines: [], billableTickets: [], rejected: [] })
  })

  it('still refuses a probe-zone line whose ticket a node minted (no coordinator tag)', () => {
    const { token, nonce } = probeTicket()
    const [payload, nodeTag] = token.split('.')
    const screened = screenUsageLines({
      nodeId,
      receivedAt: 1_000_100,
      graceMs: 60_000,
      lines: [{ ticketId: nonce, zone: PROBE_ZONE, bytes: 4096n, ticket: `${payload ?? ''}.${nodeTag ?? ''}.AAAAAAAAAAAAAAAAAAAAAA` }],
      coordinatorKeyFor: (kid) => keys.coordinatorKeyFor(kid),
    })
    assert.deepEqual(screened.rejected.map((line) => line.reason), ['forged-ticket'])
  })
})
