import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { MemoryTier } from './memory-tier.ts'

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
})
