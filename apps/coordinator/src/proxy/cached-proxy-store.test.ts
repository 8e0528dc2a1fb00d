import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { cachedProxyStore } from './cached-proxy-store.ts'
import { authenticateProxyUser, hashProxySecret } from './proxy-credentials.ts'
import type { ProxyStore } from './proxy-store.ts'

/** A proxy store in a map, counting credential reads. */
function memoryProxyStore(): ProxyStore & { reads(): number } {
  const hashes = new Map<string, string>()
  let reads = 0
  return {
    setCredentialHash: (accountId, secretHash) => {
      hashes.set(accountId, secretHash)
      return Promise.resolve()
    },
    getCredentialHash: (accountId) => {
      reads += 1
      return Promise.resolve(hashes.get(accountId))
    },
    addUsage: () => Promise.resolve(),
    listUsage: () => Promise.resolve([]),
    reads: () => reads,
  }
}

describe('cached proxy store', () => {
  it('checks passwords from memory, and refuses a rotated secret from the next connection on', async () => {
    const inner = memoryProxyStore()
    const store = cachedProxyStore(inner, { ttlMs: 3_600_000, now: () => 0 })
    await store.setCredentialHash('acc_a', hashProxySecret('old'), 0)
    const login = (password: string) => authenticateProxyUser('customer-acc_a', password, (account) => store.getCredentialHash(account))
    assert.equal((await login('old')).ok, true)
    assert.equal((await login('old')).ok, true)
    assert.equal(inner.reads(), 1, 'the second connection read no store')
    await store.setCredentialHash('acc_a', hashProxySecret('new'), 1)
    assert.equal((await login('old')).ok, false, 'the old secret is refused although its cache entry had an hour left')
    assert.equal((await login('new')).ok, true)
  })

  it('caches an unknown account too, and forgets it when credentials are created', async () => {
    const inner = memoryProxyStore()
    const store = cachedProxyStore(inner, { ttlMs: 3_600_000, now: () => 0 })
    assert.equal(await store.getCredentialHash('acc_new'), undefined)
    assert.equal(await store.getCredentialHash('acc_new'), undefined)
    assert.equal(inner.reads(), 1)
    await store.setCredentialHash('acc_new', 'ab', 0)
    assert.equal(await store.getCredentialHash('acc_new'), 'ab')
  })
})
