import type { CacheContext } from './cache-context.ts'
import { createOriginClient } from '../origin/origin-client.ts'
import type { OriginClient, OriginClientOptions } from '../origin/origin-client.ts'
import { zoneKeyOriginUrl } from '../../cdn/zones/zone-cache-key.ts'

/** Default most zone/origin pairs with a context (and a keep-alive origin client) at once. */
export const DEFAULT_MAX_ZONE_CONTEXTS = 1024

/** Origin client settings shared by every zone (the node's `--origin-*` flags). */
export type ZoneOriginSettings = Omit<OriginClientOptions, 'originUrl'>

interface ZoneContextEntry {
  readonly context: CacheContext
  readonly origin: OriginClient
}

/**
 * Cache contexts per (zone, origin): the node's one cache engine and store, with the
 * origin a ticket names and keys in the zone's namespace (`zoneKeyOriginUrl`). Each pair
 * keeps its own keep-alive origin client; the set is bounded (least recently used pair
 * dropped, its client closed), since origins come from tickets, not from config.
 */
export class ZoneContexts {
  readonly #base: CacheContext
  readonly #originSettings: ZoneOriginSettings
  readonly #maxContexts: number
  readonly #entries = new Map<string, ZoneContextEntry>()

  constructor(base: CacheContext, originSettings: ZoneOriginSettings, options: { readonly maxContexts?: number } = {}) {
    this.#base = base
    this.#originSettings = originSettings
    this.#maxContexts = options.maxContexts ?? DEFAULT_MAX_ZONE_CONTEXTS
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
    const id = `${zone}\n${origin}`
    const existing = this.#entries.get(id)
    if (existing !== undefined) {
      this.#entries.delete(id)
      this.#entries.set(id, existing)
      return existing.context
    }
    const originUrl = new URL(origin)
    const client = createOriginClient({ ...this.#originSettings, originUrl })
    const keyOrigin = zoneKeyOriginUrl(zone)
    const context: CacheContext = { ...this.#base, origin: client, originUrl: keyOrigin, originHost: originUrl.host }
    this.#entries.set(id, { context, origin: client })
    if (this.#entries.size > this.#maxContexts) {
      const oldest = this.#entries.entries().next()
      if (oldest.done !== true) {
        this.#entries.delete(oldest.value[0])
        oldest.value[1].origin.close()
      }
    }
    return context
  }

  /** Closes every origin client (at shutdown, after in-flight responses ended). */
  close(): void {
    for (const entry of this.#entries.values()) entry.origin.close()
    this.#entries.clear()
  }
}
