import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { createCountryLookup, createStaticCountryLookup, LOCAL_LOCATION } from './country-lookup.ts'

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
