import { runStorageSegmentStoreContract } from '../../probes/storage-segment-store.contract.ts'
import { onPostgres } from '../../testing/on-postgres.ts'
import { openStores } from './open-store.ts'
import type { OpenStoreOptions } from './open-store.ts'

/* The StorageSegmentStore contract on SQLite (in memory) and on a real PostgreSQL. */

async function open(options: OpenStoreOptions): Promise<{ segments: Awaited<ReturnType<typeof openStores>>['storageSegments']; close: () => Promise<void> }> {
  const stores = await openStores(options)
  return { segments: stores.storageSegments, close: () => stores.close() }
}

runStorageSegmentStoreContract('SQLite', () => open({ url: 'sqlite::memory:' }))

await onPostgres('storage segment store', (url, nextSchema) => {
  runStorageSegmentStoreContract('PostgreSQL', () => open({ url, schema: nextSchema() }))
})
