import type { RewardsStorePair } from '../rewards/rewards-store.contract.ts'
import { openStores } from '../adapters/db/open-store.ts'
import type { OpenStoreOptions } from '../adapters/db/open-store.ts'

/** Test support (not a test): a fresh store and the rewards store on its database. */
export async function openRewardsTestStores(options: OpenStoreOptions): Promise<RewardsStorePair> {
  const stores = await openStores(options)
  return { store: stores.store, rewardsStore: stores.rewards }
}
