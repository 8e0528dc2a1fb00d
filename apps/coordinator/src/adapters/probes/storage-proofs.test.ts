/**
 * Proof of storage, the coordinator's side (ADR 0012 "Verified disk"), against a real
 * SQLite store: the fill is a keyed stream only the coordinator computes, each segment is
 * served once, a node's digest is checked, challenges name held fill only, and every
 * hostile message is refused with its code.
 */
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { generateKeyPair, newCommandId, nodeIdFromPublicKey, signEnvelope, signStorageMessage, storageProofDigest, verifyStorageChallenge } from '@meson/protocol'
import type { KeyPair, NodeId } from '@meson/protocol'
import { openStores } from '../db/open-store.ts'
import type { CoordinatorStores } from '../../store/coordinator-stores.ts'
import { StorageFill } from '../../probes/storage-fill.ts'
import { StorageProofs } from '../../probes/storage-proofs.ts'
import { judgeStorageProbe } from '../../probes/storage-probe.ts'
import { createStorageProbe } from './send-storage-challenge.ts'

const SEGMENT = 64 * 1024
const SECRET = Buffer.alloc(48, 7)

describe('StorageFill', () => {
  const fill = new StorageFill(SECRET)
  it('is the same keystream by range and by chunks, differs per node, per segment and per secret', () => {
    const whole = Buffer.concat([...fill.chunks('node-a', 3, 3 * 1024 * 1024 + 5)])
    assert.equal(whole.length, 3 * 1024 * 1024 + 5)
    for (const [offset, length] of [[0, 1], [1, 31], [15, 17], [1024 * 1024 - 3, 9], [3 * 1024 * 1024, 5]] as const) {
      assert.deepEqual(fill.range('node-a', 3, offset, length), whole.subarray(offset, offset + length), `range ${offset}+${length}`)
    }
    assert.equal(fill.sha256('node-a', 3, whole.length), createHash('sha256').update(whole).digest('hex'))
    assert.notDeepEqual(fill.range('node-b', 3, 0, 64), whole.subarray(0, 64), 'another node')
    assert.notDeepEqual(fill.range('node-a', 4, 0, 64), whole.subarray(0, 64), 'another segment')
    assert.notDeepEqual(new StorageFill(Buffer.alloc(48, 8)).range('node-a', 3, 0, 64), whole.subarray(0, 64), 'another secret')
    assert.throws(() => new StorageFill(Buffer.alloc(16)), /at least 32 bytes/)
  })
})

