import { runZoneStoreContract } from '../../zones/zone-store.contract.ts'
import { openStores } from './open-store.ts'

runZoneStoreContract('SQLite :memory:', () => openStores({ url: 'sqlite::memory:' }))
