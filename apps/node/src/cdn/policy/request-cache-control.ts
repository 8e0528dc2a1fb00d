import { parseCacheControl, splitListMembers } from './cache-control.ts'
import type { CacheControl } from './cache-control.ts'
import type { HeaderMap } from './header-map.ts'

const PRAGMA_NO_CACHE: CacheControl = new Map([['no-cache', null]])

/**
 * The request's cache directives (RFC 9111 §5.2.1), with the HTTP/1.0 `Pragma: no-cache`
 * read as `Cache-Control: no-cache` when the request has no Cache-Control. RFC 9111
 * §5.4 deprecates Pragma, but RFC 7234 §5.4 required exactly this ("When the
 * Cache-Control header field is not present in a request, caches MUST consider the
 * no-cache request pragma-directive as having the same effect"), and old clients still
 * send it on reload.
 */
export function requestCacheControl(requestHeaders: HeaderMap): CacheControl {
  const cacheControl = requestHeaders['cache-control']
  if (cacheControl !== undefined) return parseCacheControl(cacheControl)
  const pragma = requestHeaders['pragma']
  if (pragma !== undefined && splitListMembers(pragma).some((member) => member.toLowerCase() === 'no-cache')) {
    return PRAGMA_NO_CACHE
  }
  return parseCacheControl(undefined)
}

