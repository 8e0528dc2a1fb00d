import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ReadThroughCache } from './read-through-cache.ts'

/** A cache over a map "store" that counts its reads; time is moved by hand. */
function setup(options: { readonly ttlMs?: number; readonly maxEntries?: number; readonly cacheable?: (value: number) => boolean } = {}) {
  const source = new Map<string, number>([['a', 1], ['b', 2]])
  let reads = 0
  let nowMs = 0
  const cache = new ReadThroughCache<number>({
    read: (key) => {
      reads += 1
      return Promise.resolve(source.get(key) ?? 0)
    },
    ttlMs: options.ttlMs ?? 1000,
    now: () => nowMs,
    ...(options.maxEntries === undefined ? {} : { maxEntries: options.maxEntries }),
    ...(options.cacheable === undefined ? {} : { cacheable: options.cacheable }),
  })
  return { cache, source, reads: () => reads, advance: (ms: number) => (nowMs += ms) }
}

describe('read-through cache', () => {
  it('reads once while fresh, again once the entry is older than the TTL', async () => {
    const { cache, source, reads, advance } = setup()
    assert.equal(await cache.get('a'), 1)
    source.set('a', 5)
    advance(999)
    assert.equal(await cache.get('a'), 1)
    assert.equal(reads(), 1)
    advance(1)
    assert.equal(await cache.get('a'), 5)
    assert.equal(reads(), 2)
  })

  it('shares one read among concurrent misses', async () => {
    const { cache, reads } = setup()
    assert.deepEqual(await Promise.all([cache.get('a'), cache.get('a'), cache.get('a')]), [1, 1, 1])
    assert.equal(reads(), 1)
  })

  it('forgets a deleted key at once, and does not store a read that was in flight when it was deleted', async () => {
    const { cache, source, reads } = setup()
    assert.equal(await cache.get('a'), 1)
    source.set('a', 7)
    cache.delete('a')
    assert.equal(await cache.get('a'), 7)
    const inFlight = cache.get('b') // reads 2
    source.set('b', 9)
    cache.delete('b')
    assert.equal(await inFlight, 2)
    assert.equal(await cache.get('b'), 9, 'the stale read was not stored')
    assert.equal(reads(), 4)
  })

  it('keeps only cacheable values, and drops an entry that an update makes uncacheable', async () => {
    const { cache, source, reads } = setup({ cacheable: (value) => value > 0 })
    source.set('a', 0)
    await cache.get('a')
    await cache.get('a')
    assert.equal(reads(), 2, 'a non-cacheable value is read every time')
    source.set('b', 3)
    cache.set('b', 3)
    cache.update('b', (value) => value - 3)
    source.set('b', -1)
    assert.equal(await cache.get('b'), -1)
    assert.equal(reads(), 3)
  })

  it('holds at most maxEntries, dropping the oldest', async () => {
    const { cache, reads } = setup({ maxEntries: 2 })
    await cache.get('a')
    await cache.get('b')
    await cache.get('c')
    await cache.get('b')
    await cache.get('c')
    assert.equal(reads(), 3)
    await cache.get('a')
    assert.equal(reads(), 4)
  })
})
