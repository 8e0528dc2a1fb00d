import type { ProxyStore } from './proxy-store.ts'
import { ReadThroughCache } from './read-through-cache.ts'

/**
 * The proxy store with its credential hashes cached in memory for `ttlMs`, so the
 * gateway checks a proxy password without a store round trip per connection. Rotating a
 * secret through this store (the API's `POST /v1/proxy/credentials` uses the gateway's
 * instance) drops the cached hash once the new one is written, so the old secret is
 * refused from the next connection on; a rotation written by another process is seen
 * within `ttlMs`. Unknown accounts are cached too (a flood of made-up usernames costs
 * no store reads).
 */
export function cachedProxyStore(store: ProxyStore, options: { readonly ttlMs: number; readonly now: () => number }): ProxyStore {
  const hashes = new ReadThroughCache<string | undefined>({ read: (accountId) => store.getCredentialHash(accountId), ttlMs: options.ttlMs, now: options.now })
  return {
    async setCredentialHash(accountId, secretHash, atMs) {
      hashes.delete(accountId)
      try {
        await store.setCredentialHash(accountId, secretHash, atMs)
      } finally {
        hashes.delete(accountId)
      }
    },
    getCredentialHash: (accountId) => hashes.get(accountId),
    addUsage: (lines) => store.addUsage(lines),
    listUsage: (query) => store.listUsage(query),
  }
}
