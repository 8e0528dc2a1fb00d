import type { RewardsStorePair } from '../../rewards/rewards-store.contract.ts'
import { KyselyRewardsStore } from './kysely-rewards-store.ts'
import { databaseOf, openStore } from './open-store.ts'
import type { OpenStoreOptions } from './open-store.ts'

/** Test support (not a test): a fresh store and the rewards store on its database. */
export async function openRewardsTestStores(options: OpenStoreOptions): Promise<RewardsStorePair> {
  const store = await openStore(options)
  const database = databaseOf(store)
  if (database === undefined) throw new Error('openStore returned a store without a database')
  return { store, rewardsStore: new KyselyRewardsStore(database.db, { dialect: database.dialect }) }
}
