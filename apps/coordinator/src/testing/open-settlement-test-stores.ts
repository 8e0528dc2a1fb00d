import type { SettlementStorePair } from '../settlement/settlement-store.contract.ts'
import { openStores } from '../adapters/db/open-store.ts'
import type { OpenStoreOptions } from '../adapters/db/open-store.ts'

/** Test support (not a test): a fresh store and the settlement store on its database. */
export async function openSettlementTestStores(options: OpenStoreOptions): Promise<SettlementStorePair> {
  const stores = await openStores(options)
  return { store: stores.store, settlementStore: stores.settlement }
}
