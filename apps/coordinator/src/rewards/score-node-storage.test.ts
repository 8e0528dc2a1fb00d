import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { AccountId } from '@meson/protocol'
import { explainNodeScore } from './explain-node-score.ts'
import { DEFAULT_SCORE_CONFIG } from './score-config.ts'
import { scoreNode } from './score-node.ts'
import type { NodeEpochInput } from './score-node.ts'

const GB = 10n ** 9n
const base: NodeEpochInput = {
  nodeId: 'n1',
  operatorId: 'op-1' as AccountId,
  publicIp: '203.0.113.1',
  registeredAtMs: 0,
  isOnline: true,
  measuredMbps: 1500,
  speedProbes: 1,
  offeredDiskBytes: 100n * GB,
  verifiedDiskBytes: null,
  previousCredit: 1,
  contentProbesPassed: 1,
  contentProbeFailures: [],
  usageHoldReason: null,
}

describe('the storage factor scores verified disk', () => {
  it('uses the offered disk only while unverified, and the proven fill once storage probes ran', () => {
    assert.equal(scoreNode(base, 1, DEFAULT_SCORE_CONFIG).factors.storage, 1)
    const proven = scoreNode({ ...base, verifiedDiskBytes: 60n * GB }, 1, DEFAULT_SCORE_CONFIG)
    assert.equal(proven.factors.storage, 0.85)
    assert.match(explainNodeScore(proven, DEFAULT_SCORE_CONFIG).storage.howToRaise, /Only disk proven by storage probes counts \(60000000000 of 100000000000/)
    assert.equal(scoreNode({ ...base, verifiedDiskBytes: 200n * GB }, 1, DEFAULT_SCORE_CONFIG).factors.storage, 1, 'never more than offered')
  })

  it('a failed storage probe: verified disk 0, storage factor 0, score 0, and the penalty says why', () => {
    const failed = scoreNode({ ...base, verifiedDiskBytes: 0n, storageProbeFailure: 'storage probe s-2: wrong proof' }, 1, DEFAULT_SCORE_CONFIG)
    assert.equal(failed.factors.storage, 0)
    assert.equal(failed.score, 0)
    assert.deepEqual(failed.penalties, [{ kind: 'storage-probe-failed', reason: 'storage probe s-2: wrong proof' }])
    assert.equal(failed.factors.correctness, 1, 'disk, not delivery: correctness (and held usage) is for content and usage')
  })
})
