import assert from 'node:assert/strict'
import { afterEach, beforeEach, describe, it } from 'node:test'
import type { CacheStore } from './cache-store.ts'
import { bodyOf, makeDataDir, sampleResponse } from '../../testing/cache-store-fixtures.ts'
import { openDiskCacheStore } from './disk-cache-store.ts'

const MiB = 1024 * 1024

describe('disk cache store: invalidating objects still being filled', () => {
  let dataDir = ''
  let cleanup: () => Promise<void> = () => Promise.resolve()
  let store: CacheStore
  beforeEach(async () => {
    ;({ dataDir, cleanup } = await makeDataDir())
    store = await openDiskCacheStore({ dataDir, maxBytes: 64 * MiB, memoryMaxBytes: MiB, maxObjectBytes: 16 * MiB })
  })
  afterEach(async () => {
    await store.close()
    await cleanup()
  })

  it('never publishes a fill whose key was invalidated while it was written', async () => {
    const writer = store.beginWrite(sampleResponse('https://example.com/a'), [])
    await writer.write(bodyOf('a', 1000))
    await store.removeByPrimaryKey('https://example.com/a')
    assert.equal(await writer.commit(), undefined)
    assert.deepEqual(store.lookup('https://example.com/a'), [])
  })

  it('never publishes a fill whose key was invalidated while it was committing', async () => {
    const writer = store.beginWrite(sampleResponse('https://example.com/b'), [])
    await writer.write(bodyOf('b', 1000))
    const committing = writer.commit()
    // The commit is under way (fsync, renames); the invalidation lands in between.
    await store.removeByPrimaryKey('https://example.com/b')
    assert.equal(await committing, undefined)
    assert.deepEqual(store.lookup('https://example.com/b'), [])
    assert.equal(store.stats().objects, 0)
  })

  it('dooms fills named by a purge (URL, prefix or surrogate key) and spares the others', async () => {
    const byUrl = store.beginWrite(sampleResponse('https://example.com/u'), [])
    const byPrefix = store.beginWrite(sampleResponse('https://example.com/p/1'), [])
    const byTag = store.beginWrite(sampleResponse('https://example.com/t'), ['tag'])
    const spared = store.beginWrite(sampleResponse('https://example.com/s'), ['other'])
    for (const writer of [byUrl, byPrefix, byTag, spared]) await writer.write(Buffer.from('x'))
    await store.purge({ urls: ['https://example.com/u'], prefixes: ['https://example.com/p/'], surrogateKeys: ['tag'] })
    assert.equal(await byUrl.commit(), undefined)
    assert.equal(await byPrefix.commit(), undefined)
    assert.equal(await byTag.commit(), undefined)
    assert.ok(await spared.commit())
  })

  it('keeps a fill that started after the invalidation', async () => {
    await store.removeByPrimaryKey('https://example.com/c')
    const writer = store.beginWrite(sampleResponse('https://example.com/c'), [])
    await writer.write(Buffer.from('fresh'))
    assert.ok(await writer.commit())
  })

  it('never publishes a fill reserved before an invalidation, though its writer began after it', async () => {
    const reservation = store.reserveFill('https://example.com/r')
    // The origin request is out; the unsafe request's answer invalidates the key now.
    await store.removeByPrimaryKey('https://example.com/r')
    const writer = store.beginWrite(sampleResponse('https://example.com/r'), [], reservation)
    reservation.release()
    await writer.write(bodyOf('r', 1000))
    assert.equal(await writer.commit(), undefined)
    assert.deepEqual(store.lookup('https://example.com/r'), [])
  })

  it('keeps a reserved fill when only another key was invalidated', async () => {
    const reservation = store.reserveFill('https://example.com/kept')
    await store.removeByPrimaryKey('https://example.com/other')
    const writer = store.beginWrite(sampleResponse('https://example.com/kept'), [], reservation)
    reservation.release()
    await writer.write(Buffer.from('x'))
    assert.ok(await writer.commit())
  })

  it('dooms reserved fills a purge may name (URL, prefix, any surrogate key in scope) and spares those outside its scope', async () => {
    const byUrl = store.reserveFill('https://a.test/u')
    const byPrefix = store.reserveFill('https://a.test/p/1')
    const byUnknownTags = store.reserveFill('https://a.test/t')
    const outsideScope = store.reserveFill('https://b.test/t')
    await store.purge({ urls: ['https://a.test/u'], prefixes: ['https://a.test/p/'], surrogateKeys: ['tag'], scopePrefix: 'https://a.test/' })
    assert.deepEqual(
      [byUrl, byPrefix, byUnknownTags, outsideScope].map((reservation) => reservation.isInvalidated),
      [true, true, true, false],
    )
  })

  it('forgets a released reservation: a later invalidation does not reach it', async () => {
    const reservation = store.reserveFill('https://example.com/released')
    reservation.release()
    await store.removeByPrimaryKey('https://example.com/released')
    assert.equal(reservation.isInvalidated, false)
  })
})
