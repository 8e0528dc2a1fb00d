import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { CONTINENT_CODES, continentOfCountry, knownCountryCodes } from './continent-of-country.ts'

describe('continentOfCountry', () => {
  it('covers the 249 ISO 3166-1 codes plus XK, each once, each a real region', () => {
    const codes = knownCountryCodes()
    assert.equal(codes.length, 250)
    const names = new Intl.DisplayNames(['en'], { type: 'region' })
    // ICU echoes a code back when it does not know the region.
    for (const code of codes) assert.notEqual(names.of(code), code, code)
  })

  it('uses only the seven continent codes', () => {
    assert.deepEqual([...CONTINENT_CODES].sort(), ['AF', 'AN', 'AS', 'EU', 'NA', 'OC', 'SA'])
    for (const code of knownCountryCodes()) assert.ok(CONTINENT_CODES.includes(continentOfCountry(code) ?? ''), code)
  })

  const cases: readonly (readonly [string, string | undefined])[] = [
    ['DE', 'EU'],
    ['RU', 'EU'],
    ['TR', 'AS'],
    ['EG', 'AF'],
    ['PA', 'NA'],
    ['BR', 'SA'],
    ['NZ', 'OC'],
    ['AQ', 'AN'],
    ['de', undefined],
    ['EU', undefined],
    ['', undefined],
    ['__proto__', undefined],
  ]
  for (const [country, continent] of cases) {
    it(`${JSON.stringify(country)} → ${String(continent)}`, () => {
      assert.equal(continentOfCountry(country), continent)
    })
  }
})
