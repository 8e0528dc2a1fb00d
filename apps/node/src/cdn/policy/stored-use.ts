import { deltaSeconds, hasDirective } from './cache-control.ts'
import type { CacheControl } from './cache-control.ts'
import { currentAgeMs } from './current-age.ts'
import { requiresValidation } from './field-qualified-directives.ts'
import { freshnessLifetimeMs } from './freshness-lifetime.ts'
import type { HeaderMap } from './header-map.ts'
import { requestCacheControl } from './request-cache-control.ts'
import type { StoredResponse } from './stored-response.ts'
import { responseCacheDirectives } from './targeted-cache-control.ts'

/** Age and remaining freshness of the stored response at decision time. */
interface StoredTiming {
  /** Current age (RFC 9111 §4.2.3), ms; the `Age` header is `ageHeaderValue(ageMs)`. */
  readonly ageMs: number
  /** Freshness lifetime − current age, ms; negative when stale (Cache-Status `ttl`). */
  readonly ttlMs: number
}

/**
 * What to do with a stored response that matched the request (URI and Vary):
 * - `fresh`: serve it as it is. It is fresh, or stale within the client's `max-stale`
 *   (RFC 9111 §5.2.1.2); `ttlMs < 0` tells which.
 * - `stale-while-revalidate`: serve it now and refresh it in the background
 *   (RFC 5861 §3).
 * - `revalidate`: validate with the origin first (§4.3). `fwd` is the RFC 9211 reason.
 *   On an origin error (§4.3.3 "act as if the server failed to respond") the stored
 *   response may still be served while `mayServeStaleOnError`, i.e. until the local
 *   time `staleIfErrorUntilMs` (possibly Infinity).
 */
export type StoredUse =
  | ({ readonly kind: 'fresh' } & StoredTiming)
  | ({ readonly kind: 'stale-while-revalidate' } & StoredTiming)
  | ({
      readonly kind: 'revalidate'
      readonly fwd: 'request' | 'stale'
      readonly mayServeStaleOnError: boolean
      readonly staleIfErrorUntilMs?: number
    } & StoredTiming)

export interface DecideStoredUseParameters {
  readonly requestHeaders: HeaderMap
  readonly stored: StoredResponse
  readonly nowMs: number
  /** Heuristic freshness settings (RFC 9111 §4.2.2), passed to `freshnessLifetimeMs`. */
  readonly heuristic?: { readonly heuristicFraction?: number; readonly maxHeuristicMs?: number }
}

/**
 * Decides whether a stored response can answer a request (RFC 9111 §4), applying the
 * response's and the request's cache directives; the most restrictive one wins
 * (§4.2.1 "If directives conflict ... the most restrictive directive should be honored").
 */
export function decideStoredUse(parameters: DecideStoredUseParameters): StoredUse {
  const { requestHeaders, stored, nowMs } = parameters
  // Cache-Control, or CDN-Cache-Control instead of it (RFC 9213 §2.1).
  const responseCc = responseCacheDirectives(stored.headers).cacheControl
  const requestCc = requestCacheControl(requestHeaders)
  const lifetimeMs = freshnessLifetimeMs(stored.headers, {
    ...parameters.heuristic,
    status: stored.status,
    responseTimeMs: stored.responseTimeMs,
  })
  const ageMs = currentAgeMs(stored, nowMs)
  const ttlMs = lifetimeMs - ageMs
  const timing: StoredTiming = { ageMs, ttlMs }
  // §4.2: "response_is_fresh = (freshness_lifetime > current_age)".
  const isFresh = ttlMs > 0
  const stalenessMs = Math.max(0, -ttlMs)
  const onError = errorFallback({ responseCc, requestCc, isFresh, stalenessMs, freshUntilMs: nowMs + ttlMs })
  const revalidate = (fwd: 'request' | 'stale', fallback: ErrorFallback): StoredUse => ({
    kind: 'revalidate',
    fwd,
    ...fallback,
    ...timing,
  })

  // §5.2.2.4 no-cache (response): "the response MUST NOT be used to satisfy any other
  // request without forwarding it for validation and receiving a successful response".
  // `no-cache="field"` only asks that the listed fields not be reused unvalidated: the
  // store never kept them (field-qualified-directives.ts), so it does not force this; a
  // list we cannot honour counts as unqualified. Not even on error: the origin never
  // allowed unvalidated use.
  if (requiresValidation(responseCc)) return revalidate('stale', NO_FALLBACK)
  // §3.5: "A shared cache MUST NOT use a cached response to a request with an
  // Authorization header field ... unless" must-revalidate, public or s-maxage allow it.
  if (requestHeaders['authorization'] !== undefined && !allowsAuthorizedReuse(responseCc)) {
    return revalidate('request', NO_FALLBACK)
  }
  // §5.2.1.4: request no-cache: "the client prefers a stored response not be used to
  // satisfy the request without successful validation on the origin server".
  if (hasDirective(requestCc, 'no-cache')) return revalidate('request', onError)
  // §5.2.1.1: request max-age: "the client prefers a response whose age is less than or
  // equal to the specified number of seconds". RFC 8246 §2: an `immutable` response
  // "will not be updated while it's fresh", so while it is fresh we ignore a client's
  // max-age (browsers send max-age=0 on reload); a force reload sends no-cache, which
  // still revalidates (above).
  const requestMaxAge = deltaSeconds(requestCc, 'max-age')
  const ignoresRequestMaxAge = isFresh && hasDirective(responseCc, 'immutable')
  if (requestMaxAge !== undefined && !ignoresRequestMaxAge && ageMs > requestMaxAge * 1000) {
    return revalidate(isFresh ? 'request' : 'stale', onError)
  }
  // §5.2.1.3 min-fresh: "the client prefers a response whose freshness lifetime is no
  // less than its current age plus the specified time in seconds".
  const minFresh = deltaSeconds(requestCc, 'min-fresh')
  if (minFresh !== undefined && ttlMs < minFresh * 1000) return revalidate(isFresh ? 'request' : 'stale', onError)
  if (isFresh) return { kind: 'fresh', ...timing }

  // Stale from here on. §4.2.4: "A cache MUST NOT generate a stale response if it is
  // prohibited by an explicit in-protocol directive (e.g., by a no-cache response
  // directive, a must-revalidate response directive, or an applicable s-maxage or
  // proxy-revalidate response directive)". This beats max-stale, stale-while-revalidate
  // and stale-if-error alike.
  if (forbidsStale(responseCc)) return revalidate('stale', NO_FALLBACK)
  // §5.2.1.2 max-stale: "the client will accept a response that has exceeded its
  // freshness lifetime" by no more than the value, or by any amount without one.
  const maxStaleMs = requestMaxStaleMs(requestCc)
  if (maxStaleMs !== undefined && stalenessMs <= maxStaleMs) return { kind: 'fresh', ...timing }
  // §5.2.1.1: with max-age (or min-fresh) and no max-stale, "the client does not wish to
  // receive a stale response", so the origin's stale-while-revalidate does not apply.
  if (requestMaxAge !== undefined || minFresh !== undefined) return revalidate('stale', onError)
  // RFC 5861 §3: "caches MAY serve the response in which it appears after it becomes
  // stale, up to the indicated number of seconds".
  const swrSeconds = deltaSeconds(responseCc, 'stale-while-revalidate')
  if (swrSeconds !== undefined && stalenessMs <= swrSeconds * 1000) return { kind: 'stale-while-revalidate', ...timing }
  return revalidate('stale', onError)
}

