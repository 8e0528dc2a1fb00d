import type { HeaderMap } from './header-map.ts'
import { primaryCacheKey } from './primary-cache-key.ts'

/** Safe methods (RFC 9110 §9.2.1). Method names are case-sensitive (§9.1). */
const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE'])

export interface InvalidationTargetsParameters {
  readonly method: string
  /** The request's target URI, absolute. */
  readonly requestUrl: URL | string
  readonly status: number
  readonly responseHeaders: HeaderMap
}

/**
 * Primary keys to invalidate after a response passes through (RFC 9111 §4.4): "A cache
 * MUST invalidate the target URI ... when it receives a non-error status code in
 * response to an unsafe request method (including methods whose safety is unknown)",
 * where non-error means 2xx or 3xx. The Location and Content-Location URIs "are
 * candidates" and we take them, but "a cache MUST NOT trigger an invalidation under
 * these conditions if the origin ... of the URI to be invalidated differs from that of
 * the target URI", which keeps one site from purging another's objects.
 */
export function invalidationTargets(parameters: InvalidationTargetsParameters): string[] {
  const { method, requestUrl, status, responseHeaders } = parameters
  if (SAFE_METHODS.has(method) || status < 200 || status > 399) return []
  const keys = new Set<string>([primaryCacheKey(requestUrl)])
  const target = new URL(typeof requestUrl === 'string' ? requestUrl : requestUrl.href)
  for (const name of ['location', 'content-location']) {
    const reference = responseHeaders[name]?.trim()
    if (reference === undefined || reference === '') continue
    // Both fields may be relative references, resolved against the target URI
    // (RFC 9110 §10.2.2, §8.7).
    const resolved = URL.parse(reference, target)
    if (resolved !== null && resolved.origin === target.origin) keys.add(primaryCacheKey(resolved))
  }
  return [...keys]
}
