import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { zoneCacheKey, zonePurgeSelector } from './zone-cache-key.ts'

describe('zoneCacheKey', () => {
  it('namespaces objects by zone under a reserved name', () => {
    assert.equal(zoneCacheKey('my-site', '/img/a.png?v=1'), 'http://my-site.zone.invalid/img/a.png?v=1')
    assert.notEqual(zoneCacheKey('a', '/x'), zoneCacheKey('b', '/x'))
    assert.equal(zoneCacheKey('my_site', '/x'), 'http://my_site.zone.invalid/x')
  })
})

describe('zonePurgeSelector', () => {
  it('maps zone paths, coordinator URLs and custom-domain URLs to the zone\'s keys', () => {
    const selector = zonePurgeSelector({
      zone: 'my-site',
      urls: ['/a.png', 'http://coordinator.example/z/my-site/b.png?v=2', 'https://cdn.example.com/c.png', 'mailto:x@example.com'],
      prefixes: ['/img'],
      surrogateKeys: ['product-1'],
    })
    assert.deepEqual(selector, {
      urls: ['http://my-site.zone.invalid/a.png', 'http://my-site.zone.invalid/b.png?v=2', 'http://my-site.zone.invalid/c.png'],
      prefixes: ['http://my-site.zone.invalid/img'],
      surrogateKeys: ['product-1'],
      scopePrefix: 'http://my-site.zone.invalid/',
    })
  })

  it('without a zone, places only /z/<zone>/ entries', () => {
    assert.deepEqual(zonePurgeSelector({ urls: ['/z/shop/a.png', '/a.png'] }), { urls: ['http://shop.zone.invalid/a.png'], prefixes: [], surrogateKeys: [] })
  })

  it('never reaches into another zone', () => {
    assert.deepEqual(zonePurgeSelector({ zone: 'mine', urls: ['/z/theirs/a.png'] }).urls, ['http://mine.zone.invalid/z/theirs/a.png'])
  })

  it('with a zone id, keys in the id\'s namespace: a later zone of the same name is out of reach', () => {
    const selector = zonePurgeSelector({ zone: 'x', zoneId: 'zon_aaaaaaaaaaaaaaaaaaaa', urls: ['/a.png', '/z/x/b.png'], prefixes: ['/'] })
    assert.deepEqual(selector, {
      urls: ['http://zon_aaaaaaaaaaaaaaaaaaaa.zone.invalid/a.png', 'http://zon_aaaaaaaaaaaaaaaaaaaa.zone.invalid/b.png'],
      prefixes: ['http://zon_aaaaaaaaaaaaaaaaaaaa.zone.invalid/'],
      surrogateKeys: [],
      scopePrefix: 'http://zon_aaaaaaaaaaaaaaaaaaaa.zone.invalid/',
    })
    assert.ok(!selector.scopePrefix.startsWith(zoneCacheKey('x', '/')))
  })
})
