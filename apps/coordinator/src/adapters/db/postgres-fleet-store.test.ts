import { runFleetStoreContract } from '../../fleet/fleet-store.contract.ts'
import { onPostgres } from '../../testing/on-postgres.ts'
import { openFleetTestStores } from '../../testing/open-fleet-test-stores.ts'

/* The FleetStore contract on a real PostgreSQL, one schema per store, dropped at the end. */
await onPostgres('fleet store', (url, nextSchema) => {
  runFleetStoreContract('PostgreSQL', () => openFleetTestStores({ url, schema: nextSchema() }))
})
