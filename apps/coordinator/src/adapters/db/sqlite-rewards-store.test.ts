import { runRewardsStoreContract } from '../../rewards/rewards-store.contract.ts'
import { openRewardsTestStores } from '../../testing/open-rewards-test-stores.ts'

runRewardsStoreContract('SQLite :memory:', (now) => openRewardsTestStores({ url: 'sqlite::memory:', now }))
