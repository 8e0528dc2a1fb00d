import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { afterEach, describe, it } from 'node:test'
import { signStorageChallenge, STORAGE_PROOF_PATH, storageProofDigest } from '@meson/protocol'
import { eventually } from '../testing/cache-server-fixtures.ts'
import { cheatingStorage } from '../testing/cheating-storage.ts'
import { COORDINATOR_ENDPOINTS } from '../link/coordinator-endpoints.ts'
import { startCoordinatorNodeHarness } from '../testing/coordinator-node-fixtures.ts'
import type { CoordinatorNodeHarness } from '../testing/coordinator-node-fixtures.ts'

/** A node in coordinator mode with storage proofs on: it fills once registered and answers challenges at its URL. */
describe('a node with storage proofs', () => {
  let harness: CoordinatorNodeHarness | undefined
  afterEach(async () => {
    await harness?.close()
    harness = undefined
  })

  async function fillAndChallenge(started: CoordinatorNodeHarness): Promise<{ status: number; body: unknown; expected: string }> {
    const { fake, node } = started
    fake.storage.enabled = true
    fake.storage.segmentBytes = 50_000
    assert.ok(node.storage !== undefined)
    const report = await node.storage.filler.tick()
    // 160 000 offered − 8 000 headroom: three segments of 50 000 bytes and one of 2 000.
    assert.deepEqual(report.filled, [0, 1, 2, 3])
    assert.deepEqual([...fake.storage.confirmed.keys()], [0, 1, 2, 3], 'every segment was confirmed to the coordinator')
    const nonce = randomBytes(16).toString('base64url')
    const envelope = signStorageChallenge(fake.key.privateKey, { nodeId: node.nodeId, segment: 1, offset: 1000, length: 2000, nonce, expiresAt: Date.now() + 60_000 })
    const response = await fetch(`${node.url}${STORAGE_PROOF_PATH}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(envelope) })
    return { status: response.status, body: await response.json(), expected: storageProofDigest(nonce, fake.storage.bytesOf(1, 50_000).subarray(1000, 3000)) }
  }

  it('holds what it confirmed and proves it', async () => {
    harness = await startCoordinatorNodeHarness({ cacheSizeBytes: '160000' })
    const answer = await fillAndChallenge(harness)
    assert.equal(answer.status, 200)
    assert.deepEqual(answer.body, { segment: 1, proof: answer.expected })
  })

  it('a cheating node (segments dropped after the confirm) still claims them but cannot prove them', async () => {
    const dropped: number[] = []
    harness = await startCoordinatorNodeHarness({ cacheSizeBytes: '160000' }, { storageCheat: cheatingStorage(dropped) })
    const answer = await fillAndChallenge(harness)
    assert.deepEqual(dropped, [0, 1, 2, 3])
    assert.equal(answer.status, 200, 'it answers, as if it held the bytes')
    assert.notDeepEqual(answer.body, { segment: 1, proof: answer.expected })
  })

  it('asks for fill on its own once registered, signed with its key', async () => {
    harness = await startCoordinatorNodeHarness()
    const started = harness
    await eventually(() => started.fake.storage.fills.length > 0)
    assert.equal(started.fake.storage.fills[0]?.nodeId, started.node.nodeId)
    assert.ok(started.fake.requests.findIndex((request) => request.path === COORDINATOR_ENDPOINTS.storageFill) > started.fake.requests.findIndex((request) => request.path === COORDINATOR_ENDPOINTS.register))
  })

  it('with --storage-proofs off, neither fills nor answers challenges', async () => {
    harness = await startCoordinatorNodeHarness({ storageProofs: 'off' })
    assert.equal(harness.node.storage, undefined)
    assert.deepEqual(harness.fake.requests.filter((request) => request.path.startsWith('/v1/nodes/storage/')), [])
    const response = await fetch(`${harness.node.url}${STORAGE_PROOF_PATH}`, { method: 'POST', body: '{}' })
    assert.equal(response.status, 404)
    await response.body?.cancel()
  })
})
