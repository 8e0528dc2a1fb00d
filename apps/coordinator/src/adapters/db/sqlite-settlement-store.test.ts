import { runSettlementStoreContract } from '../../settlement/settlement-store.contract.ts'
import { openSettlementTestStores } from '../../testing/open-settlement-test-stores.ts'

runSettlementStoreContract('SQLite :memory:', () => openSettlementTestStores({ url: 'sqlite::memory:' }))
