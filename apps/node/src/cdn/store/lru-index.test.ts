import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { IndexedObject } from './lru-index.ts'
import { LruIndex } from './lru-index.ts'
import { seededPicker } from '../../testing/seeded-picker.ts'

function object(id: string, primaryKey: string, secondaryKey = '', sizeBytes = 10): IndexedObject {
  return {
    entry: {
      id,
      surrogateKeys: [],
      response: {
        primaryKey,
        secondaryKey,
        status: 200,
        headers: {},
        varyRequestHeaders: {},
        requestTimeMs: 0,
        responseTimeMs: 0,
        sizeBytes,
        sha256: '',
      },
    },
    sizeBytes,
    storedAtMs: 0,
  }
}

const idsInLruOrder = (index: LruIndex): string[] => [...index.values()].map((value) => value.entry.id)

describe('LruIndex', () => {
  it('orders objects from least to most recently used, touch moving one to the end', () => {
    const index = new LruIndex()
    index.add(object('a', 'k1'))
    index.add(object('b', 'k2'))
    index.add(object('c', 'k3'))
    index.touch('a')
    assert.deepEqual(idsInLruOrder(index), ['b', 'c', 'a'])
    assert.equal(index.leastRecentlyUsed()?.entry.id, 'b')
  })

  it('replaces the object with the same primary and secondary key and returns it', () => {
    const index = new LruIndex()
    index.add(object('old', 'k', 'gzip', 5))
    index.add(object('other-variant', 'k', 'br', 7))
    const replaced = index.add(object('new', 'k', 'gzip', 11))
    assert.equal(replaced?.entry.id, 'old')
    assert.deepEqual(
      index.variants('k').map((variant) => variant.entry.id),
      ['new', 'other-variant'],
    )
    assert.equal(index.totalBytes, 18)
    assert.equal(index.size, 2)
  })

  it('keeps the byte total and primary-key lists right across deletes', () => {
    const index = new LruIndex()
    index.add(object('a', 'k', 'x', 3))
    index.add(object('b', 'k', 'y', 4))
    assert.equal(index.delete('a')?.entry.id, 'a')
    assert.equal(index.delete('a'), undefined)
    assert.equal(index.totalBytes, 4)
    index.delete('b')
    assert.deepEqual(index.variants('k'), [])
    assert.equal(index.totalBytes, 0)
    assert.equal(index.leastRecentlyUsed(), undefined)
  })

  it('updates an entry in place and marks it used', () => {
    const index = new LruIndex()
    index.add(object('a', 'k1'))
    index.add(object('b', 'k2'))
    const updated = object('a', 'k1')
    index.update(updated)
    assert.equal(index.get('a'), updated)
    assert.equal(index.variants('k1')[0], updated)
    assert.deepEqual(idsInLruOrder(index), ['b', 'a'])
  })

  it('keeps the exact LRU order through any mix of operations (touching the newest object is skipped)', () => {
    const index = new LruIndex()
    const model: string[] = []
    const next = seededPicker(7)
    for (let step = 0; step < 3000; step += 1) {
      const id = 'abcde'.charAt(next(5))
      const present = model.includes(id)
      const without = model.filter((other) => other !== id)
      switch (next(4)) {
        case 0:
          // The same primary and secondary key: replaces the object, which becomes the newest.
          index.add(object(id, id))
          model.splice(0, model.length, ...without, id)
          break
        case 1:
          index.touch(id)
          if (present) model.splice(0, model.length, ...without, id)
          break
        case 2:
          index.update(object(id, id))
          if (present) model.splice(0, model.length, ...without, id)
          break
        default:
          index.delete(id)
          model.splice(0, model.length, ...without)
      }
      assert.deepEqual(idsInLruOrder(index), model, `step ${String(step)}`)
    }
  })
})
