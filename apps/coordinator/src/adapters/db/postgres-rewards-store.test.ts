import { runRewardsStoreContract } from '../../rewards/rewards-store.contract.ts'
import { onPostgres } from '../../testing/on-postgres.ts'
import { openRewardsTestStores } from '../../testing/open-rewards-test-stores.ts'

/* The RewardsStore contract on a real PostgreSQL, one schema per store, dropped at the end. */
await onPostgres('rewards store', (url, nextSchema) => {
  runRewardsStoreContract('PostgreSQL', (now) => openRewardsTestStores({ url, schema: nextSchema(), now }))
})
