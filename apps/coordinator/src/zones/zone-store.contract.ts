import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { isErrorWithCode } from '@meson/protocol'
import type { AccountId } from '@meson/protocol'
import type { Store } from '../store/store.ts'
import type { ZoneStore } from './zone-store.ts'

/** What the suite opens per test: the zone store, and the store its zones' accounts live in. */
export interface ZoneStoreUnderTest {
  readonly zones: ZoneStore
  readonly store: Pick<Store, 'createAccount' | 'getAccount'>
  close(): Promise<void>
}

/**
 * The compliance suite of the `ZoneStore` port, run against SQLite and PostgreSQL. Each
 * test opens a fresh, empty database and closes it. Pins down: names are unique across
 * accounts (one of several racing creators wins); prices are exact bigints, 0 allowed,
 * negative refused; `listZones` is ordered by name; only the owner deletes; a settings
 * patch (price included) commits whole or not at all.
 */
export function runZoneStoreContract(label: string, openFresh: () => Promise<ZoneStoreUnderTest>): void {
  async function withStores(run: (opened: ZoneStoreUnderTest) => Promise<void>): Promise<void> {
    const opened = await openFresh()
    try {
      await run(opened)
    } finally {
      await opened.close()
    }
  }

  describe(`ZoneStore contract: ${label}`, () => {
    describe('zones', () => {
      it('creates a zone and reads it back with its exact bigint price', () =>
        withStores(async ({ zones, store }) => {
          const buyer = await store.createAccount({ name: 'B', role: 'buyer' })
          const price = 10n ** 30n + 7n
          const result = await zones.createZone({ accountId: buyer.id, name: 'images', origin: 'https://origin.example', pricePerGiB: price })
          assert.equal(result.status, 'created')
          assert.match(result.zone.id, /^zon_[a-z2-7]{20}$/)
          assert.equal(result.zone.pricePerGiB, price)
          assert.deepEqual(await zones.getZoneByName('images'), result.zone)
          assert.equal(await zones.getZoneByName('videos'), undefined)
        }))

      it('answers name-taken for a name any account already uses', () =>
        withStores(async ({ zones, store }) => {
          const a = await store.createAccount({ name: 'A', role: 'buyer' })
          const b = await store.createAccount({ name: 'B', role: 'buyer' })
          await zones.createZone({ accountId: a.id, name: 'shared', origin: 'https://a.example', pricePerGiB: 1n })
          assert.deepEqual(await zones.createZone({ accountId: b.id, name: 'shared', origin: 'https://b.example', pricePerGiB: 2n }), { status: 'name-taken' })
          assert.deepEqual(await zones.createZone({ accountId: a.id, name: 'shared', origin: 'https://a.example', pricePerGiB: 1n }), { status: 'name-taken' })
          assert.equal((await zones.getZoneByName('shared'))?.accountId, a.id)
        }))

      it('lets exactly one of several concurrent creators have a name', () =>
        withStores(async ({ zones, store }) => {
          const accounts = await Promise.all([1, 2, 3, 4].map((n) => store.createAccount({ name: `A${n}`, role: 'buyer' })))
          const results = await Promise.all(accounts.map((account) => zones.createZone({ accountId: account.id, name: 'race', origin: 'https://o.example', pricePerGiB: 1n })))
          assert.equal(results.filter((result) => result.status === 'created').length, 1)
          assert.equal(results.filter((result) => result.status === 'name-taken').length, 3)
        }))

      it('lists only the account’s zones, ordered by name', () =>
        withStores(async ({ zones, store }) => {
          const a = await store.createAccount({ name: 'A', role: 'buyer' })
          const b = await store.createAccount({ name: 'B', role: 'buyer' })
          for (const name of ['zeta', 'alpha', 'mid']) await zones.createZone({ accountId: a.id, name, origin: 'https://a.example', pricePerGiB: 1n })
          await zones.createZone({ accountId: b.id, name: 'other', origin: 'https://b.example', pricePerGiB: 1n })
          assert.deepEqual((await zones.listZones(a.id)).map((zone) => zone.name), ['alpha', 'mid', 'zeta'])
          assert.deepEqual((await zones.listZones(b.id)).map((zone) => zone.name), ['other'])
          assert.deepEqual(await zones.listZones(accountId('acc_nobody')), [])
        }))

      it('deletes only the caller’s own zone, after which the name is free', () =>
        withStores(async ({ zones, store }) => {
          const owner = await store.createAccount({ name: 'Owner', role: 'buyer' })
          const other = await store.createAccount({ name: 'Other', role: 'buyer' })
          await zones.createZone({ accountId: owner.id, name: 'mine', origin: 'https://o.example', pricePerGiB: 1n })
          assert.equal(await zones.deleteZone(other.id, 'mine'), false)
          assert.notEqual(await zones.getZoneByName('mine'), undefined)
          assert.equal(await zones.deleteZone(owner.id, 'mine'), true)
          assert.equal(await zones.getZoneByName('mine'), undefined)
          assert.equal(await zones.deleteZone(owner.id, 'mine'), false)
          assert.equal((await zones.createZone({ accountId: other.id, name: 'mine', origin: 'https://x.example', pricePerGiB: 1n })).status, 'created')
        }))

      it('keeps unicode zone names and a zero price', () =>
        withStores(async ({ zones, store }) => {
          const a = await store.createAccount({ name: 'A', role: 'buyer' })
          await zones.createZone({ accountId: a.id, name: 'bücher-東京', origin: 'https://o.example', pricePerGiB: 0n })
          assert.equal((await zones.getZoneByName('bücher-東京'))?.pricePerGiB, 0n)
        }))

      it('stores SQL-ish names and origins literally and the tables survive them', () =>
        withStores(async ({ zones, store }) => {
          const account = await store.createAccount({ name: "x'; DROP TABLE zones;--", role: 'buyer' })
          const result = await zones.createZone({ accountId: account.id, name: "z'); DELETE FROM accounts;--", origin: "http://o/'--", pricePerGiB: 1n })
          assert.equal(result.status, 'created')
          assert.equal((await zones.getZoneByName("z'); DELETE FROM accounts;--"))?.origin, "http://o/'--")
          assert.equal((await store.getAccount(account.id))?.name, "x'; DROP TABLE zones;--")
        }))

      it('refuses a zone for an unknown account (ACCOUNT_NOT_FOUND) or a negative price (AMOUNT_OUT_OF_RANGE)', () =>
        withStores(async ({ zones, store }) => {
          await assert.rejects(zones.createZone({ accountId: accountId('acc_nobody'), name: 'orphan', origin: 'https://o.example', pricePerGiB: 1n }), hasCode('ACCOUNT_NOT_FOUND'))
          const a = await store.createAccount({ name: 'A', role: 'buyer' })
          await assert.rejects(zones.createZone({ accountId: a.id, name: 'neg', origin: 'https://o.example', pricePerGiB: -1n }), hasCode('AMOUNT_OUT_OF_RANGE'))
          await assert.rejects(zones.createZone({ accountId: a.id, name: 'huge', origin: 'https://o.example', pricePerGiB: 10n ** 78n }), hasCode('AMOUNT_OUT_OF_RANGE'))
          for (const name of ['orphan', 'neg', 'huge']) assert.equal(await zones.getZoneByName(name), undefined)
        }))
    })

    describe('settings', () => {
      async function withZone(run: (opened: ZoneStoreUnderTest, owner: AccountId) => Promise<void>): Promise<void> {
        await withStores(async (opened) => {
          const buyer = await opened.store.createAccount({ name: 'Buyer', role: 'buyer' })
          assert.equal((await opened.zones.createZone({ accountId: buyer.id, name: 'site', origin: 'https://origin.example', pricePerGiB: 10n ** 18n })).status, 'created')
          await run(opened, buyer.id)
        })
      }

      it('updates zone settings: lists replace the old ones, the price changes, a taken domain changes nothing', () =>
        withZone(async ({ zones }, owner) => {
          const zone = await zones.getZoneByName('site')
          assert.ok(zone)
          assert.deepEqual(await zones.getZoneSettings(zone.id), { allowedReferrers: [], blockedCountries: [], customDomains: [] })
          const updated = await zones.updateZoneSettings(owner, 'site', { pricePerGiB: 7n, allowedReferrers: ['example.com'], customDomains: ['cdn.example.com'] })
          assert.equal(updated.status, 'updated')
          assert.deepEqual(await zones.getZoneSettings(zone.id), { allowedReferrers: ['example.com'], blockedCountries: [], customDomains: ['cdn.example.com'] })
          assert.equal((await zones.getZoneByName('site'))?.pricePerGiB, 7n)
          const other = await zones.createZone({ accountId: owner, name: 'other', origin: 'https://o.example', pricePerGiB: 1n })
          assert.equal(other.status, 'created')
          // The price and the blocked countries of the refused patch roll back with the domain.
          assert.deepEqual(await zones.updateZoneSettings(owner, 'other', { pricePerGiB: 9n, customDomains: ['cdn.example.com'], blockedCountries: ['DE'] }), { status: 'domain-taken', hostname: 'cdn.example.com' })
          assert.equal((await zones.getZoneByName('other'))?.pricePerGiB, 1n)
          const listed = await zones.listZonesWithSettings()
          assert.deepEqual(listed.map((entry) => [entry.zone.name, entry.settings.blockedCountries, entry.settings.customDomains]), [['other', [], []], ['site', [], ['cdn.example.com']]])
        }))

      it('keeps the settings a patch does not name, and answers the zone with its new settings', () =>
        withZone(async ({ zones }, owner) => {
          await zones.updateZoneSettings(owner, 'site', { allowedReferrers: ['a.example'], blockedCountries: ['DE', 'FR'], customDomains: ['x.example', 'w.example'] })
          const result = await zones.updateZoneSettings(owner, 'site', { blockedCountries: ['US'] })
          assert.ok(result.status === 'updated')
          assert.equal(result.zone.pricePerGiB, 10n ** 18n)
          assert.deepEqual(result.settings, { allowedReferrers: ['a.example'], blockedCountries: ['US'], customDomains: ['w.example', 'x.example'] })
        }))

      it("refuses a negative price through the settings with AMOUNT_OUT_OF_RANGE, changing nothing", () =>
        withZone(async ({ zones }, owner) => {
          const zone = await zones.getZoneByName('site')
          assert.ok(zone)
          await assert.rejects(zones.updateZoneSettings(owner, 'site', { pricePerGiB: -1n, blockedCountries: ['DE'] }), hasCode('AMOUNT_OUT_OF_RANGE'))
          assert.equal((await zones.getZoneByName('site'))?.pricePerGiB, zone.pricePerGiB)
          assert.deepEqual((await zones.getZoneSettings(zone.id)).blockedCountries, [])
        }))

      it('answers zone-not-found for a zone of another account, changing nothing', () =>
        withZone(async ({ zones, store }) => {
          const stranger = await store.createAccount({ name: 'Stranger', role: 'buyer' })
          assert.deepEqual(await zones.updateZoneSettings(stranger.id, 'site', { pricePerGiB: 1n }), { status: 'zone-not-found' })
          assert.equal((await zones.getZoneByName('site'))?.pricePerGiB, 10n ** 18n)
        }))

      it('forgets a zone’s settings and frees its domains when the zone is deleted', () =>
        withZone(async ({ zones }, owner) => {
          await zones.updateZoneSettings(owner, 'site', { blockedCountries: ['DE'], customDomains: ['cdn.example.com'] })
          assert.equal(await zones.deleteZone(owner, 'site'), true)
          assert.deepEqual(await zones.listZonesWithSettings(), [])
          const again = await zones.createZone({ accountId: owner, name: 'again', origin: 'https://o.example', pricePerGiB: 1n })
          assert.equal(again.status, 'created')
          assert.equal((await zones.updateZoneSettings(owner, 'again', { customDomains: ['cdn.example.com'] })).status, 'updated')
        }))
    })
  })
}

/** Test ids need not be well-formed, only distinct; the brand is a compile-time tag. */
function accountId(id: string): AccountId {
  return id as AccountId
}

function hasCode(code: string): (error: unknown) => boolean {
  return (error) => isErrorWithCode(error, code)
}
