import type { PurgeSelector } from '../store/cache-store.ts'
import { primaryCacheKey } from '../policy/index.ts'
import type { PurgeArgs } from '@meson/protocol'
import { parseZoneRequestTarget } from './zone-request-target.ts'

/**
 * The key namespace of a zone: `http://<zone>.zone.invalid`, where `<zone>` is the zone's
 * immutable id (`zon_…`) when the ticket or command names one, else its name. The cache engine keys an
 * object by its context's origin URL + the request target, so a zone context whose
 * "origin URL" is this name keys objects by zone and path, whatever origin a ticket
 * names. `.invalid` is reserved (RFC 6761 §6.4): no real origin, and so no standalone
 * key, can ever collide with it.
 */
export function zoneKeyOriginUrl(zone: string): URL {
  return new URL(`http://${zone}.zone.invalid`)
}

/** The primary cache key of `target` (path and query, no `mt`) in `zone`. */
export function zoneCacheKey(zone: string, target: string): string {
  return primaryCacheKey(`${zoneKeyOriginUrl(zone).origin}${target}`)
}

/**
 * What a purge command removes, as cache keys. Entries are zone paths (`/img/a.png?v=2`)
 * or absolute URLs (the coordinator's `…/z/<zone>/<path>` or a custom domain's), of the
 * command's zone. Without a zone in the command only `/z/<zone>/…` entries can be
 * placed, others are skipped. Surrogate keys are kept per object by the store, so with
 * a zone the whole purge is scoped to that zone's keys (another zone's objects with
 * the same tag stay). With a `zoneId` the keys are in the id's namespace (the one tickets
 * with that id fill), so a purge of a deleted zone never touches a new zone of that name.
 */
export function zonePurgeSelector(args: PurgeArgs): PurgeSelector {
  const namespace = args.zoneId ?? args.zone
  const toKeys = (entries: readonly string[] | undefined): string[] => {
    const keys: string[] = []
    for (const entry of entries ?? []) {
      const key = keyOfEntry(entry, args.zone, namespace)
      if (key !== undefined) keys.push(key)
    }
    return keys
  }
  const selector = { urls: toKeys(args.urls), prefixes: toKeys(args.prefixes), surrogateKeys: [...(args.surrogateKeys ?? [])] }
  return namespace === undefined ? selector : { ...selector, scopePrefix: zoneCacheKey(namespace, '/') }
}

function keyOfEntry(entry: string, zone: string | undefined, namespace: string | undefined): string | undefined {
  const target = entry.startsWith('/') ? entry : targetOfUrl(entry)
  if (target === undefined) return undefined
  const zoneTarget = parseZoneRequestTarget(target)
  if (zoneTarget !== undefined && (zone === undefined || zoneTarget.zone === zone)) {
    const zoneNamespace = zone === undefined ? zoneTarget.zone : (namespace ?? zone)
    return zoneCacheKey(zoneNamespace, zoneTarget.query === '' ? zoneTarget.path : `${zoneTarget.path}?${zoneTarget.query}`)
  }
  return namespace === undefined ? undefined : zoneCacheKey(namespace, target)
}

function targetOfUrl(entry: string): string | undefined {
  if (!URL.canParse(entry)) return undefined
  const url = new URL(entry)
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined
  return url.pathname + url.search
}
