import type { ProxyStorePair } from '../../proxy/proxy-store.contract.ts'
import { KyselyProxyStore } from './kysely-proxy-store.ts'
import { databaseOf, openStore } from './open-store.ts'
import type { OpenStoreOptions } from './open-store.ts'

/** Test support (not a test): a fresh store and the proxy store on its database. */
export async function openProxyTestStores(options: OpenStoreOptions): Promise<ProxyStorePair> {
  const store = await openStore(options)
  const database = databaseOf(store)
  if (database === undefined) throw new Error('openStore returned a store without a database')
  return { store, proxyStore: new KyselyProxyStore(database.db) }
}