describe('StorageProofs (SQLite)', () => {
  let stores: CoordinatorStores
  let proofs: StorageProofs
  let clock = 1_000_000
  const coordinator = generateKeyPair()
  const fill = new StorageFill(SECRET)
  const nodes = new Map<string, { key: KeyPair; offered: bigint }>()
  const addNode = (offered: bigint): { key: KeyPair; id: NodeId } => {
    const key = generateKeyPair()
    const id = nodeIdFromPublicKey(key.publicKey)
    nodes.set(id, { key, offered })
    return { key, id }
  }
  const fillRequest = (node: { key: KeyPair; id: NodeId }, maxBytes = 10 * SEGMENT, requestId = newCommandId()): unknown =>
    signStorageMessage(node.key.privateKey, { action: 'fill', nodeId: node.id, requestId, issuedAt: clock, maxBytes })
  const confirm = (node: { key: KeyPair; id: NodeId }, segment: number, sha256: string): unknown =>
    signStorageMessage(node.key.privateKey, { action: 'confirm', nodeId: node.id, issuedAt: clock, segment, sha256 })

  before(async () => {
    stores = await openStores({ url: 'sqlite::memory:' })
    proofs = new StorageProofs({
      segments: stores.storageSegments,
      fill,
      nodeOf: (nodeId) => {
        const node = nodes.get(nodeId)
        return node === undefined ? undefined : { verifyKey: node.key.publicKey, offeredDiskBytes: node.offered }
      },
      coordinatorKey: coordinator.privateKey,
      settings: { segmentBytes: SEGMENT, maxBytesPerNode: 10n * BigInt(SEGMENT), challengeBytes: 4096, pendingMs: 60_000, challengeTtlMs: 30_000 },
      now: () => clock,
    })
  })
  after(() => stores.close())

  it('serves segments up to the offered disk, each once, and counts only confirmed ones as held', async () => {
    const node = addNode(2n * BigInt(SEGMENT) + 100n)
    const first = await proofs.fill(fillRequest(node))
    assert.ok(first.ok && first.segment !== undefined)
    const bytes = Buffer.concat([...proofs.chunksOf(first.segment)])
    assert.deepEqual(bytes, fill.range(node.id, first.segment.index, 0, SEGMENT))
    const second = await proofs.fill(fillRequest(node))
    assert.ok(second.ok && second.segment?.index === first.segment.index + 1)
    const third = await proofs.fill(fillRequest(node))
    assert.deepEqual(third, { ok: true, segment: undefined }, 'two segments fill 2 × 64 KiB + 100 bytes')
    assert.deepEqual(await proofs.planChallenge(node.id), { heldBytes: 0 }, 'nothing confirmed: nothing to challenge')
    const confirmed = await proofs.confirm(confirm(node, first.segment.index, createHash('sha256').update(bytes).digest('hex')))
    assert.deepEqual(confirmed, { ok: true, segment: first.segment.index, heldBytes: SEGMENT })
  })

  it('refuses a segment larger than the room the node asked for, and caps fill at the configured maximum', async () => {
    const small = addNode(100n * BigInt(SEGMENT))
    assert.deepEqual(await proofs.fill(fillRequest(small, SEGMENT - 1)), { ok: true, segment: undefined })
    let issued = 0
    for (let index = 0; index < 12; index += 1) {
      const answer = await proofs.fill(fillRequest(small))
      if (answer.ok && answer.segment !== undefined) issued += 1
    }
    assert.equal(issued, 10, 'maxBytesPerNode is 10 segments')
  })

  it('drops a segment whose digest is wrong, and never serves it again', async () => {
    const node = addNode(5n * BigInt(SEGMENT))
    const served = await proofs.fill(fillRequest(node))
    assert.ok(served.ok && served.segment !== undefined)
    const wrong = await proofs.confirm(confirm(node, served.segment.index, 'a'.repeat(64)))
    assert.equal(wrong.ok ? 'ok' : wrong.code, 'STORAGE_DIGEST_MISMATCH')
    const right = fill.sha256(node.id, served.segment.index, SEGMENT)
    const again = await proofs.confirm(confirm(node, served.segment.index, right))
    assert.equal(again.ok ? 'ok' : again.code, 'STORAGE_SEGMENT_NOT_FOUND', 'a lost segment cannot be confirmed later')
    const next = await proofs.fill(fillRequest(node))
    assert.ok(next.ok && next.segment !== undefined && next.segment.index > served.segment.index, 'a new index, not the lost one')
  })

  it('refuses forged, foreign, stale, replayed and unknown-node messages with their codes', async () => {
    const node = addNode(5n * BigInt(SEGMENT))
    const other = addNode(5n * BigInt(SEGMENT))
    const code = (result: { ok: boolean; code?: string }): string => (result.ok ? 'ok' : (result.code ?? '?'))
    const forged = signStorageMessage(other.key.privateKey, { action: 'fill', nodeId: node.id, requestId: newCommandId(), issuedAt: clock, maxBytes: SEGMENT })
    assert.equal(code(await proofs.fill(forged)), 'NODE_SIGNATURE_INVALID')
    const wrongPurpose = signEnvelope('heartbeat', node.key.privateKey, { action: 'fill', nodeId: node.id, requestId: newCommandId(), issuedAt: clock, maxBytes: SEGMENT })
    assert.equal(code(await proofs.fill(wrongPurpose)), 'NODE_SIGNATURE_INVALID', 'a signature for another purpose')
    assert.equal(code(await proofs.fill({ payload: { action: 'fill' }, signature: 'x' })), 'INVALID_REQUEST')
    assert.equal(code(await proofs.fill('not json')), 'INVALID_REQUEST')
    assert.equal(code(await proofs.fill(confirm(node, 0, 'a'.repeat(64)))), 'INVALID_REQUEST', 'a confirm is not a fill request')
    const stale = signStorageMessage(node.key.privateKey, { action: 'fill', nodeId: node.id, requestId: newCommandId(), issuedAt: clock - 61_000, maxBytes: SEGMENT })
    assert.equal(code(await proofs.fill(stale)), 'NODE_CLOCK_SKEW')
    const once = fillRequest(node)
    assert.equal(code(await proofs.fill(once)), 'ok')
    assert.equal(code(await proofs.fill(once)), 'STORAGE_REQUEST_REPLAYED')
    const stranger = generateKeyPair()
    const strangerId = nodeIdFromPublicKey(stranger.publicKey)
    assert.equal(code(await proofs.fill(fillRequest({ key: stranger, id: strangerId }))), 'NODE_UNKNOWN')
    assert.equal(code(await proofs.confirm(confirm(node, 999, 'a'.repeat(64)))), 'STORAGE_SEGMENT_NOT_FOUND')
  })

  it('challenges a random range of held fill; the holder\'s digest matches, a guess does not; released fill is not challenged', async () => {
    const node = addNode(3n * BigInt(SEGMENT))
    const served = await proofs.fill(fillRequest(node))
    assert.ok(served.ok && served.segment !== undefined)
    const held = Buffer.concat([...proofs.chunksOf(served.segment)])
    assert.equal(code(await proofs.confirm(confirm(node, served.segment.index, createHash('sha256').update(held).digest('hex')))), 'ok')
    const planned = await proofs.planChallenge(node.id)
    assert.ok('challenge' in planned)
    const opened = verifyStorageChallenge(coordinator.publicKey, JSON.parse(JSON.stringify(planned.envelope)), { now: clock, nodeId: node.id })
    assert.ok(opened.ok, 'the node can verify the coordinator signed it')
    const { challenge } = opened
    assert.equal(challenge.length, 4096)
    const answer = storageProofDigest(challenge.nonce, held.subarray(challenge.offset, challenge.offset + challenge.length))
    assert.equal(answer, planned.expectedProof)
    const judge = (proof: string): string =>
      judgeStorageProbe({ id: 'p', nodeId: node.id, atMs: clock, planned, reply: { kind: 'answer', status: 200, body: { segment: challenge.segment, proof }, ms: 3 } }).outcome
    assert.equal(judge(answer), 'pass')
    assert.equal(judge(storageProofDigest(challenge.nonce, Buffer.alloc(challenge.length))), 'fail', 'zeros instead of the fill')
    assert.equal(judge(storageProofDigest(`${challenge.nonce}x`, held.subarray(challenge.offset, challenge.offset + challenge.length))), 'fail', 'another nonce')
    assert.equal(verifyStorageChallenge(coordinator.publicKey, planned.envelope, { now: challenge.expiresAt, nodeId: node.id }).ok, false, 'expired')
    assert.equal(verifyStorageChallenge(generateKeyPair().publicKey, planned.envelope, { now: clock, nodeId: node.id }).ok, false, 'not the coordinator')
    const released = await proofs.release(signStorageMessage(node.key.privateKey, { action: 'release', nodeId: node.id, issuedAt: clock, segments: [served.segment.index] }))
    assert.deepEqual(released, { ok: true, released: 1 })
    assert.deepEqual(await proofs.planChallenge(node.id), { heldBytes: 0 })
    clock += 1
  })

  it('ends a segment as lost only when the node answers with a wrong proof or 404, not on a timeout or a 5xx', async () => {
    const node = addNode(3n * BigInt(SEGMENT))
    const served = await proofs.fill(fillRequest(node))
    assert.ok(served.ok && served.segment !== undefined)
    const index = served.segment.index
    assert.equal(code(await proofs.confirm(confirm(node, index, fill.sha256(node.id, index, SEGMENT)))), 'ok')
    const probeWith = (answer: () => Promise<Response>): ReturnType<typeof createStorageProbe> =>
      createStorageProbe({ storage: proofs, timeoutMs: 1000, random: Math.random, now: () => clock, fetch: () => answer() })
    const target = { id: node.id, publicUrl: 'http://127.0.0.1:9' }
    const transient = [() => Promise.reject(new Error('timeout')), () => Promise.resolve(new Response('busy', { status: 503 }))]
    for (const answer of transient) {
      const result = await probeWith(answer)(target)
      assert.equal(result.outcome, 'fail')
      assert.ok(await stores.storageSegments.findLiveSegment(node.id, index), `still live after: ${result.reason}`)
    }
    const wrong = await probeWith(() => Promise.resolve(Response.json({ segment: index, proof: '0'.repeat(64) })))(target)
    assert.match(wrong.reason, /wrong proof/)
    assert.equal(await stores.storageSegments.findLiveSegment(node.id, index), undefined, 'a wrong proof loses the segment')
  })

  function code(result: { ok: boolean; code?: string }): string {
    return result.ok ? 'ok' : (result.code ?? '?')
  }
})
