import assert from 'node:assert/strict'
import { readdir, readFile } from 'node:fs/promises'
import { afterEach, beforeEach, describe, it } from 'node:test'
import { eventually } from '../testing/cache-server-fixtures.ts'
import { makeDataDir } from '../testing/cache-store-fixtures.ts'
import { errorReply, FakeCoordinator } from '../testing/fake-coordinator.ts'
import type { FakeReply } from '../testing/fake-coordinator.ts'
import { fixtureIdentity, recordingLogger } from '../testing/link-fixtures.ts'
import { COORDINATOR_ENDPOINTS } from '../link/coordinator-endpoints.ts'
import { StorageFillStore } from './fill-store.ts'
import { StorageFiller } from './storage-filler.ts'
import { StorageRequests } from './storage-requests.ts'

const SEGMENT = 64 * 1024
/** Quota 1 000 000 − 5 % headroom = 950 000 bytes for cache + fill. */
const QUOTA = 1_000_000n

describe('the storage filler', () => {
  let dataDir = ''
  let cleanup: () => Promise<void> = () => Promise.resolve()
  let fake: FakeCoordinator
  let store: StorageFillStore
  let cacheBytes = 0
  let registered = true
  let coordinatorKey: Uint8Array = new Uint8Array(32).fill(1)
  let logger: ReturnType<typeof recordingLogger>
  let filler: StorageFiller

  beforeEach(async () => {
    ;({ dataDir, cleanup } = await makeDataDir())
    fake = await FakeCoordinator.start()
    fake.storage.enabled = true
    fake.storage.segmentBytes = SEGMENT
    const identity = fixtureIdentity()
    fake.trustNode(identity.nodeId, identity.publicKey)
    store = await StorageFillStore.open(dataDir)
    cacheBytes = 0
    registered = true
    coordinatorKey = new Uint8Array(32).fill(1)
    logger = recordingLogger()
    filler = new StorageFiller(
      { quotaBytes: QUOTA, intervalMs: 60_000 },
      { store, requests: new StorageRequests({ coordinatorUrl: fake.url, identity, nowMs: () => Date.now() }), cacheBytes: () => cacheBytes, isRegistered: () => registered, coordinatorKey: () => coordinatorKey, logger },
    )
  })
  afterEach(async () => {
    // The fake first: its dropped connections end any segment still streaming.
    await fake.stop()
    await filler.stop()
    await cleanup()
  })

  const storageRequests = () => fake.requests.filter((request) => request.path.startsWith('/v1/nodes/storage/'))

  it('asks for nothing before the node is registered', async () => {
    registered = false
    assert.equal((await filler.tick()).stoppedBy, 'not-registered')
    assert.deepEqual(storageRequests(), [])
  })

  it('fills the free offered disk with segments, each written as served and confirmed, until full', async () => {
    cacheBytes = 100_000
    const report = await filler.tick()
    // 850 000 free: 12 whole segments (786 432 bytes), then one of the 63 568 left.
    assert.equal(report.stoppedBy, 'full')
    assert.deepEqual(report.filled, [...Array(13).keys()])
    assert.deepEqual(fake.storage.fills.map((fill) => fill.maxBytes).slice(0, 2), [850_000, 850_000 - SEGMENT])
    assert.equal(store.heldBytes, 850_000)
    assert.equal(fake.storage.heldBytes, 850_000)
    for (const info of store.segments()) {
      assert.equal(info.state, 'held')
      assert.deepEqual(await readFile(store.pathOf(info.segment) ?? ''), Buffer.from(fake.storage.bytesOf(info.segment, info.size)))
    }
    assert.equal((await filler.tick()).stoppedBy, 'full')
    assert.equal(fake.storage.fills.length, 13, 'a full node asks for nothing')
  })

  it('asks for at most 16 segments a tick, and stops when the coordinator answers 204', async () => {
    fake.storage.segmentBytes = 1000
    assert.deepEqual(await filler.tick(), { filled: [...Array(16).keys()], released: [], stoppedBy: 'per-tick-cap' })
    fake.storage.enabled = false
    assert.deepEqual(await filler.tick(), { filled: [], released: [], stoppedBy: 'coordinator-has-none' })
    assert.equal(store.heldBytes, 16_000)
  })

  it('gives the newest segments back when the cache grew, in one release', async () => {
    await filler.tick()
    const before = store.segments().map((info) => info.segment)
    cacheBytes = 200_000
    const report = await filler.tick()
    // 150 000 bytes over: the four newest segments (the last is 32 496 bytes) cover it.
    assert.deepEqual(report.released, before.slice(-4))
    assert.deepEqual(fake.storage.releases, [before.slice(-4)])
    assert.deepEqual(store.segments().map((info) => info.segment), before.slice(0, -4))
    assert.ok(BigInt(cacheBytes + store.heldBytes) <= QUOTA - QUOTA / 20n)
    assert.deepEqual(store.pendingReleases(), [])
    assert.equal(report.stoppedBy, 'full', 'room given back is not asked for again in the same tick')
  })

  it('gives all its fill back when the coordinator key changed (fill is keyed by it), and fills again at once', async () => {
    await filler.tick()
    const before = store.segments().map((info) => info.segment)
    await filler.tick()
    assert.deepEqual(fake.storage.releases, [], 'the same key keeps the fill')
    coordinatorKey = new Uint8Array(32).fill(2)
    const report = await filler.tick()
    assert.deepEqual(fake.storage.releases, [before])
    assert.deepEqual(report.released, before)
    assert.equal(report.filled.length, before.length, 'filled again at once, under the new key')
    assert.ok(report.filled.every((segment) => !before.includes(segment)))
    assert.equal(store.fillKey(), Buffer.from(coordinatorKey).toString('base64url'))
    assert.equal((await StorageFillStore.open(dataDir)).fillKey(), store.fillKey(), 'the key is kept across restarts')
  })

  it('keeps a release the coordinator did not take and sends it again next tick', async () => {
    await filler.tick()
    cacheBytes = 100_000
    fake.override(COORDINATOR_ENDPOINTS.storageRelease, () => errorReply(503, 'BUSY', 'later'))
    assert.deepEqual((await filler.tick()).released, [])
    // 100 000 bytes over: the newest three segments (32 496 + 2 × 65 536 bytes).
    assert.equal(store.pendingReleases().length, 3)
    assert.equal(store.heldBytes, 950_000, 'the files stay until the release is acknowledged')
    assert.equal(fake.storage.fills.length, 15, 'no fill asked for while over')
    fake.override(COORDINATOR_ENDPOINTS.storageRelease, () => undefined)
    assert.equal((await filler.tick()).released.length, 3)
    assert.equal(store.heldBytes, 950_000 - 32_496 - 2 * SEGMENT)
    assert.deepEqual(store.pendingReleases(), [])
  })

  it('deletes a segment whose digest the coordinator refuses', async () => {
    fake.storage.segmentBytes = 950_000
    fake.override(COORDINATOR_ENDPOINTS.storageConfirm, () => errorReply(422, 'STORAGE_DIGEST_MISMATCH', 'no'))
    assert.equal((await filler.tick()).stoppedBy, 'refused')
    assert.equal(store.heldBytes, 0)
    assert.deepEqual(store.segments(), [])
  })

  const confirmAnswers: readonly (readonly [string, FakeReply, 'deleted' | 'kept'])[] = [
    ['a segment the coordinator does not know (404 STORAGE_SEGMENT_NOT_FOUND)', errorReply(404, 'STORAGE_SEGMENT_NOT_FOUND', 'lost'), 'deleted'],
    ['an invalid message (400 INVALID_REQUEST)', errorReply(400, 'INVALID_REQUEST', 'no'), 'deleted'],
    ['a node the coordinator forgot (404 NODE_UNKNOWN)', errorReply(404, 'NODE_UNKNOWN', 'register again'), 'kept'],
    ['a skewed clock (400 NODE_CLOCK_SKEW)', errorReply(400, 'NODE_CLOCK_SKEW', 'ntp'), 'kept'],
    ['a signature refused (401)', errorReply(401, 'NODE_SIGNATURE_INVALID', 'no'), 'kept'],
    ['a busy coordinator (503)', errorReply(503, 'UNAVAILABLE', 'later'), 'kept'],
  ]
  for (const [name, answer, fate] of confirmAnswers) {
    it(`${fate === 'deleted' ? 'deletes' : 'keeps pending'} a segment whose confirm meets ${name}`, async () => {
      fake.storage.segmentBytes = 950_000
      fake.override(COORDINATOR_ENDPOINTS.storageConfirm, () => answer)
      await filler.tick()
      assert.equal(store.get(0)?.state, fate === 'deleted' ? undefined : 'pending')
    })
  }

  it('keeps a release refused for a skewed clock, and forgets one refused as invalid', async () => {
    await filler.tick()
    cacheBytes = 40_000
    fake.override(COORDINATOR_ENDPOINTS.storageRelease, () => errorReply(400, 'NODE_CLOCK_SKEW', 'ntp'))
    await filler.tick()
    assert.equal(store.pendingReleases().length, 2)
    fake.override(COORDINATOR_ENDPOINTS.storageRelease, () => errorReply(400, 'INVALID_REQUEST', 'no'))
    await filler.tick()
    assert.deepEqual(store.pendingReleases(), [])
  })

  it('confirms a segment again next tick when the confirm did not get through', async () => {
    fake.storage.segmentBytes = 950_000
    fake.override(COORDINATOR_ENDPOINTS.storageConfirm, () => 'hang-up')
    await filler.tick()
    assert.equal(store.get(0)?.state, 'pending')
    fake.override(COORDINATOR_ENDPOINTS.storageConfirm, () => undefined)
    await filler.tick()
    assert.equal(store.get(0)?.state, 'held')
    assert.ok(fake.storage.confirmed.has(0))
  })

  it('refuses a segment longer than it asked for, even without a content-length', async () => {
    fake.storage.segmentBytes = 950_000
    fake.storage.overrunBytes = 1
    assert.equal((await filler.tick()).stoppedBy, 'refused')
    assert.deepEqual(store.segments(), [])
    assert.equal(fake.requestsTo(COORDINATOR_ENDPOINTS.storageConfirm).length, 0)
  })

  // Broken, stop() waits for the stalled segment: the timeout turns that hang into a failure.
  it('gives up a segment being streamed when stopped, leaving no file', { timeout: 10_000 }, async () => {
    fake.storage.stall = true
    filler.start()
    await eventually(async () => (await readdir(store.dir)).some((name) => name.endsWith('.tmp')))
    await filler.stop()
    assert.deepEqual(await readdir(store.dir), ['coordinator-key'])
    assert.equal(store.heldBytes, 0)
  })

  it('logs a refused fill at warn and waits for the next tick; an unreachable coordinator too', async () => {
    fake.override(COORDINATOR_ENDPOINTS.storageFill, () => errorReply(403, 'STORAGE_NOT_ALLOWED', 'not for you'))
    assert.equal((await filler.tick()).stoppedBy, 'refused')
    assert.ok(logger.lines.some((line) => line.level === 'warn' && String(line.fields.reason).includes('STORAGE_NOT_ALLOWED')))
    await fake.stop()
    assert.equal((await filler.tick()).stoppedBy, 'unreachable')
    await fake.restart()
  })
})
