import { parseCacheControl } from './cache-control.ts'
import type { CacheControl } from './cache-control.ts'
import type { HeaderMap } from './header-map.ts'
import { parseStructuredDictionary } from './structured-dictionary.ts'

/**
 * Directives whose argument is delta-seconds; in a targeted field each must be a
 * non-negative Integer (RFC 9213 §2.2: "max-age ... as an Integer"), or the field is invalid.
 */
const DELTA_DIRECTIVES: ReadonlySet<string> = new Set(['max-age', 's-maxage', 'stale-while-revalidate', 'stale-if-error'])

/**
 * `CDN-Cache-Control` (RFC 9213 §3), the targeted field for every CDN, read as cache
 * directives: a Structured Field Dictionary (§2.2) whose Integer arguments become
 * delta-seconds, `true` a directive without argument, Strings and Tokens their text.
 * `undefined` when the field is absent, empty or invalid (a parse failure, or a
 * delta directive that is not a non-negative Integer): "If a targeted field in a given
 * response is empty, or a parsing error is encountered, that field SHOULD be ignored
 * by the cache" (§2.1).
 */
export function targetedCacheControl(responseHeaders: HeaderMap): CacheControl | undefined {
  const value = responseHeaders['cdn-cache-control']
  if (value === undefined) return undefined
  const dictionary = parseStructuredDictionary(value)
  if (dictionary === undefined || dictionary.size === 0) return undefined
  const directives = new Map<string, string | null>()
  for (const [name, member] of dictionary) {
    if (DELTA_DIRECTIVES.has(name)) {
      if (member.type !== 'integer' || member.value < 0) return undefined
      directives.set(name, String(member.value))
      continue
    }
    if (member.type === 'boolean') {
      if (member.value) directives.set(name, null)
    } else {
      directives.set(name, member.type === 'text' ? member.value : member.type === 'integer' ? String(member.value) : null)
    }
  }
  return directives
}

/**
 * The response's cache directives for this cache (a CDN): RFC 9213 §2.1 "the cache
 * MUST select the first (in target list order) field with a valid, non-empty value and
 * use its value to determine the caching policy for the response, and it MUST ignore the
 * Cache-Control and Expires header fields in that response, unless no valid, non-empty
 * value is available from the listed header fields". The target list is
 * `CDN-Cache-Control` alone (Surrogate-Control is read before either, see
 * surrogate-control.ts). `usesExpires` is false when the targeted field is used.
 */
export function responseCacheDirectives(responseHeaders: HeaderMap): { readonly cacheControl: CacheControl; readonly usesExpires: boolean } {
  const targeted = targetedCacheControl(responseHeaders)
  if (targeted !== undefined) return { cacheControl: targeted, usesExpires: false }
  return { cacheControl: parseCacheControl(responseHeaders['cache-control']), usesExpires: true }
}
