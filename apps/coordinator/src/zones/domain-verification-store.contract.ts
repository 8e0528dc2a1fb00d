import assert from 'node:assert/strict'
import { it } from 'node:test'
import type { DomainVerificationStore } from './domain-verification-store.ts'

/** The contract every `DomainVerificationStore` keeps; run per backend with a fresh store. */
export function domainVerificationStoreContract(open: () => Promise<{ readonly store: DomainVerificationStore; readonly dispose: () => Promise<void> }>): void {
  it('remembers a proof per zone id and domain, once, and lists them', async () => {
    const { store, dispose } = await open()
    try {
      assert.deepEqual(await store.listVerified(), [])
      await store.markVerified({ zoneId: 'zon_aaaaaaaaaaaaaaaaaaaa', hostname: 'cdn.example.com' }, 1000)
      await store.markVerified({ zoneId: 'zon_aaaaaaaaaaaaaaaaaaaa', hostname: 'cdn.example.com' }, 2000)
      await store.markVerified({ zoneId: 'zon_bbbbbbbbbbbbbbbbbbbb', hostname: 'cdn.example.com' }, 3000)
      assert.deepEqual(
        [...(await store.listVerified())].sort((a, b) => a.zoneId.localeCompare(b.zoneId)),
        [
          { zoneId: 'zon_aaaaaaaaaaaaaaaaaaaa', hostname: 'cdn.example.com' },
          { zoneId: 'zon_bbbbbbbbbbbbbbbbbbbb', hostname: 'cdn.example.com' },
        ],
      )
    } finally {
      await dispose()
    }
  })
}
