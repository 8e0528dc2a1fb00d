import type { FleetStorePair } from '../fleet/fleet-store.contract.ts'
import { KyselyFleetStore } from '../adapters/db/kysely-fleet-store.ts'
import { databaseOf, openStore } from '../adapters/db/open-store.ts'
import type { OpenStoreOptions } from '../adapters/db/open-store.ts'

/** Test support (not a test): a fresh store and the fleet store on its database. */
export async function openFleetTestStores(options: OpenStoreOptions): Promise<FleetStorePair> {
  const store = await openStore(options)
  const database = databaseOf(store)
  if (database === undefined) throw new Error('openStore returned a store without a database')
  return { store, fleetStore: new KyselyFleetStore(database.db) }
}
