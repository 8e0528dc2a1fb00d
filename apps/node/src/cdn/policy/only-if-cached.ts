import { hasDirective } from './cache-control.ts'
import type { HeaderMap } from './header-map.ts'
import { requestCacheControl } from './request-cache-control.ts'

/**
 * `only-if-cached` (RFC 9111 §5.2.1.7): "the client only wishes to obtain a stored
 * response"; a cache that has none fitting the request's other constraints "SHOULD
 * respond with a 504 (Gateway Timeout) status code".
 */
export function isOnlyIfCached(requestHeaders: HeaderMap): boolean {
  return hasDirective(requestCacheControl(requestHeaders), 'only-if-cached')
}
