import { runProxyStoreContract } from '../../proxy/proxy-store.contract.ts'
import { openProxyTestStores } from '../../testing/open-proxy-test-stores.ts'

runProxyStoreContract('SQLite :memory:', () => openProxyTestStores({ url: 'sqlite::memory:' }))
