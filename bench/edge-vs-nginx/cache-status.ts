/**
 * Whether the node's `Cache-Status` says the response came from its cache. RFC 9211
 * §2: members are listed origin-first, so the last one is the cache nearest the client;
 * a `hit` parameter (§2.1) means it was served from cache without going forward.
 */
export function isCacheStatusHit(cacheStatus: string | null): boolean {
  if (cacheStatus === null) return false
  const members = cacheStatus.split(',')
  const nearest = members[members.length - 1]
  if (nearest === undefined) return false
  const parameters = nearest.split(';').slice(1)
  return parameters.some((parameter) => parameter.trim().toLowerCase() === 'hit')
}

/** Whether nginx's `X-Cache-Status: $upstream_cache_status` reports a cache hit. */
export function isNginxCacheHit(xCacheStatus: string | null): boolean {
  return xCacheStatus?.trim().toUpperCase() === 'HIT'
}
