import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { zoneSettingsPatchSchema } from './zone-settings-schema.ts'

describe('zoneSettingsPatchSchema', () => {
  it('normalizes case, removes duplicates and sorts lists', () => {
    const parsed = zoneSettingsPatchSchema.parse({ blockedCountries: ['de', 'US', 'DE'], customDomains: ['CDN.Example.com'], allowedReferrers: ['*.Example.com'] })
    assert.deepEqual(parsed, { blockedCountries: ['DE', 'US'], customDomains: ['cdn.example.com'], allowedReferrers: ['*.example.com'] })
  })

  it('parses a price as bigint base units', () => {
    assert.equal(zoneSettingsPatchSchema.parse({ pricePerGiB: '0.05 MSN' }).pricePerGiB, 5n * 10n ** 16n)
  })

  const invalid: [string, unknown][] = [
    ['an empty patch', {}],
    ['an unknown key', { origin: 'https://x.example' }],
    ['a three-letter country', { blockedCountries: ['DEU'] }],
    ['a domain with a port', { customDomains: ['cdn.example.com:443'] }],
    ['a bare label as domain', { customDomains: ['localhost'] }],
    ['a URL as domain', { customDomains: ['https://cdn.example.com'] }],
    ['a numeric price', { pricePerGiB: 5 }],
    ['a zero price', { pricePerGiB: '0' }],
    ['a referrer wildcard in the middle', { allowedReferrers: ['a.*.example.com'] }],
    ['too many domains', { customDomains: Array.from({ length: 101 }, (_, i) => `d${i}.example.com`) }],
  ]
  for (const [name, body] of invalid) {
    it(`refuses ${name}`, () => {
      assert.equal(zoneSettingsPatchSchema.safeParse(body).success, false)
    })
  }
})
