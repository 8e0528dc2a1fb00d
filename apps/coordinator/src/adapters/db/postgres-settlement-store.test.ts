import { runSettlementStoreContract } from '../../settlement/settlement-store.contract.ts'
import { onPostgres } from '../../testing/on-postgres.ts'
import { openSettlementTestStores } from '../../testing/open-settlement-test-stores.ts'

/* The SettlementStore contract on a real PostgreSQL, one schema per store, dropped at the end. */
await onPostgres('settlement store', (url, nextSchema) => {
  runSettlementStoreContract('PostgreSQL', () => openSettlementTestStores({ url, schema: nextSchema() }))
})
