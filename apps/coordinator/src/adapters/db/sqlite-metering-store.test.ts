import { runMeteringStoreContract } from '../../metering/metering-store.contract.ts'
import { openStores } from './open-store.ts'

runMeteringStoreContract('SQLite :memory:', () => openStores({ url: 'sqlite::memory:' }))
