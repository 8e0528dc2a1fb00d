import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { createStaticCountryLookup } from '../routing/country-lookup.ts'
import { countryOfClient } from './country-of-client.ts'

const geo = createStaticCountryLookup({ '203.0.113.0': { country: 'DE', continent: 'EU' }, '198.51.100.7': { country: 'FR', continent: 'EU' } })

describe('countryOfClient', () => {
  it('locates a ticket client given as an address or as a prefix (by its network address)', () => {
    assert.equal(countryOfClient('198.51.100.7', geo), 'FR')
    assert.equal(countryOfClient('203.0.113.0/24', geo), 'DE')
  })

  it('answers local for local clients and unknown for unlocated or malformed ones', () => {
    assert.equal(countryOfClient('127.0.0.1', geo), 'local')
    assert.equal(countryOfClient('192.0.2.1', geo), 'unknown')
    assert.equal(countryOfClient('not-an-ip', geo), 'unknown')
  })
})
