import assert from 'node:assert/strict'
import { copyFile, mkdir, open as openFile, readdir, readFile, stat, symlink, truncate, unlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, it } from 'node:test'
import { newObjectId, resolveCacheLayout } from './cache-layout.ts'
import type { CacheEntry, CacheStore } from './cache-store.ts'
import { bodyOf, makeDataDir, readAll, sampleResponse, sha256Hex, storeObject } from '../../testing/cache-store-fixtures.ts'
import { openDiskCacheStore } from './disk-cache-store.ts'
import type { StoreLogger } from './store-logger.ts'

async function flipByte(path: string, offset: number): Promise<void> {
  const handle = await openFile(path, 'r+')
  try {
    const byte = Buffer.alloc(1)
    await handle.read(byte, 0, 1, offset)
    byte[0] = (byte[0] ?? 0) ^ 0xff
    await handle.write(byte, 0, 1, offset)
  } finally {
    await handle.close()
  }
}

function recordingLogger(): StoreLogger & { warnings: string[] } {
  const warnings: string[] = []
  return {
    warnings,
    warn: (fields, message) => warnings.push(`${message} ${JSON.stringify(fields.reason ?? fields.file ?? '')}`),
    info: () => undefined,
  }
}

describe('disk cache store recovery on open', () => {
  let dataDir = ''
  let cleanup: () => Promise<void> = () => Promise.resolve()
  const open = (logger?: StoreLogger, verifyBodiesOnOpen = false): Promise<CacheStore> =>
    openDiskCacheStore({
      verifyBodiesOnOpen,
      dataDir,
      maxBytes: 64 * 1024 * 1024,
      memoryMaxBytes: 0,
      maxObjectBytes: 16 * 1024 * 1024,
      ...(logger === undefined ? {} : { logger }),
    })

  beforeEach(async () => {
    ;({ dataDir, cleanup } = await makeDataDir())
  })
  afterEach(() => cleanup())

  it('reopens a store holding objects over 1 MiB (hashed streamed, not read whole) and serves them intact', async () => {
    const big = bodyOf('big', 3 * 1024 * 1024 + 17)
    const small = bodyOf('small', 1000)
    let store = await open()
    assert.ok(await storeObject(store, sampleResponse('https://example.com/big'), big, { chunkBytes: 256 * 1024 }))
    assert.ok(await storeObject(store, sampleResponse('https://example.com/small'), small))
    await store.close()
    store = await open()
    assert.equal(store.stats().discardedOnStart, 0)
    const [entry] = store.lookup('https://example.com/big')
    assert.ok(entry)
    assert.equal(entry.response.sha256, sha256Hex(big))
    assert.deepEqual(await readAll(store.createReadStream(entry)), big)
    assert.equal(store.lookup('https://example.com/small').length, 1)
    await store.close()
  })

  it('serves at once on open and removes a corrupt body in the background, unread (verifyBodiesOnOpen off)', async () => {
    let store = await open()
    const intact = await storeObject(store, sampleResponse('https://example.com/intact'), bodyOf('intact', 40_000))
    const corrupt = await storeObject(store, sampleResponse('https://example.com/corrupt'), bodyOf('corrupt', 40_000))
    assert.ok(intact && corrupt)
    await store.close()
    await flipByte(resolveCacheLayout(dataDir).bodyPath(corrupt.id), 100)
    const logger = recordingLogger()
    store = await open(logger)
    // Indexed at once (size checked, hash not yet): both are found right after opening.
    assert.equal(store.stats().objects, 2)
    for (let turn = 0; turn < 1000 && store.stats().objects > 1; turn += 1) await new Promise((resolve) => setTimeout(resolve, 5))
    assert.deepEqual(store.lookup('https://example.com/corrupt'), [])
    assert.ok(logger.warnings.some((line) => line.includes('body sha256 mismatch')))
    const [kept] = store.lookup('https://example.com/intact')
    assert.ok(kept)
    assert.deepEqual(await readAll(store.createReadStream(kept)), bodyOf('intact', 40_000))
    await store.close()
  })

  it('never serves an object over 1 MiB whose body changed on disk while closed', async () => {
    const big = bodyOf('big-corrupt', 2 * 1024 * 1024)
    let store = await open()
    const entry = await storeObject(store, sampleResponse('https://example.com/big'), big)
    assert.ok(entry)
    await store.close()
    await flipByte(resolveCacheLayout(dataDir).bodyPath(entry.id), 1_500_000)
    store = await open()
    const [reopened] = store.lookup('https://example.com/big')
    const served = reopened === undefined ? undefined : await readAll(store.createReadStream(reopened)).catch(() => undefined)
    assert.ok(served === undefined || served.length < big.length, 'a corrupt body is never served whole')
    await store.close()
  })

  it('starts empty in a fresh data dir', async () => {
    const store = await open()
    assert.deepEqual(store.stats(), {
      objects: 0,
      storedBytes: 0,
      memoryObjects: 0,
      memoryBytes: 0,
      evictions: 0,
      discardedOnStart: 0,
    })
    await store.close()
  })

  it('discards torn and corrupt objects, serves the intact ones, and counts the discarded', async () => {
    const store = await open()
    const entries = new Map<string, CacheEntry>()
    for (const name of ['intact1', 'intact2', 'shortBody', 'flippedBody', 'longBody', 'shortMeta', 'flippedMeta', 'noBody', 'noMeta']) {
      const entry = await storeObject(store, sampleResponse(`https://c.test/${name}`), bodyOf(name, 40_000))
      assert.ok(entry)
      entries.set(name, entry)
    }
    await store.close()
    const layout = resolveCacheLayout(dataDir)
    const idOf = (name: string): string => entries.get(name)?.id ?? ''
    await truncate(layout.bodyPath(idOf('shortBody')), 39_999)
    await flipByte(layout.bodyPath(idOf('flippedBody')), 20_000)
    await writeFile(layout.bodyPath(idOf('longBody')), Buffer.from('trailing garbage'), { flag: 'a' })
    await truncate(layout.metaPath(idOf('shortMeta')), 30)
    await flipByte(layout.metaPath(idOf('flippedMeta')), 40)
    await unlink(layout.bodyPath(idOf('noBody')))
    await unlink(layout.metaPath(idOf('noMeta')))

    const logger = recordingLogger()
    const reopened = await open(logger, true)
    assert.equal(reopened.stats().discardedOnStart, 7)
    assert.equal(reopened.stats().objects, 2)
    for (const name of ['intact1', 'intact2']) {
      const [entry] = reopened.lookup(`https://c.test/${name}`)
      assert.ok(entry)
      assert.deepEqual(await readAll(reopened.createReadStream(entry)), bodyOf(name, 40_000))
    }
    for (const name of ['shortBody', 'flippedBody', 'longBody', 'shortMeta', 'flippedMeta', 'noBody', 'noMeta']) {
      assert.deepEqual(reopened.lookup(`https://c.test/${name}`), [], name)
      await assert.rejects(stat(layout.bodyPath(idOf(name))), { code: 'ENOENT' })
      await assert.rejects(stat(layout.metaPath(idOf(name))), { code: 'ENOENT' })
    }
    assert.ok(logger.warnings.some((line) => line.includes('body sha256 mismatch')))
    assert.ok(logger.warnings.some((line) => line.includes('body size mismatch')))
    assert.ok(logger.warnings.some((line) => line.includes('metadata checksum-mismatch')))
    await reopened.close()
    // The next open finds nothing more to discard.
    const again = await open()
    assert.equal(again.stats().discardedOnStart, 0)
    await again.close()
  })

  it('empties tmp/ and removes garbage, never following symlinks', async () => {
    const store = await open()
    const kept = await storeObject(store, sampleResponse('https://g.test/kept'), Buffer.from('kept'))
    assert.ok(kept)
    await store.close()
    const layout = resolveCacheLayout(dataDir)
    const outside = join(dataDir, 'precious.txt')
    await writeFile(outside, 'not the cache’s to delete')
    const id = newObjectId()
    await writeFile(layout.tmpBodyPath(id), 'half a body')
    await writeFile(layout.tmpMetaPath(id, 'commit'), 'half a meta')
    await mkdir(join(layout.tmpDir, 'nested'))
    await writeFile(join(layout.rootDir, 'garbage.txt'), 'x')
    await mkdir(join(layout.rootDir, 'zz'))
    await writeFile(join(layout.rootDir, 'zz', 'file'), 'x')
    await writeFile(join(layout.rootDir, 'ab', 'not-an-object'), 'x')
    const wrongShard = `cd${newObjectId().slice(2)}`
    await writeFile(join(layout.rootDir, 'ab', `${wrongShard}.body`), 'x')
    const symlinkId = `ab${newObjectId().slice(2)}`
    await symlink(outside, join(layout.rootDir, 'ab', `${symlinkId}.body`))
    await symlink(outside, join(layout.rootDir, 'ab', `${symlinkId}.meta`))

    const reopened = await open()
    assert.deepEqual(await readdir(layout.tmpDir), [])
    assert.deepEqual(await readdir(join(layout.rootDir, 'ab')), [])
    assert.equal(reopened.stats().objects, 1)
    assert.equal(reopened.stats().discardedOnStart, 6)
    assert.equal(await readFile(outside, 'utf8'), 'not the cache’s to delete')
    const rootEntries = await readdir(layout.rootDir)
    assert.ok(!rootEntries.includes('garbage.txt') && !rootEntries.includes('zz'))
    await reopened.close()
  })

  it('keeps the later of two objects for one key left by a crash mid-replacement', async () => {
    const layout = resolveCacheLayout(dataDir)
    const store = await open()
    const first = await storeObject(store, sampleResponse('https://d.test/'), Buffer.from('first'))
    assert.ok(first)
    await store.close()
    const savedBody = join(dataDir, 'saved.body')
    const savedMeta = join(dataDir, 'saved.meta')
    await copyFile(layout.bodyPath(first.id), savedBody)
    await copyFile(layout.metaPath(first.id), savedMeta)

    const second = await open()
    const replacement = await storeObject(second, sampleResponse('https://d.test/'), Buffer.from('second'))
    assert.ok(replacement)
    await second.close()
    // Put the replaced object back, as if the process died before unlinking it.
    await copyFile(savedBody, layout.bodyPath(first.id))
    await copyFile(savedMeta, layout.metaPath(first.id))

    const third = await open()
    const variants = third.lookup('https://d.test/')
    assert.deepEqual(
      variants.map((entry) => entry.id),
      [replacement.id],
    )
    assert.equal((await readAll(third.createReadStream(replacement))).toString(), 'second')
    assert.equal(third.stats().discardedOnStart, 0)
    await assert.rejects(stat(layout.metaPath(first.id)), { code: 'ENOENT' })
    await third.close()
  })

  it('rebuilds the index of many objects with their hashes', async () => {
    const store = await open()
    const expected = new Map<string, string>()
    for (let index = 0; index < 40; index += 1) {
      const body = bodyOf(`many${index}`, 1 + index * 997)
      await storeObject(store, sampleResponse(`https://m.test/${index}`), body)
      expected.set(`https://m.test/${index}`, sha256Hex(body))
    }
    await store.close()
    const reopened = await open()
    assert.equal(reopened.stats().objects, 40)
    for (const [key, sha256] of expected) {
      const [entry] = reopened.lookup(key)
      assert.ok(entry)
      assert.equal(sha256Hex(await readAll(reopened.createReadStream(entry))), sha256)
    }
    await reopened.close()
  })
})
