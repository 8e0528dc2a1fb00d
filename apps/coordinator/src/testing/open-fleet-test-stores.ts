import type { FleetStorePair } from '../fleet/fleet-store.contract.ts'
import { openStores } from '../adapters/db/open-store.ts'
import type { OpenStoreOptions } from '../adapters/db/open-store.ts'

/** Test support (not a test): a fresh store and the fleet store on its database. */
export async function openFleetTestStores(options: OpenStoreOptions): Promise<FleetStorePair> {
  const stores = await openStores(options)
  return { store: stores.store, fleetStore: stores.fleet }
}
