import { runIpfsZoneStoreContract } from '../../gateway/ipfs-zone-store.contract.ts'
import { openStores } from './open-store.ts'
import type { OpenStoreOptions } from './open-store.ts'
import { onPostgres } from '../../testing/on-postgres.ts'

/* The IpfsZoneStore contract on SQLite (in memory) and on a real PostgreSQL. */

async function openPair(options: OpenStoreOptions): Promise<Awaited<ReturnType<Parameters<typeof runIpfsZoneStoreContract>[1]>>> {
  const stores = await openStores(options)
  return { store: stores.store, zones: stores.zones, ipfsZones: stores.ipfsZones, close: () => stores.close() }
}

runIpfsZoneStoreContract('SQLite', () => openPair({ url: 'sqlite::memory:' }))

await onPostgres('ipfs zone store', (url, nextSchema) => {
  runIpfsZoneStoreContract('PostgreSQL', () => openPair({ url, schema: nextSchema() }))
})
