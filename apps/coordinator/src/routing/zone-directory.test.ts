import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { AccountId } from '@meson/protocol'
import { ZoneDirectory } from './zone-directory.ts'
import type { ZoneEntry } from './zone-directory.ts'

const site: ZoneEntry = {
  name: 'my-site',
  origin: 'https://origin.example.com',
  pricePerGiB: 50_000_000_000_000_000n,
  accountId: 'acc_aaaaaaaaaaaaaaaaaaaa' as AccountId, // a fixture id, shaped like newAccountId()'s
  hasBalance: true,
  blockedCountries: ['kp', 'IR'],
  customDomains: ['cdn.example.com', 'Static.Example.org.'],
}
const directory = new ZoneDirectory([site])

describe('ZoneDirectory', () => {
  it('finds a zone by its name and nothing else', () => {
    assert.equal(directory.findByName('my-site')?.origin, site.origin)
    for (const name of ['My-Site', 'my-site ', '', '__proto__', 'constructor', 'toString']) assert.equal(directory.findByName(name), undefined, name)
  })

  const hosts: readonly (readonly [string, boolean])[] = [
    ['cdn.example.com', true],
    ['CDN.Example.COM', true],
    ['cdn.example.com:443', true],
    ['cdn.example.com.', true],
    ['static.example.org', true],
    ['evil.cdn.example.com', false],
    ['example.com', false],
    ['[::1]:80', false],
    ['', false],
  ]
  for (const [host, isFound] of hosts) {
    it(`${isFound ? 'maps' : 'does not map'} Host ${JSON.stringify(host)}`, () => {
      assert.equal(directory.findByHost(host)?.name, isFound ? 'my-site' : undefined)
    })
  }

  const countries: readonly (readonly [string | undefined, boolean])[] = [
    ['KP', true],
    ['kp', true],
    ['IR', true],
    ['DE', false],
    ['local', false],
    [undefined, false],
  ]
  for (const [country, isBlocked] of countries) {
    it(`${isBlocked ? 'blocks' : 'lets through'} clients from ${String(country)}`, () => {
      assert.equal(directory.isCountryBlocked('my-site', country), isBlocked)
    })
  }

  it('blocks nothing for a zone without a block list', () => {
    const open = new ZoneDirectory([{ ...site, name: 'open', blockedCountries: [] }])
    assert.equal(open.isCountryBlocked('open', 'KP'), false)
  })

  it('keeps its entries as they were when built', () => {
    const entries: ZoneEntry[] = [{ ...site }]
    const snapshot = new ZoneDirectory(entries)
    entries[0] = { ...site, hasBalance: false }
    assert.equal(snapshot.findByName('my-site')?.hasBalance, true)
    assert.equal(snapshot.size, 1)
  })

  it('lists its entries, from which an equal directory is built (a redirect worker\'s copy)', () => {
    const snapshot = new ZoneDirectory([{ ...site, customDomains: ['CDN.example.com'], blockedCountries: ['fr'] }, { ...site, name: 'other', customDomains: [] }])
    const copy = new ZoneDirectory(snapshot.entries())
    assert.deepEqual(copy.entries(), snapshot.entries())
    assert.equal(copy.findByHost('cdn.example.com')?.name, 'my-site')
    assert.equal(copy.isCountryBlocked('my-site', 'FR'), true)
    assert.equal(copy.size, 2)
  })
})
