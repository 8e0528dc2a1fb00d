import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { CacheContext } from './cache-context.ts'
import { ZoneContexts } from './zone-contexts.ts'

/** ZoneContexts only copies its base into each zone's context; no field of it is used here. */
const base = {} as unknown as CacheContext
const settings = { connectTimeoutMs: 1000, responseTimeoutMs: 1000, idleTimeoutMs: 1000, maxSockets: 4 }

describe('ZoneContexts', () => {
  it('gives one context per zone and origin, keyed in the zone\'s namespace', () => {
    const contexts = new ZoneContexts(base, settings)
    const first = contexts.contextFor('zon_a', 'http://127.0.0.1:1/')
    assert.equal(contexts.contextFor('zon_a', 'http://127.0.0.1:1/'), first)
    assert.notEqual(contexts.contextFor('zon_a', 'http://127.0.0.1:2/'), first)
    assert.notEqual(contexts.contextFor('zon_b', 'http://127.0.0.1:1/'), first)
    assert.equal(first.originHost, '127.0.0.1:1')
    assert.equal(contexts.size, 3)
    contexts.close()
    assert.equal(contexts.size, 0)
  })

  it('is bounded: a pair not used lately is dropped (and made again when asked for), a hot one is kept', () => {
    const contexts = new ZoneContexts(base, settings, { maxContexts: 2 })
    const hot = contexts.contextFor('zon_hot', 'http://127.0.0.1:1/')
    const cold = contexts.contextFor('zon_cold', 'http://127.0.0.1:1/')
    for (let index = 0; index < 10; index++) {
      assert.equal(contexts.contextFor('zon_hot', 'http://127.0.0.1:1/'), hot)
      contexts.contextFor(`zon_new${String(index)}`, 'http://127.0.0.1:1/')
      assert.equal(contexts.size, 2)
    }
    assert.equal(contexts.contextFor('zon_hot', 'http://127.0.0.1:1/'), hot)
    assert.notEqual(contexts.contextFor('zon_cold', 'http://127.0.0.1:1/'), cold)
    assert.equal(contexts.size, 2)
    contexts.close()
  })
})
