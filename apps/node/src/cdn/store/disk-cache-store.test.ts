import assert from 'node:assert/strict'
import { readdir, readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, it } from 'node:test'
import { resolveCacheLayout } from './cache-layout.ts'
import { isErrorWithCode } from '@meson/protocol'
import type { CacheStore } from './cache-store.ts'
import { bodyOf, fixedClock, makeDataDir, readAll, sampleResponse, sha256Hex, storeObject } from '../../testing/cache-store-fixtures.ts'
import type { OpenDiskCacheStoreParameters } from './disk-cache-store.ts'
import { openDiskCacheStore } from './disk-cache-store.ts'

const MiB = 1024 * 1024

describe('disk cache store', () => {
  let dataDir = ''
  let cleanup: () => Promise<void> = () => Promise.resolve()
  const open = (overrides: Partial<OpenDiskCacheStoreParameters> = {}): Promise<CacheStore> =>
    openDiskCacheStore({ dataDir, maxBytes: 64 * MiB, memoryMaxBytes: MiB, maxObjectBytes: 16 * MiB, ...overrides })

  beforeEach(async () => {
    ;({ dataDir, cleanup } = await makeDataDir())
  })
  afterEach(() => cleanup())

  it('commits a body with its size and SHA-256 and reads it back from disk', async () => {
    const store = await open({ memoryMaxBytes: 0 })
    const body = bodyOf('a', 300 * 1024 + 7)
    const entry = await storeObject(store, sampleResponse('https://example.com/a'), body, { surrogateKeys: ['s1'] })
    assert.ok(entry)
    assert.equal(entry.response.sizeBytes, body.length)
    assert.equal(entry.response.sha256, sha256Hex(body))
    assert.deepEqual(entry.surrogateKeys, ['s1'])
    assert.deepEqual(store.lookup('https://example.com/a'), [entry])
    assert.equal(store.readFromMemory(entry), undefined)
    assert.deepEqual(await readAll(store.createReadStream(entry)), body)
    await store.close()
  })

  it('names files by random id and keeps them in two-character shards with a sidecar', async () => {
    const store = await open()
    const entry = await storeObject(store, sampleResponse('https://example.com/x'), Buffer.from('hello'))
    assert.ok(entry)
    assert.match(entry.id, /^[0-9a-f]{32}$/)
    const layout = resolveCacheLayout(dataDir)
    assert.deepEqual((await readdir(join(layout.rootDir, entry.id.slice(0, 2)))).sort(), [
      `${entry.id}.body`,
      `${entry.id}.meta`,
    ])
    assert.equal(await readFile(layout.bodyPath(entry.id), 'utf8'), 'hello')
    assert.deepEqual(await readdir(layout.tmpDir), [])
    await store.close()
  })

  it('serves inclusive byte ranges (RFC 9110 §14.1.2) from disk and from memory', async () => {
    const body = bodyOf('r', 200_000)
    for (const memoryMaxBytes of [0, MiB]) {
      const store = await open({ memoryMaxBytes })
      const entry = await storeObject(store, sampleResponse(`https://example.com/r${memoryMaxBytes}`), body)
      assert.ok(entry)
      assert.equal(store.readFromMemory(entry) !== undefined, memoryMaxBytes > 0)
      for (const range of [
        { start: 0, end: 0 },
        { start: 65_535, end: 65_537 },
        { start: 100, end: 199_999 },
        { start: 199_999, end: 199_999 },
      ]) {
        const bytes = await readAll(store.createReadStream(entry, range))
        assert.deepEqual(bytes, body.subarray(range.start, range.end + 1), `${memoryMaxBytes} ${range.start}-${range.end}`)
      }
      await store.close()
    }
  })

  it('refuses a range outside the body with CACHE_RANGE_INVALID', async () => {
    const store = await open()
    const entry = await storeObject(store, sampleResponse('https://example.com/r'), Buffer.from('0123456789'))
    assert.ok(entry)
    for (const range of [
      { start: 5, end: 10 },
      { start: -1, end: 3 },
      { start: 4, end: 3 },
      { start: 0.5, end: 3 },
    ]) {
      assert.throws(
        () => store.createReadStream(entry, range),
        (error) => isErrorWithCode(error, 'CACHE_RANGE_INVALID'),
      )
    }
    await store.close()
  })

  it('stores and streams an empty body', async () => {
    const store = await open({ memoryMaxBytes: 0 })
    const entry = await storeObject(store, sampleResponse('https://example.com/empty'), Buffer.alloc(0))
    assert.ok(entry)
    assert.equal(entry.response.sha256, sha256Hex(Buffer.alloc(0)))
    assert.equal((await readAll(store.createReadStream(entry))).length, 0)
    await store.close()
  })

  it('keeps hostile keys as data only: traversal, encoded dots, NUL and very long keys', async () => {
    const store = await open()
    const keys = [
      '../../etc/passwd',
      '/../../../../tmp/x',
      'https://example.com/%2e%2e/%2e%2e/etc/passwd',
      'https://example.com/a\u0000b',
      `https://example.com/${'a'.repeat(100_000)}`,
      '..\\..\\windows\\system32',
    ]
    for (const [index, key] of keys.entries()) {
      const entry = await storeObject(store, sampleResponse(key, { secondaryKey: key }), bodyOf(key, 100 + index))
      assert.ok(entry, key.slice(0, 40))
    }
    const reopened = await (async () => {
      await store.close()
      return open()
    })()
    for (const [index, key] of keys.entries()) {
      const [entry] = reopened.lookup(key)
      assert.ok(entry)
      assert.equal(entry.response.primaryKey, key)
      assert.deepEqual(await readAll(reopened.createReadStream(entry)), bodyOf(key, 100 + index))
    }
    // Nothing was created outside the cache dir: only the tmp dir and the 256 shards.
    const rootEntries = await readdir(join(dataDir, 'cache'))
    assert.equal(rootEntries.length, 257)
    assert.ok(rootEntries.every((name) => name === 'tmp' || /^[0-9a-f]{2}$/.test(name)))
    assert.deepEqual(await readdir(dataDir), ['cache'])
    await reopened.close()
  })

  it('replaces the same primary and secondary key on commit and keeps other variants', async () => {
    const store = await open()
    const key = 'https://example.com/v'
    const gzip = await storeObject(store, sampleResponse(key, { secondaryKey: 'gzip' }), Buffer.from('gzip-1'))
    const brotli = await storeObject(store, sampleResponse(key, { secondaryKey: 'br' }), Buffer.from('br-1'))
    const gzip2 = await storeObject(store, sampleResponse(key, { secondaryKey: 'gzip' }), Buffer.from('gzip-2'))
    assert.ok(gzip && brotli && gzip2)
    assert.deepEqual(
      store.lookup(key).map((entry) => entry.id),
      [gzip2.id, brotli.id],
    )
    await store.close()
    const layout = resolveCacheLayout(dataDir)
    await assert.rejects(stat(layout.metaPath(gzip.id)), { code: 'ENOENT' })
    await assert.rejects(stat(layout.bodyPath(gzip.id)), { code: 'ENOENT' })
    assert.equal(store.stats().objects, 2)
  })

  it('hides a body until commit and leaves nothing behind on abort', async () => {
    const store = await open()
    const writer = store.beginWrite(sampleResponse('https://example.com/w'), [])
    await writer.write(Buffer.from('partial'))
    assert.deepEqual(store.lookup('https://example.com/w'), [])
    await writer.abort()
    await writer.abort()
    assert.equal(await writer.commit(), undefined)
    assert.deepEqual(await readdir(resolveCacheLayout(dataDir).tmpDir), [])
    assert.equal(store.stats().objects, 0)
    await store.close()
  })

  it('rewrites metadata after a 304 without touching the body file', async () => {
    const clock = fixedClock()
    const store = await open({ clock: clock.now })
    const body = bodyOf('u', 50_000)
    const entry = await storeObject(store, sampleResponse('https://example.com/u'), body)
    assert.ok(entry)
    const layout = resolveCacheLayout(dataDir)
    const inodeBefore = (await stat(layout.bodyPath(entry.id))).ino
    const updated = await store.updateResponse(entry, {
      ...entry.response,
      headers: { ...entry.response.headers, etag: '"v2"' },
      responseTimeMs: 9_999,
      sizeBytes: 1,
      sha256: 'not what is stored',
    })
    assert.ok(updated)
    assert.equal(updated.id, entry.id)
    assert.equal(updated.response.headers.etag, '"v2"')
    assert.equal(updated.response.sizeBytes, body.length)
    assert.equal(updated.response.sha256, sha256Hex(body))
    assert.equal((await stat(layout.bodyPath(entry.id))).ino, inodeBefore)
    assert.deepEqual(store.lookup('https://example.com/u'), [updated])
    await store.close()
    const reopened = await open()
    const [reloaded] = reopened.lookup('https://example.com/u')
    assert.equal(reloaded?.response.headers.etag, '"v2"')
    assert.equal(reloaded.response.responseTimeMs, 9_999)
    assert.deepEqual(await readAll(reopened.createReadStream(reloaded)), body)
    await reopened.close()
  })

  it('returns undefined when updating an entry that is gone', async () => {
    const store = await open()
    const entry = await storeObject(store, sampleResponse('https://example.com/g'), Buffer.from('x'))
    assert.ok(entry)
    await store.remove(entry)
    assert.equal(await store.updateResponse(entry, entry.response), undefined)
    assert.deepEqual(await readdir(join(dataDir, 'cache', entry.id.slice(0, 2))), [])
    await store.close()
  })

  it('purges by exact URL, by prefix and by surrogate key, and counts what it removed', async () => {
    const store = await open()
    const put = (key: string, tags: string[] = [], secondaryKey = ''): Promise<unknown> =>
      storeObject(store, sampleResponse(key, { secondaryKey }), Buffer.from(key), { surrogateKeys: tags })
    await put('https://a.test/img/1.png')
    await put('https://a.test/img/1.png', [], 'webp')
    await put('https://a.test/img/2.png')
    await put('https://a.test/css/site.css', ['theme'])
    await put('https://a.test/js/app.js', ['theme', 'app'])
    await put('https://a.test/index.html')
    await put('https://b.test/img/1.png')
    assert.equal(await store.purge({ urls: ['https://a.test/img/1.png', 'https://a.test/nope'] }), 2)
    assert.equal(await store.purge({ prefixes: ['https://a.test/img/'] }), 1)
    await put('https://b.test/css/site.css', ['theme'])
    assert.equal(await store.purge({ surrogateKeys: ['theme'], scopePrefix: 'https://a.test/' }), 2, 'only a.test objects, although b.test has the tag too')
    assert.equal(await store.purge({ surrogateKeys: ['theme'] }), 1)
    assert.equal(await store.purge({}), 0)
    assert.equal(await store.removeByPrimaryKey('https://a.test/index.html'), 1)
    assert.equal(await store.removeByPrimaryKey('https://a.test/index.html'), 0)
    assert.deepEqual(store.lookup('https://b.test/img/1.png').length, 1)
    assert.equal(store.stats().objects, 1)
    await store.close()
    const reopened = await open()
    assert.equal(reopened.stats().objects, 1)
    await reopened.close()
  })

  it('lists variants newest first and survives a reopen with the same order', async () => {
    const clock = fixedClock()
    const store = await open({ clock: clock.now })
    const ids: string[] = []
    for (const variant of ['a', 'b', 'c']) {
      clock.advance(1_000)
      const entry = await storeObject(store, sampleResponse('https://v.test/', { secondaryKey: variant }), Buffer.from(variant))
      assert.ok(entry)
      ids.unshift(entry.id)
    }
    assert.deepEqual(
      store.lookup('https://v.test/').map((entry) => entry.id),
      ids,
    )
    await store.close()
    const reopened = await open()
    assert.deepEqual(
      reopened.lookup('https://v.test/').map((entry) => entry.id),
      ids,
    )
    await reopened.close()
  })

  it('aborts open writers on close and refuses writes after it', async () => {
    const store = await open()
    const writer = store.beginWrite(sampleResponse('https://example.com/c'), [])
    await writer.write(Buffer.from('half'))
    await store.close()
    assert.equal(await writer.commit(), undefined)
    const late = store.beginWrite(sampleResponse('https://example.com/late'), [])
    await late.write(Buffer.from('x'))
    assert.equal(await late.commit(), undefined)
    assert.deepEqual(await readdir(resolveCacheLayout(dataDir).tmpDir), [])
  })

  it('refuses a limit that is not a whole number of bytes', async () => {
    await assert.rejects(open({ maxBytes: -1 }), (error) => isErrorWithCode(error, 'CACHE_STORE_CONFIG_INVALID'))
    await assert.rejects(open({ maxObjectBytes: 1.5 }), (error) => isErrorWithCode(error, 'CACHE_STORE_CONFIG_INVALID'))
  })
})
