import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { describe, it } from 'node:test'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { sha256 } from 'multiformats/hashes/sha2'
import { generateKeyPair, newTicketNonce, nodeIdFromPublicKey, verifyTicket } from '@meson/protocol'
import { screenUsageLines } from '../metering/screen-usage-lines.ts'
import { issueTicket } from '../tickets/issue-ticket.ts'
import { nodeKeyLookup, testTicketKeys } from '../testing/test-ticket-keys.ts'
import { probeIpfsUpstream, rawBlockCid } from './probe-ipfs-block.ts'
import { probeOriginBody } from './probe-origin-body.ts'
import { DEFAULT_PROBE_SETTINGS, planProbeRound } from './plan-probes.ts'
import { seededRandom } from '../testing/cheating-node.ts'
import { PROBE_ZONE, probeIpfsRequestUrl, probeIpfsTicketClaims } from './probe-zone.ts'

const keys = testTicketKeys()
const nodeId = nodeIdFromPublicKey(generateKeyPair().publicKey)
const hex = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex')

describe('the IPFS content probe', () => {
  it('names its block by the CIDv1 (raw, SHA2-256) multiformats computes for the same bytes', async () => {
    const block = probeOriginBody('T'.repeat(32), 5000)
    const expected = CID.createV1(raw.code, await sha256.digest(block)).toString()
    assert.equal(rawBlockCid(hex(block)), expected)
    assert.match(expected, /^bafkrei/)
    assert.notEqual(rawBlockCid(hex(probeOriginBody('U'.repeat(32), 5000))), expected)
    assert.throws(() => rawBlockCid('not-hex'), RangeError)
  })

  it('is planned in every round when enabled, with a fresh token and a size within the maximum, and not otherwise', () => {
    const random = seededRandom(11)
    const tokens = new Set<string>()
    for (let round = 0; round < 50; round += 1) {
      const ipfs = planProbeRound('n1', { ...DEFAULT_PROBE_SETTINGS, ipfsContentMaxBytes: 4096 }, random).filter((probe) => probe.kind === 'ipfs-content')
      assert.equal(ipfs.length, 1)
      const [probe] = ipfs
      assert.ok(probe !== undefined && probe.sizeBytes >= 1 && probe.sizeBytes <= 4096)
      assert.equal(tokens.has(probe.token), false)
      tokens.add(probe.token)
    }
    const { ipfsContentMaxBytes: _ignored, ...withoutIpfs } = DEFAULT_PROBE_SETTINGS
    assert.deepEqual(planProbeRound('n1', withoutIpfs, random).map((probe) => probe.kind), ['content', 'speed', 'reachability'])
  })

  it('mints a ticket the probed node accepts for exactly /ipfs/<cid>, naming the one-block upstream and no origin, budget the block', () => {
    const probe = { kind: 'ipfs-content', id: 'ipfs-x', nodeId, token: 'V'.repeat(32), sizeBytes: 777 } as const
    const cid = rawBlockCid(hex(probeOriginBody(probe.token, probe.sizeBytes)))
    const nonce = newTicketNonce()
    const claims = probeIpfsTicketClaims(probe, cid, { nodeId, coordinatorUrl: 'http://127.0.0.1:7400/', clientIp: '127.0.0.1', nowMs: 1_000_000, ttlMs: 60_000, nonce })
    assert.ok(claims)
    const token = issueTicket(keys, claims)
    const checked = verifyTicket(token, nodeKeyLookup(keys, nodeId), { nodeId, zone: PROBE_ZONE, path: `/ipfs/${cid}`, clientIp: '127.0.0.1', now: 1_000_001 })
    assert.ok(checked.ok, checked.ok ? '' : checked.reason)
    assert.deepEqual(checked.ticket.upstreams, [`http://127.0.0.1:7400/v1/probe-ipfs/${probe.token}/777`])
    assert.equal(checked.ticket.upstreams[0], probeIpfsUpstream('http://127.0.0.1:7400', probe.token, 777))
    assert.equal(checked.ticket.origin, undefined)
    assert.equal(checked.ticket.byteBudget, 777n)
    const otherCid = verifyTicket(token, nodeKeyLookup(keys, nodeId), { nodeId, zone: PROBE_ZONE, path: `/ipfs/${rawBlockCid(hex(new Uint8Array(1)))}`, clientIp: '127.0.0.1', now: 1_000_001 })
    assert.equal(otherCid.ok, false)
    assert.equal(probeIpfsRequestUrl('http://127.0.0.1:9/', cid, 'a.b.c'), `http://127.0.0.1:9/z/${PROBE_ZONE}/ipfs/${cid}?mt=a.b.c`)
    // Its usage bills nobody, like every probe-zone line.
    const screened = screenUsageLines({ nodeId, receivedAt: 1_000_100, graceMs: 60_000, lines: [{ ticketId: nonce, zone: PROBE_ZONE, bytes: 777n, ticket: token }], coordinatorKeyFor: (kid) => keys.coordinatorKeyFor(kid) })
    assert.deepEqual(screened, { lines: [], billableTickets: [], rejected: [] })
  })
})
