import type { CacheContext } from './cache-context.ts'
import { createOriginClient } from '../origin/origin-client.ts'
import type { OriginClient, OriginClientOptions } from '../origin/origin-client.ts'
import { zoneKeyOriginUrl } from '../../cdn/zones/zone-cache-key.ts'
import { SecondChanceMap } from '../../cdn/engine/second-chance-map.ts'

/** Default most zone/origin pairs with a context (and a keep-alive origin client) at once. */
export const DEFAULT_MAX_ZONE_CONTEXTS = 1024

/** Origin client settings shared by every zone (the node's `--origin-*` flags). */
export type ZoneOriginSettings = Omit<OriginClientOptions, 'originUrl'>

interface ZoneContextEntry {
  readonly zone: string
  readonly originText: string
  readonly context: CacheContext
  readonly origin: OriginClient
}

/**
 * Cache contexts per (zone, origin): the node's one cache engine and store, with the
 * origin a ticket names and keys in the zone's namespace (`zoneKeyOriginUrl`). Each pair
 * keeps its own keep-alive origin client; the set is bounded (a pair not used lately is
 * dropped, `SecondChanceMap`, its client closed), since origins come from tickets, not
 * from config. Looked up on every ticketed hit, so a lookup builds no key: by zone, then
 * origin (strings of the cached ticket, whose hashes V8 keeps).
 */
export class ZoneContexts {
  readonly #base: CacheContext
  readonly #originSettings: ZoneOriginSettings
  /** Every entry, keyed by itself: the bound and the eviction order. */
  readonly #entries: SecondChanceMap<ZoneContextEntry, ZoneContextEntry>
  /** The same entries by zone, then origin: the lookup. */
  readonly #byZone = new Map<string, Map<string, ZoneContextEntry>>()

  constructor(base: CacheContext, originSettings: ZoneOriginSettings, options: { readonly maxContexts?: number } = {}) {
    this.#base = base
    this.#originSettings = originSettings
    this.#entries = new SecondChanceMap(options.maxContexts ?? DEFAULT_MAX_ZONE_CONTEXTS, (entry) => {
      const origins = this.#byZone.get(entry.zone)
      origins?.delete(entry.originText)
      if (origins?.size === 0) this.#byZone.delete(entry.zone)
      entry.origin.close()
    })
  }

  /** Pairs with a context now. */
  get size(): number {
    return this.#entries.size
  }

  /**
   * The context serving `zone` from `origin` (an absolute http(s) URL, as signed in the
   * ticket). `zone` is the cache namespace: the zone's immutable id when the ticket has one.
   */
  contextFor(zone: string, origin: string): CacheContext {
    const existing = this.#byZone.get(zone)?.get(origin)
    if (existing !== undefined) {
      // Marks it used (the lookup that keeps it from eviction).
      this.#entries.get(existing)
      return existing.context
    }
    const originUrl = new URL(origin)
    const client = createOriginClient({ ...this.#originSettings, originUrl })
    const keyOrigin = zoneKeyOriginUrl(zone)
    const context: CacheContext = { ...this.#base, origin: client, originUrl: keyOrigin, originHost: originUrl.host }
    const entry: ZoneContextEntry = { zone, originText: origin, context, origin: client }
    let origins = this.#byZone.get(zone)
    if (origins === undefined) {
      origins = new Map()
      this.#byZone.set(zone, origins)
    }
    origins.set(origin, entry)
    this.#entries.set(entry, entry)
    return context
  }

  /** Closes every origin client (at shutdown, after in-flight responses ended). */
  close(): void {
    for (const entry of this.#entries.values()) entry.origin.close()
    this.#entries.clear()
    this.#byZone.clear()
  }
}
