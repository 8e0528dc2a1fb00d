import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { Store } from '../store/store.ts'
import type { ZoneStore } from '../zones/zone-store.ts'
import type { IpfsZoneStore } from './ipfs-zone-store.ts'

/** The IpfsZoneStore contract, run against every implementation (SQLite, PostgreSQL). */
export function runIpfsZoneStoreContract(label: string, open: () => Promise<{ store: Store; zones: ZoneStore; ipfsZones: IpfsZoneStore; close: () => Promise<void> }>): void {
  describe(`IpfsZoneStore contract (${label})`, () => {
    it('keeps upstreams per zone, replaces them on a second set, and forgets them with the zone', async () => {
      const { store, zones, ipfsZones, close } = await open()
      try {
        const buyer = await store.createAccount({ name: 'ipfs-buyer', role: 'buyer' })
        const created = await zones.createZone({ accountId: buyer.id, name: 'gw', origin: 'https://gw.example', pricePerGiB: 1n })
        if (created.status !== 'created') throw new Error(`zone not created: ${created.status}`)
        assert.equal((await ipfsZones.listUpstreams()).size, 0)
        await ipfsZones.setUpstreams(created.zone.id, ['https://a.example', 'https://b.example'])
        assert.deepEqual(await ipfsZones.listUpstreams(), new Map([[created.zone.id, ['https://a.example', 'https://b.example']]]))
        await ipfsZones.setUpstreams(created.zone.id, ['https://c.example'])
        assert.deepEqual(await ipfsZones.listUpstreams(), new Map([[created.zone.id, ['https://c.example']]]))
        assert.equal(await zones.deleteZone(buyer.id, 'gw'), true)
        assert.equal((await ipfsZones.listUpstreams()).size, 0)
      } finally {
        await close()
      }
    })
  })
}
