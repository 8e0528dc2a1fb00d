import assert from 'node:assert/strict'
import { readdir, stat } from 'node:fs/promises'
import { afterEach, beforeEach, describe, it } from 'node:test'
import { resolveCacheLayout } from './cache-layout.ts'
import type { CacheEntry, CacheStore } from './cache-store.ts'
import { bodyOf, makeDataDir, readAll, sampleResponse, sha256Hex, storeObject } from '../../testing/cache-store-fixtures.ts'
import type { OpenDiskCacheStoreParameters } from './disk-cache-store.ts'
import { openDiskCacheStore } from './disk-cache-store.ts'

const KiB = 1024

/** Lists every committed object file (body and meta) in the shards. */
async function objectFiles(dataDir: string): Promise<string[]> {
  const root = resolveCacheLayout(dataDir).rootDir
  const files: string[] = []
  for (const shard of await readdir(root)) {
    if (shard === 'tmp') continue
    files.push(...(await readdir(`${root}/${shard}`)))
  }
  return files.sort()
}

describe('disk cache store quota, size limits and memory tier', () => {
  let dataDir = ''
  let cleanup: () => Promise<void> = () => Promise.resolve()
  const open = (overrides: Partial<OpenDiskCacheStoreParameters>): Promise<CacheStore> =>
    openDiskCacheStore({ dataDir, maxBytes: 1024 * KiB, memoryMaxBytes: 0, maxObjectBytes: 1024 * KiB, ...overrides })
  const put = async (store: CacheStore, key: string, sizeBytes: number): Promise<CacheEntry> => {
    const entry = await storeObject(store, sampleResponse(key), bodyOf(key, sizeBytes))
    assert.ok(entry, `${key} was stored`)
    return entry
  }

  /** Bytes one test object's metadata file adds to the quota (keys of one character). */
  let metaBytes = 0

  beforeEach(async () => {
    ;({ dataDir, cleanup } = await makeDataDir())
    const probe = await open({})
    await put(probe, 'p', 100)
    metaBytes = probe.stats().storedBytes - 100
    await probe.remove(probe.lookup('p')[0] ?? assert.fail('probe stored'))
    await probe.close()
  })
  afterEach(() => cleanup())

  it('counts metadata files toward the quota', () => {
    assert.ok(metaBytes > 0)
  })

  it('evicts the least recently used objects first when a commit exceeds the quota', async () => {
    const store = await open({ maxBytes: 300 + 3 * metaBytes })
    await put(store, 'a', 100)
    await put(store, 'b', 100)
    await put(store, 'c', 100)
    store.lookup('a') // a is now more recent than b and c
    await put(store, 'd', 150) // needs 150 more: evicts b, then c
    assert.deepEqual(
      ['a', 'b', 'c', 'd'].map((key) => store.lookup(key).length),
      [1, 0, 0, 1],
    )
    assert.deepEqual(store.stats(), {
      objects: 2,
      storedBytes: 250 + 2 * metaBytes,
      memoryObjects: 0,
      memoryBytes: 0,
      evictions: 2,
      discardedOnStart: 0,
    })
    await store.close()
    assert.equal((await objectFiles(dataDir)).length, 4)
  })

  it('gives up an object over maxObjectBytes while it is written and deletes its temp file', async () => {
    const store = await open({ maxObjectBytes: 100 * KiB })
    const writer = store.beginWrite(sampleResponse('https://big.test/'), [])
    for (let index = 0; index < 10; index += 1) await writer.write(bodyOf(`chunk${index}`, 16 * KiB))
    assert.deepEqual(await readdir(resolveCacheLayout(dataDir).tmpDir), [])
    assert.equal(await writer.commit(), undefined)
    assert.deepEqual(store.lookup('https://big.test/'), [])
    // Exactly at the limit is still fine.
    assert.ok(await storeObject(store, sampleResponse('https://limit.test/'), bodyOf('limit', 100 * KiB)))
    await store.close()
  })

  it('gives up an object larger than the whole quota instead of emptying the cache', async () => {
    const store = await open({ maxBytes: 1000 + metaBytes, maxObjectBytes: 10_000 })
    await put(store, 'keep', 600)
    assert.equal(await storeObject(store, sampleResponse('huge'), bodyOf('huge', 1001)), undefined)
    assert.equal(store.lookup('keep').length, 1)
    await store.close()
  })

  it('holds small bodies in memory within its budget, never large ones', async () => {
    const store = await open({ memoryMaxBytes: 250, memoryMaxObjectBytes: 100 })
    const a = await put(store, 'a', 100)
    const b = await put(store, 'b', 100)
    const c = await put(store, 'c', 100)
    const large = await put(store, 'large', 101)
    assert.equal(store.readFromMemory(a), undefined, 'a was pushed out of memory by c')
    assert.deepEqual(store.readFromMemory(b), bodyOf('b', 100))
    assert.deepEqual(store.readFromMemory(c), bodyOf('c', 100))
    assert.equal(store.readFromMemory(large), undefined)
    assert.equal(store.stats().memoryBytes, 200)
    assert.equal(store.stats().memoryObjects, 2)
    // A whole read of a small object from disk brings it back into memory.
    assert.deepEqual(await readAll(store.createReadStream(a)), bodyOf('a', 100))
    assert.deepEqual(store.readFromMemory(a), bodyOf('a', 100))
    assert.ok(store.stats().memoryBytes <= 250)
    // A range read does not (it has not seen the whole body).
    assert.equal(store.readFromMemory(large), undefined)
    await readAll(store.createReadStream(large, { start: 0, end: 10 }))
    assert.equal(store.readFromMemory(large), undefined)
    await store.close()
  })

  it('keeps streaming an entry that is evicted while it is being read', async () => {
    const store = await open({ maxBytes: 1024 * KiB })
    const body = bodyOf('victim', 700 * KiB)
    const victim = await storeObject(store, sampleResponse('victim'), body)
    assert.ok(victim)
    const stream = store.createReadStream(victim)
    const iterator = (stream as AsyncIterable<Buffer>)[Symbol.asyncIterator]()
    const first = await iterator.next()
    assert.equal(first.done, false)
    const chunks: Buffer[] = [first.value]
    await put(store, 'newcomer', 700 * KiB) // over quota: the victim is evicted
    assert.deepEqual(store.lookup('victim'), [])
    await store.remove(victim) // waits for the eviction's unlink to have happened
    const layout = resolveCacheLayout(dataDir)
    await assert.rejects(stat(layout.bodyPath(victim.id)), { code: 'ENOENT' })
    for (let next = await iterator.next(); next.done !== true; next = await iterator.next()) chunks.push(next.value)
    assert.equal(sha256Hex(Buffer.concat(chunks)), victim.response.sha256)
    await store.close()
  })

  it('keeps a stream that was created but not yet read working across a removal', async () => {
    const store = await open({})
    const body = bodyOf('early', 200 * KiB)
    const entry = await storeObject(store, sampleResponse('early'), body)
    assert.ok(entry)
    const stream = store.createReadStream(entry)
    await store.remove(entry)
    await assert.rejects(stat(resolveCacheLayout(dataDir).bodyPath(entry.id)), { code: 'ENOENT' })
    assert.deepEqual(await readAll(stream), body)
    await store.close()
  })

  it('fails a stream of an entry removed before it was opened with CACHE_OBJECT_GONE', async () => {
    const store = await open({})
    const entry = await put(store, 'gone', 10)
    await store.remove(entry)
    await assert.rejects(readAll(store.createReadStream(entry)), { code: 'CACHE_OBJECT_GONE' })
    await store.close()
  })

  it('lets the last of concurrent writers of one key win, without corruption', async () => {
    const store = await open({ memoryMaxBytes: 0 })
    const key = 'https://race.test/'
    const writers = Array.from({ length: 5 }, () => store.beginWrite(sampleResponse(key), []))
    const bodies = writers.map((_, index) => bodyOf(`writer${index}`, 64 * KiB + index))
    // Interleave the chunks of all writers.
    for (let offset = 0; offset < 70 * KiB; offset += 8 * KiB) {
      await Promise.all(writers.map((writer, index) => writer.write(bodies[index]?.subarray(offset, offset + 8 * KiB) ?? Buffer.alloc(0))))
    }
    // Sequential commits in a scrambled order: the last one committed wins.
    const order = [3, 0, 4, 1]
    const committed: CacheEntry[] = []
    for (const index of order) {
      const entry = await writers[index]?.commit()
      assert.ok(entry)
      committed.push(entry)
    }
    const [winner] = store.lookup(key)
    assert.ok(winner)
    assert.equal(winner.id, committed.at(-1)?.id)
    assert.deepEqual(await readAll(store.createReadStream(winner)), bodies[1])
    // And all at once: whichever commit publishes last wins, and it is one of them, whole.
    const racers = Array.from({ length: 4 }, () => store.beginWrite(sampleResponse(key), []))
    const racerBodies = racers.map((_, index) => bodyOf(`racer${index}`, 32 * KiB + index))
    await Promise.all(racers.map((racer, index) => racer.write(racerBodies[index] ?? Buffer.alloc(0))))
    const results = await Promise.all(racers.map((racer) => racer.commit()))
    const variants = store.lookup(key)
    assert.equal(variants.length, 1)
    const [survivor] = variants
    assert.ok(survivor)
    const survivorIndex = results.findIndex((entry) => entry?.id === survivor.id)
    assert.notEqual(survivorIndex, -1)
    const bytes = await readAll(store.createReadStream(survivor))
    assert.equal(sha256Hex(bytes), survivor.response.sha256)
    assert.deepEqual(bytes, racerBodies[survivorIndex])
    await store.close()
    assert.equal((await objectFiles(dataDir)).length, 2, 'only the survivor is left on disk')
    const reopened = await open({})
    assert.equal(reopened.lookup(key)[0]?.id, survivor.id)
    await reopened.close()
  })

  it('evicts down to a smaller quota on reopen, oldest commits first', async () => {
    const store = await open({ maxBytes: 1000 + 4 * metaBytes })
    for (const key of ['a', 'b', 'c', 'd']) await put(store, key, 200)
    await store.close()
    const smaller = await open({ maxBytes: 450 + 2 * metaBytes })
    assert.deepEqual(
      ['a', 'b', 'c', 'd'].map((key) => smaller.lookup(key).length),
      [0, 0, 1, 1],
    )
    assert.equal(smaller.stats().evictions, 2)
    await smaller.close()
  })
})
