import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { createCachedCountryLookup, createCountryLookup, createStaticCountryLookup, LOCAL_LOCATION } from './country-lookup.ts'
import type { CountryLookup } from './country-lookup.ts'

describe('createCountryLookup', () => {
  const seen: string[] = []
  const lookup = createCountryLookup((ip) => {
    seen.push(ip)
    return ip === '8.8.8.8' ? { country: 'US', continent: 'NA' } : undefined
  })

  it('answers local addresses itself, without asking the database', () => {
    seen.length = 0
    for (const ip of ['127.0.0.1', '::1', '10.0.0.1', '::ffff:192.168.1.1', 'fd00::1', '100.64.1.1', '169.254.0.1']) {
      assert.deepEqual(lookup.lookupCountry(ip), LOCAL_LOCATION, ip)
    }
    assert.deepEqual(seen, [])
  })

  it('answers undefined for what is not an IP, without asking the database', () => {
    seen.length = 0
    for (const ip of ['', 'example.com', '1.2.3.4.5', '::g', '8.8.8.8 ']) assert.equal(lookup.lookupCountry(ip), undefined, ip)
    assert.deepEqual(seen, [])
  })

  it('asks the database with IPv4-mapped IPv6 turned into plain IPv4', () => {
    seen.length = 0
    assert.deepEqual(lookup.lookupCountry('::ffff:8.8.8.8'), { country: 'US', continent: 'NA' })
    assert.deepEqual(seen, ['8.8.8.8'])
  })

  it('answers undefined for a public address the database does not know', () => {
    assert.equal(lookup.lookupCountry('203.0.113.1'), undefined)
  })
})

describe('createStaticCountryLookup', () => {
  it('looks up exact addresses and keeps the local rule', () => {
    const lookup = createStaticCountryLookup({ '198.51.100.7': { country: 'FR', continent: 'EU' } })
    assert.deepEqual(lookup.lookupCountry('198.51.100.7'), { country: 'FR', continent: 'EU' })
    assert.deepEqual(lookup.lookupCountry('127.0.0.1'), LOCAL_LOCATION)
    assert.equal(lookup.lookupCountry('__proto__'), undefined)
  })
})

describe('createCachedCountryLookup', () => {
  const US = { country: 'US', continent: 'NA' }
  function counting(): { lookup: CountryLookup; seen: string[] } {
    const seen: string[] = []
    return { seen, lookup: { lookupCountry: (ip) => (seen.push(ip), ip === '8.8.8.8' ? US : ip === '127.0.0.1' ? LOCAL_LOCATION : undefined) } }
  }

  it('answers as the lookup does, asking it once per address (unknown answers included)', () => {
    const { lookup, seen } = counting()
    const cached = createCachedCountryLookup(lookup)
    for (let round = 0; round < 3; round++) {
      assert.deepEqual(cached.lookupCountry('8.8.8.8'), US)
      assert.deepEqual(cached.lookupCountry('127.0.0.1'), LOCAL_LOCATION)
      assert.equal(cached.lookupCountry('9.9.9.9'), undefined)
      assert.equal(cached.lookupCountry('not an ip'), undefined)
    }
    assert.deepEqual(seen, ['8.8.8.8', '127.0.0.1', '9.9.9.9', 'not an ip'])
  })

  it('stays bounded: past its size it forgets the oldest address and asks again', () => {
    const { lookup, seen } = counting()
    const cached = createCachedCountryLookup(lookup, 2)
    cached.lookupCountry('8.8.8.8')
    cached.lookupCountry('1.1.1.1')
    cached.lookupCountry('2.2.2.2')
    cached.lookupCountry('2.2.2.2')
    cached.lookupCountry('1.1.1.1')
    assert.deepEqual(cached.lookupCountry('8.8.8.8'), US)
    assert.deepEqual(seen, ['8.8.8.8', '1.1.1.1', '2.2.2.2', '8.8.8.8'])
  })
})
