import { deltaSeconds, hasDirective } from './cache-control.ts'
import { isCacheableByDefault } from './cacheable-by-default.ts'
import { requiresValidation } from './field-qualified-directives.ts'
import type { HeaderMap } from './header-map.ts'
import { parseHttpDate } from './http-date.ts'
import { parseSurrogateControl } from './surrogate-control.ts'
import { responseCacheDirectives } from './targeted-cache-control.ts'

export interface FreshnessLifetimeOptions {
  /**
   * Response status, for the heuristic (RFC 9111 §4.2.2 applies only to heuristically
   * cacheable statuses or `public` responses). Defaults to 200.
   */
  readonly status?: number
  /**
   * Local time the response arrived; stands in for a missing or invalid Date
   * ("using the time the message was received if it is not present", RFC 9111 §4.2.1).
   */
  readonly responseTimeMs?: number
  /** Fraction of (Date − Last-Modified) used as heuristic lifetime; RFC 9111 §4.2.2 suggests 10%. */
  readonly heuristicFraction?: number
  /** Cap on the heuristic lifetime; defaults to 24 h. */
  readonly maxHeuristicMs?: number
}

export const DEFAULT_HEURISTIC_FRACTION = 0.1
/**
 * RFC 7234 §4.2.2 required a warning for heuristic lifetimes over 24 hours; the
 * warning is gone in RFC 9111, but 24 h stays the traditional ceiling.
 */
export const DEFAULT_MAX_HEURISTIC_MS = 24 * 3600 * 1000

/**
 * Freshness lifetime of a response for a SHARED cache, in ms (RFC 9111 §4.2.1), "the
 * first match wins": Surrogate-Control max-age (we are a surrogate), s-maxage, max-age, Expires − Date, then the heuristic (§4.2.2).
 * Never negative.
 */
export function freshnessLifetimeMs(responseHeaders: HeaderMap, options: FreshnessLifetimeOptions = {}): number {
  // Surrogate-Control max-age, for this surrogate or untargeted, comes before all of
  // Cache-Control (W3C Edge Architecture 1.0 §2.2; see surrogate-control.ts).
  const surrogateMaxAge = parseSurrogateControl(responseHeaders['surrogate-control'])?.maxAgeSeconds
  if (surrogateMaxAge !== undefined) return surrogateMaxAge * 1000
  // Cache-Control, or CDN-Cache-Control instead of it and of Expires (RFC 9213 §2.1).
  const { cacheControl: cc, usesExpires } = responseCacheDirectives(responseHeaders)
  // §4.2.1: "If the cache is shared and the s-maxage response directive is present, use
  // its value"; then "If the max-age response directive is present, use its value".
  const sMaxAge = deltaSeconds(cc, 's-maxage')
  if (sMaxAge !== undefined) return sMaxAge * 1000
  const maxAge = deltaSeconds(cc, 'max-age')
  if (maxAge !== undefined) return maxAge * 1000

  const dateMs = parseHttpDate(responseHeaders['date']) ?? options.responseTimeMs
  const expires = usesExpires ? responseHeaders['expires'] : undefined
  if (expires !== undefined) {
    // §5.3: "A cache recipient MUST interpret invalid date formats, especially the value
    // '0', as representing a time in the past (i.e., 'already expired')". Two Expires
    // lines joined with ", " do not parse either, so they are stale too (§4.2.1).
    const expiresMs = parseHttpDate(expires)
    // §4.2.1: Expires "minus the value of the Date response header field (using the time
    // the message was received if it is not present)". With neither we cannot tell.
    if (expiresMs === undefined || dateMs === undefined) return 0
    return Math.max(0, expiresMs - dateMs)
  }
  return heuristicLifetimeMs(responseHeaders, dateMs, options)
}

/**
 * RFC 9111 §4.2.2: "If the response has a Last-Modified header field, caches are
 * encouraged to use a heuristic expiration value that is no more than some fraction of
 * the interval since that time. A typical setting of this fraction might be 10%."
 * Only for heuristically cacheable statuses (RFC 9110 §15.1) or a `public` response
 * ("If a response with the public directive has no explicit freshness information, it
 * is heuristically cacheable", RFC 9111 §5.2.2.9); never with no-cache or no-store,
 * whose responses must not be reused without validation anyway.
 */
function heuristicLifetimeMs(
  responseHeaders: HeaderMap,
  dateMs: number | undefined,
  options: FreshnessLifetimeOptions,
): number {
  const cc = responseCacheDirectives(responseHeaders).cacheControl
  if (requiresValidation(cc) || hasDirective(cc, 'no-store')) return 0
  if (!isCacheableByDefault(options.status ?? 200) && !hasDirective(cc, 'public')) return 0
  const lastModifiedMs = parseHttpDate(responseHeaders['last-modified'])
  if (lastModifiedMs === undefined || dateMs === undefined || lastModifiedMs >= dateMs) return 0
  const fraction = options.heuristicFraction ?? DEFAULT_HEURISTIC_FRACTION
  const capMs = options.maxHeuristicMs ?? DEFAULT_MAX_HEURISTIC_MS
  return Math.max(0, Math.floor(Math.min((dateMs - lastModifiedMs) * fraction, capMs)))
}