type ErrorFallback =
  | { readonly mayServeStaleOnError: false }
  | { readonly mayServeStaleOnError: true; readonly staleIfErrorUntilMs: number }

const NO_FALLBACK: ErrorFallback = { mayServeStaleOnError: false }

/**
 * May the stored response be served if validation fails with an error (RFC 9111 §4.3.3,
 * RFC 5861 §4), and until when? A fresh response may always be (it is not stale); a
 * stale one only with explicit permission: `stale-if-error` from the response or the
 * request (RFC 5861 §4, "its value indicates the upper limit to staleness"), or the
 * request's max-stale (§5.2.1.2). We do not serve stale merely because the origin is
 * unreachable ("disconnected", §4.2.4): that needs an explicit permission here.
 */
function errorFallback(input: {
  responseCc: CacheControl
  requestCc: CacheControl
  isFresh: boolean
  stalenessMs: number
  freshUntilMs: number
}): ErrorFallback {
  const { responseCc, requestCc, isFresh, stalenessMs, freshUntilMs } = input
  if (forbidsStale(responseCc)) {
    return isFresh ? { mayServeStaleOnError: true, staleIfErrorUntilMs: freshUntilMs } : NO_FALLBACK
  }
  const windowsMs = [
    deltaSeconds(responseCc, 'stale-if-error'),
    deltaSeconds(requestCc, 'stale-if-error'),
  ].map((seconds) => (seconds === undefined ? 0 : seconds * 1000))
  const windowMs = Math.max(0, ...windowsMs, requestMaxStaleMs(requestCc) ?? 0)
  if (!isFresh && stalenessMs > windowMs) return NO_FALLBACK
  if (!isFresh && windowMs === 0) return NO_FALLBACK
  return { mayServeStaleOnError: true, staleIfErrorUntilMs: freshUntilMs + windowMs }
}

/**
 * Directives after which a shared cache never serves the response stale: no-cache
 * (qualified or not: the conservative reading)
 * (§5.2.2.4), must-revalidate (§5.2.2.2), proxy-revalidate (§5.2.2.8, "has the same
 * meaning as must-revalidate" for shared caches), s-maxage (§5.2.2.10 "incorporates the
 * semantics of the proxy-revalidate response directive").
 */
function forbidsStale(responseCc: CacheControl): boolean {
  return ['no-cache', 'must-revalidate', 'proxy-revalidate', 's-maxage'].some((name) => hasDirective(responseCc, name))
}

/** §3.5: "must-revalidate", "public" and "s-maxage" allow a shared cache to reuse for Authorization. */
function allowsAuthorizedReuse(responseCc: CacheControl): boolean {
  return ['must-revalidate', 'public', 's-maxage'].some((name) => hasDirective(responseCc, name))
}

/** max-stale in ms: Infinity without a value (§5.2.1.2 "a stale response of any age"). */
function requestMaxStaleMs(requestCc: CacheControl): number | undefined {
  if (!hasDirective(requestCc, 'max-stale')) return undefined
  if (requestCc.get('max-stale') === null) return Number.POSITIVE_INFINITY
  const seconds = deltaSeconds(requestCc, 'max-stale')
  return seconds === undefined ? undefined : seconds * 1000
}
