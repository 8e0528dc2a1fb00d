import { runFleetStoreContract } from '../../fleet/fleet-store.contract.ts'
import { openFleetTestStores } from '../../testing/open-fleet-test-stores.ts'

runFleetStoreContract('SQLite :memory:', () => openFleetTestStores({ url: 'sqlite::memory:' }))
