import { runFleetStoreContract } from '../../store/fleet-store.contract.ts'
import { openFleetTestStores } from './open-fleet-test-stores.ts'

runFleetStoreContract('SQLite :memory:', () => openFleetTestStores({ url: 'sqlite::memory:' }))
