import { runMeteringStoreContract } from '../../metering/metering-store.contract.ts'
import { onPostgres } from '../../testing/on-postgres.ts'
import { openStores } from './open-store.ts'

/* The MeteringStore contract on a real PostgreSQL, one schema per test, dropped at the end. */
await onPostgres('metering store', (url, nextSchema) => {
  runMeteringStoreContract('PostgreSQL', () => openStores({ url, schema: nextSchema() }))
})
