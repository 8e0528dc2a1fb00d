import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { Store } from '../store/store.ts'
import type { ProxyStore, ProxyUsageLine } from './proxy-store.ts'

/** A fresh main store and the proxy store on its database. */
export interface ProxyStorePair {
  readonly store: Store
  readonly proxyStore: ProxyStore
}

function line(overrides: Partial<ProxyUsageLine>): ProxyUsageLine {
  return { id: 'c1:1', atMs: 1000, accountId: 'a', nodeId: 'n', operatorId: 'o', session: '', bytesUp: 1n, bytesDown: 2n, cost: 3n, ...overrides }
}

/** The ProxyStore compliance suite, run against every implementation and backend. */
export function runProxyStoreContract(name: string, open: () => Promise<ProxyStorePair>): void {
  describe(`ProxyStore contract: ${name}`, () => {
    it('creates, reads and rotates a credential hash', async () => {
      const { store, proxyStore } = await open()
      try {
        const account = await store.createAccount({ name: 'buyer', role: 'buyer' })
        assert.equal(await proxyStore.getCredentialHash(account.id), undefined)
        await proxyStore.setCredentialHash(account.id, 'h1', 1)
        assert.equal(await proxyStore.getCredentialHash(account.id), 'h1')
        await proxyStore.setCredentialHash(account.id, 'h2', 2)
        assert.equal(await proxyStore.getCredentialHash(account.id), 'h2')
      } finally {
        await store.close()
      }
    })
    it('stores usage lines once, exact beyond 2^53, filtered by buyer, operator and time', async () => {
      const { store, proxyStore } = await open()
      try {
        const big = 2n ** 70n + 1n
        await proxyStore.addUsage([line({ id: 'c1:1', bytesUp: big }), line({ id: 'c2:1', accountId: 'b', operatorId: 'p', atMs: 5000 })])
        await proxyStore.addUsage([line({ id: 'c1:1', bytesUp: 5n })])
        const all = await proxyStore.listUsage({ fromMs: 0, toMs: 10_000 })
        assert.deepEqual(all.map((row) => row.id), ['c1:1', 'c2:1'])
        assert.equal(all[0]?.bytesUp, big)
        assert.deepEqual((await proxyStore.listUsage({ accountId: 'b', fromMs: 0, toMs: 10_000 })).map((row) => row.id), ['c2:1'])
        assert.deepEqual((await proxyStore.listUsage({ operatorId: 'o', fromMs: 0, toMs: 10_000 })).map((row) => row.id), ['c1:1'])
        assert.deepEqual((await proxyStore.listUsage({ fromMs: 2000, toMs: 5000 })).map((row) => row.id), [])
      } finally {
        await store.close()
      }
    })
  })
}
