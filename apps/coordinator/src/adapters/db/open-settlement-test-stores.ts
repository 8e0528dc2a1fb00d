import type { SettlementStorePair } from '../../settlement/settlement-store.contract.ts'
import { KyselySettlementStore } from './kysely-settlement-store.ts'
import { databaseOf, openStore } from './open-store.ts'
import type { OpenStoreOptions } from './open-store.ts'

/** Test support (not a test): a fresh store and the settlement store on its database. */
export async function openSettlementTestStores(options: OpenStoreOptions): Promise<SettlementStorePair> {
  const store = await openStore(options)
  const database = databaseOf(store)
  if (database === undefined) throw new Error('openStore returned a store without a database')
  return { store, settlementStore: new KyselySettlementStore(database.db) }
}
