import { runZoneStoreContract } from '../../zones/zone-store.contract.ts'
import { onPostgres } from '../../testing/on-postgres.ts'
import { openStores } from './open-store.ts'

/* The ZoneStore contract on a real PostgreSQL, one schema per test, dropped at the end. */
await onPostgres('zone store', (url, nextSchema) => {
  runZoneStoreContract('PostgreSQL', () => openStores({ url, schema: nextSchema() }))
})
