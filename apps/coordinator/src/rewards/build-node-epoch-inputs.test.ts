import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { AccountId } from '@meson/protocol'
import { buildNodeEpochInputs } from './build-node-epoch-inputs.ts'
import type { ProbeEvidence } from './probe-result.ts'

const epoch = { id: '0', startMs: 0, endMs: 3_600_000 }
const node = { id: 'n1', operatorId: 'op-1' as AccountId, publicIp: '203.0.113.1', diskQuotaBytes: 10n ** 11n, registeredAt: new Date(0), lastHeartbeatAt: new Date(5) }

function inputFor(probes: readonly ProbeEvidence[]): ReturnType<typeof buildNodeEpochInputs>[number] {
  const [input] = buildNodeEpochInputs([node], { probes, previous: new Map(), usageEarnings: new Map() }, epoch)
  assert.ok(input, 'the node registered before the epoch ended has an input')
  return input
}

describe('node epoch inputs from IPFS content probes', () => {
  it('counts a passed IPFS content probe as a passed content probe', () => {
    const input = inputFor([{ id: 'ipfs-1', nodeId: 'n1', kind: 'ipfs-content', outcome: 'pass', reason: "the block's bytes match its CID", mbps: null }])
    assert.equal(input.contentProbesPassed, 1)
    assert.deepEqual(input.contentProbeFailures, [])
  })

  it('lists a failed IPFS content probe as a correctness failure, with its kind and reason', () => {
    const input = inputFor([{ id: 'ipfs-2', nodeId: 'n1', kind: 'ipfs-content', outcome: 'fail', reason: "the SHA-256 of the body differs from the origin's (wrong bytes)", mbps: null }])
    assert.deepEqual(input.contentProbeFailures, ["ipfs-content probe ipfs-2: the SHA-256 of the body differs from the origin's (wrong bytes)"])
  })
})

describe('node epoch inputs from storage probes (verified disk)', () => {
  const storage = (id: string, outcome: 'pass' | 'fail', heldBytes: number): ProbeEvidence => ({ id, nodeId: 'n1', kind: 'storage', outcome, reason: outcome === 'pass' ? 'matched' : 'wrong proof', mbps: null, heldBytes })

  it('is unverified (null) when no storage probe ran: storage proofs are off', () => {
    const input = inputFor([{ id: 'speed-1', nodeId: 'n1', kind: 'speed', outcome: 'pass', reason: 'measured', mbps: 100 }])
    assert.equal(input.verifiedDiskBytes, null)
    assert.equal(input.storageProbeFailure, null)
  })

  it('takes the fill the last passed storage probe of the epoch proved', () => {
    assert.equal(inputFor([storage('s-1', 'pass', 1000), storage('s-2', 'pass', 5000)]).verifiedDiskBytes, 5000n)
    assert.equal(inputFor([storage('s-1', 'pass', 0)]).verifiedDiskBytes, 0n, 'holding no fill verifies nothing')
  })

  it('is 0 for the epoch after any failed storage probe, with its reason', () => {
    const input = inputFor([storage('s-1', 'pass', 5000), storage('s-2', 'fail', 5000), storage('s-3', 'pass', 5000)])
    assert.equal(input.verifiedDiskBytes, 0n)
    assert.equal(input.storageProbeFailure, 'storage probe s-2: wrong proof')
  })
})

describe('node epoch inputs from tunnel probes (a proxy exit\'s reachability)', () => {
  it('counts a failed tunnel probe as failed reachability: more failures than passes is offline', () => {
    const reach = (id: string, outcome: 'pass' | 'fail'): ProbeEvidence => ({ id, nodeId: 'n1', kind: 'reachability', outcome, reason: outcome, mbps: null })
    const tunnel = (id: string, outcome: 'pass' | 'fail'): ProbeEvidence => ({ id, nodeId: 'n1', kind: 'tunnel', outcome, reason: outcome, mbps: null })
    assert.equal(inputFor([reach('r1', 'pass'), tunnel('t1', 'fail')]).isOnline, true, 'one each: still online')
    assert.equal(inputFor([reach('r1', 'pass'), tunnel('t1', 'fail'), tunnel('t2', 'fail')]).isOnline, false)
    assert.equal(inputFor([reach('r1', 'fail'), tunnel('t1', 'pass'), tunnel('t2', 'pass')]).isOnline, true)
  })
})
