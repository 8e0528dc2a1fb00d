import { runProxyStoreContract } from '../../proxy/proxy-store.contract.ts'
import { onPostgres } from '../../testing/on-postgres.ts'
import { openProxyTestStores } from '../../testing/open-proxy-test-stores.ts'

/* The ProxyStore contract on a real PostgreSQL, one schema per store, dropped at the end. */
await onPostgres('proxy store', (url, nextSchema) => {
  runProxyStoreContract('PostgreSQL', () => openProxyTestStores({ url, schema: nextSchema() }))
})
