import type { ProxyStorePair } from '../proxy/proxy-store.contract.ts'
import { openStores } from '../adapters/db/open-store.ts'
import type { OpenStoreOptions } from '../adapters/db/open-store.ts'

/** Test support (not a test): a fresh store and the proxy store on its database. */
export async function openProxyTestStores(options: OpenStoreOptions): Promise<ProxyStorePair> {
  const stores = await openStores(options)
  return { store: stores.store, proxyStore: stores.proxy }
}
