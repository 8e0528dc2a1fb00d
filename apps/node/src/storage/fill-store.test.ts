import assert from 'node:assert/strict'
import { createHash, randomBytes } from 'node:crypto'
import { readdir, truncate, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, it } from 'node:test'
import { makeDataDir } from '../testing/cache-store-fixtures.ts'
import { StorageFillStore } from './fill-store.ts'

async function* chunksOf(bytes: Uint8Array, size = 1000): AsyncGenerator<Uint8Array> {
  for (let start = 0; start < bytes.byteLength; start += size) {
    await Promise.resolve()
    yield bytes.subarray(start, start + size)
  }
}

async function* failingAfter(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield* chunksOf(bytes)
  throw new Error('connection reset')
}

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex')

describe('the storage-proof fill store', () => {
  let dataDir = ''
  let cleanup: () => Promise<void> = () => Promise.resolve()
  beforeEach(async () => {
    ;({ dataDir, cleanup } = await makeDataDir())
  })
  afterEach(() => cleanup())

  it('streams a segment to disk with its SHA-256, and reads any range of it back', async () => {
    const store = await StorageFillStore.open(dataDir)
    const bytes = randomBytes(10_000)
    const written = await store.write(7, chunksOf(bytes), 10_000)
    assert.deepEqual(written, { ok: true, size: 10_000, sha256: sha256(bytes) })
    assert.equal(store.heldBytes, 10_000)
    assert.equal(store.get(7)?.state, 'pending')
    await store.markHeld(7)
    assert.equal(store.get(7)?.state, 'held')
    const range = await store.readRange(7, 1234, 4000)
    assert.ok(range.ok)
    assert.deepEqual(Buffer.from(range.bytes), bytes.subarray(1234, 5234))
    assert.deepEqual(await store.readRange(7, 9000, 1001), { ok: false, reason: 'out-of-range' })
    assert.deepEqual(await store.readRange(8, 0, 1), { ok: false, reason: 'unknown-segment' })
  })

  it('gives up a body longer than maxBytes, and one that fails midway, leaving no file', async () => {
    const store = await StorageFillStore.open(dataDir)
    assert.deepEqual(await store.write(1, chunksOf(randomBytes(5001)), 5000), { ok: false, reason: 'too-long' })
    await assert.rejects(store.write(2, failingAfter(randomBytes(3000)), 5000), /connection reset/)
    assert.equal(store.heldBytes, 0)
    assert.deepEqual(await readdir(store.dir), [])
  })

  it('keeps complete segments across a restart, drops temp files and truncated segments (releasing those)', async () => {
    const first = await StorageFillStore.open(dataDir)
    await first.write(1, chunksOf(randomBytes(3000)), 3000)
    await first.markHeld(1)
    const pending = randomBytes(2000)
    await first.write(2, chunksOf(pending), 2000)
    await first.write(3, chunksOf(randomBytes(1000)), 1000)
    await first.markHeld(3)
    // A crash mid-write leaves a temp file; a torn disk leaves a segment shorter than its name says.
    await writeFile(join(first.dir, '4.tmp'), randomBytes(500))
    await truncate(first.pathOf(3) ?? '', 10)

    const second = await StorageFillStore.open(dataDir)
    assert.deepEqual(second.segments().map((info) => [info.segment, info.size, info.state]), [[1, 3000, 'held'], [2, 2000, 'pending']])
    assert.equal(second.get(2)?.sha256, sha256(pending), 'a pending segment keeps its digest, to be confirmed again')
    assert.equal(second.heldBytes, 5000)
    assert.deepEqual(second.pendingReleases(), [3])
    const files = await readdir(second.dir)
    assert.ok(!files.includes('4.tmp'), 'the temp file is gone')
  })

  it('deletes a segment at once; a released one keeps its file and marker, across a restart, until the release is acknowledged', async () => {
    const store = await StorageFillStore.open(dataDir)
    const kept = randomBytes(100)
    await store.write(5, chunksOf(kept), 100)
    await store.write(6, chunksOf(randomBytes(100)), 100)
    await store.release(5)
    await store.delete(6)
    assert.deepEqual(await store.readRange(6, 0, 1), { ok: false, reason: 'unknown-segment' })
    assert.equal(store.heldBytes, 100, 'a released segment counts until acknowledged')
    const range = await store.readRange(5, 0, 100)
    assert.ok(range.ok, 'a challenge planned before the release still finds the bytes')
    assert.deepEqual(Buffer.from(range.bytes), kept)
    const reopened = await StorageFillStore.open(dataDir)
    assert.deepEqual(reopened.pendingReleases(), [5])
    assert.ok(reopened.isReleasing(5))
    await store.forgetReleases([5])
    assert.equal(store.heldBytes, 0)
    assert.deepEqual((await StorageFillStore.open(dataDir)).pendingReleases(), [])
    assert.deepEqual(await readdir(store.dir), [])
  })
})
