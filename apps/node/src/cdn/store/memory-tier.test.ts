import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { MemoryTier } from './memory-tier.ts'
import { seededPicker } from '../../testing/seeded-picker.ts'

describe('MemoryTier', () => {
  it('refuses bodies over the per-object cap', () => {
    const tier = new MemoryTier({ maxBytes: 100, maxObjectBytes: 10 })
    assert.equal(tier.set('big', Buffer.alloc(11)), false)
    assert.equal(tier.get('big'), undefined)
    assert.equal(tier.bytes, 0)
  })

  it('evicts least recently used bodies to stay within its budget', () => {
    const tier = new MemoryTier({ maxBytes: 30, maxObjectBytes: 10 })
    tier.set('a', Buffer.alloc(10))
    tier.set('b', Buffer.alloc(10))
    tier.set('c', Buffer.alloc(10))
    tier.get('a')
    tier.set('d', Buffer.alloc(10))
    assert.equal(tier.get('b'), undefined)
    assert.ok(tier.get('a'))
    assert.ok(tier.get('c'))
    assert.ok(tier.get('d'))
    assert.equal(tier.bytes, 30)
    assert.equal(tier.count, 3)
  })

  it('counts a body set twice once', () => {
    const tier = new MemoryTier({ maxBytes: 30, maxObjectBytes: 10 })
    tier.set('a', Buffer.alloc(10))
    tier.set('a', Buffer.alloc(5))
    assert.equal(tier.bytes, 5)
    tier.delete('a')
    assert.equal(tier.bytes, 0)
  })

  it('evicts in exact LRU order through any mix of reads, sets and deletes (reading the newest body is skipped)', () => {
    const tier = new MemoryTier({ maxBytes: 30, maxObjectBytes: 10 })
    const model: string[] = []
    const next = seededPicker(11)
    for (let step = 0; step < 3000; step += 1) {
      const id = 'abcde'.charAt(next(5))
      const present = model.includes(id)
      const without = model.filter((other) => other !== id)
      switch (next(3)) {
        case 0:
          assert.equal(tier.get(id) !== undefined, present, `step ${String(step)}: get ${id}`)
          if (present) model.splice(0, model.length, ...without, id)
          break
        case 1:
          tier.set(id, Buffer.alloc(10))
          // Three bodies fit: the least recently used one goes first.
          model.splice(0, model.length, ...without.slice(Math.max(0, without.length - 2)), id)
          break
        default:
          tier.delete(id)
          model.splice(0, model.length, ...without)
      }
      assert.equal(tier.count, model.length, `step ${String(step)}`)
    }
  })
})
