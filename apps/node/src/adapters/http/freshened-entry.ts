import type { HeaderMap, StoredResponse } from '../../cdn/policy/index.ts'
import { isResponseStorable } from '../../cdn/policy/index.ts'
import type { CacheEntry } from '../../cdn/store/cache-store.ts'
import type { CacheContext } from './cache-context.ts'

/** The stored response a 304 freshened, and whether the store keeps it. */
export interface FreshenedEntry {
  /** The entry to answer with: the updated one, or the old entry's body with the new fields. */
  readonly entry: CacheEntry
  /**
   * False when the 304's fields make the response one a shared cache must not store
   * (`Cache-Control: no-store` or `private`, Set-Cookie without `public`: RFC 9111 §3,
   * response-storable.ts): the request that validated it is answered with it, and the
   * caller then removes the old entry with `dropUnstorable`, so nobody else gets it.
   */
  readonly isKept: boolean
}

/**
 * Stores the fields a 304 brought (RFC 9111 §4.3.4 "use other header fields provided
 * in the 304 ... to replace all instances of the corresponding header fields in the
 * stored response") when the result may still be stored (§3); otherwise leaves the
 * store as it is for `dropUnstorable`. A failed update still answers from the new fields.
 */
export async function storeFreshened(context: CacheContext, requestHeaders: HeaderMap, entry: CacheEntry, freshened: StoredResponse): Promise<FreshenedEntry> {
  const storability = isResponseStorable({ method: 'GET', requestHeaders, status: freshened.status, responseHeaders: freshened.headers })
  if (!storability.storable) return { entry: { ...entry, response: freshened }, isKept: false }
  const updated = await context.store.updateResponse(entry, freshened).catch(() => undefined)
  return { entry: updated ?? { ...entry, response: freshened }, isKept: true }
}

/** Removes the stored entry a 304 made unstorable (see `FreshenedEntry.isKept`); a failure leaves a stale entry that is revalidated again. */
export async function dropUnstorable(context: CacheContext, entry: CacheEntry, freshened: FreshenedEntry): Promise<void> {
  if (!freshened.isKept) await context.store.remove(entry).catch(() => undefined)
}
