import { primaryCacheKey } from '../../cdn/policy/index.ts'

const keyPrefixes = new WeakMap<URL, string>()

/**
 * The primary cache key of an origin-form request target in standalone mode: exactly
 * `primaryCacheKey(originUrl.origin + path)`, without running its URI regex on every
 * request. The scheme/host/port part is normalised once per origin; the path and query
 * are kept byte-exact by `primaryCacheKey` anyway (RFC 9110 §4.2.3), so for a target
 * that starts with "/" and has no fragment the key is that prefix + the target.
 */
export function primaryKeyForPath(originUrl: URL, path: string): string {
  if (!path.startsWith('/') || path.includes('#')) return primaryCacheKey(originUrl.origin + path)
  let prefix = keyPrefixes.get(originUrl)
  if (prefix === undefined) {
    // The key of "<origin>/" ends with the "/" we asked for; the rest is the authority part.
    prefix = primaryCacheKey(`${originUrl.origin}/`).slice(0, -1)
    keyPrefixes.set(originUrl, prefix)
  }
  return prefix + path
}
