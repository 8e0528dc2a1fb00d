import assert from 'node:assert/strict'
import { before, describe, it } from 'node:test'
import { isErrorWithCode } from '@meson/protocol'
import type { CountryLookup } from '../../routing/country-lookup.ts'
import { LOCAL_LOCATION } from '../../routing/country-lookup.ts'
import { openGeoIpLookup } from './open-geoip-lookup.ts'

// These look addresses up as DATA in a local file: no packet is sent anywhere.
describe('openGeoIpLookup (geo-whois-asn-country.mmdb)', () => {
  let geo: CountryLookup
  before(async () => {
    geo = await openGeoIpLookup()
  })

  const publicAddresses: readonly (readonly [string, string, string, string])[] = [
    ['8.8.8.8', 'US', 'NA', "Google's resolver"],
    ['9.9.9.9', 'US', 'NA', "Quad9's resolver"],
    ['2001:4860:4860::8888', 'US', 'NA', "Google's resolver over IPv6"],
    ['::ffff:8.8.8.8', 'US', 'NA', 'IPv4-mapped (the raw MMDB answers nothing for it)'],
    ['193.0.6.139', 'NL', 'EU', 'RIPE NCC, Amsterdam'],
    ['202.12.27.33', 'JP', 'AS', 'M root server, WIDE, Tokyo'],
    ['196.216.2.1', 'ZA', 'AF', 'AFRINIC'],
    ['200.3.14.10', 'UY', 'SA', 'LACNIC, Montevideo'],
  ]
  for (const [ip, country, continent, what] of publicAddresses) {
    it(`puts ${ip} (${what}) in ${country}, ${continent}`, () => {
      assert.deepEqual(geo.lookupCountry(ip), { country, continent })
    })
  }

  for (const ip of ['127.0.0.1', '10.0.0.1', '192.168.1.1', '172.20.0.1', '100.64.0.1', '169.254.1.1', '::1', 'fe80::1', 'fd00::1', '::ffff:10.1.1.1']) {
    it(`answers 'local' for ${ip}`, () => {
      assert.deepEqual(geo.lookupCountry(ip), LOCAL_LOCATION)
    })
  }

  for (const ip of ['', 'not-an-ip', '999.1.1.1', '1.2.3.4/24', 'fe80::1%lo', '0.0.0.0', '::']) {
    it(`answers unknown for ${JSON.stringify(ip)}`, () => {
      assert.equal(geo.lookupCountry(ip), undefined)
    })
  }

  it('fails at start with GEOIP_DATABASE_UNREADABLE for a missing file', async () => {
    await assert.rejects(openGeoIpLookup({ databasePath: '/nonexistent/geo.mmdb' }), (error) => isErrorWithCode(error, 'GEOIP_DATABASE_UNREADABLE'))
  })
})
