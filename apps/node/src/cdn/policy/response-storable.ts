import { hasDirective, parseCacheControl } from './cache-control.ts'
import { isCacheableByDefault } from './cacheable-by-default.ts'
import { isWhollyPrivate, unstoredFieldNames } from './field-qualified-directives.ts'
import type { HeaderMap } from './header-map.ts'
import { storablePartOf } from './partial-content.ts'
import { varyFieldNames } from './secondary-key.ts'
import { parseSurrogateControl } from './surrogate-control.ts'
import { responseCacheDirectives } from './targeted-cache-control.ts'

/** Why a response is not stored; stable strings, usable as a Cache-Status `detail`. */
export type NotStorableReason =
  | 'method'
  | 'status'
  | 'partial-content'
  | 'must-understand'
  | 'no-store'
  | 'private'
  | 'authorization'
  | 'set-cookie'
  | 'vary-star'
  | 'no-freshness'

export type ResponseStorability = { readonly storable: true } | { readonly storable: false; readonly reason: NotStorableReason }

export interface IsResponseStorableParameters {
  readonly method: string
  readonly requestHeaders: HeaderMap
  readonly status: number
  readonly responseHeaders: HeaderMap
}

/**
 * Status codes whose caching rules this cache implements, for `must-understand`
 * (RFC 9111 §5.2.2.3): the heuristically cacheable ones and the redirects.
 */
const UNDERSTOOD_STATUSES: ReadonlySet<number> = new Set([
  200, 203, 204, 300, 301, 302, 303, 307, 308, 404, 405, 410, 414, 451, 501,
])

/**
 * May a SHARED cache store this response? RFC 9111 §3, checked in the order a reader
 * of the RFC expects, each rule citing its section.
 */
export function isResponseStorable(parameters: IsResponseStorableParameters): ResponseStorability {
  const { method, requestHeaders, status, responseHeaders } = parameters
  const requestCc = parseCacheControl(requestHeaders['cache-control'])
  // Cache-Control, or CDN-Cache-Control instead of it and of Expires (RFC 9213 §2.1).
  const { cacheControl: responseCc, usesExpires } = responseCacheDirectives(responseHeaders)

  // §3: "the request method is understood by the cache". We store GET only: a HEAD
  // response has no content to serve a later GET with (it may only freshen, §4.3.5),
  // and POST responses are reusable only in narrow cases (RFC 9110 §9.3.3) we skip.
  // Method names are case-sensitive (RFC 9110 §9.1).
  if (method !== 'GET') return notStorable('method')
  // §3: "the response status code is final (see Section 15 of [HTTP])".
  if (status < 200 || status > 599) return notStorable('status')
  // §3.3: "A cache that does not support the Range and Content-Range header fields MUST
  // NOT store incomplete responses". We support them: a 206 with one valid Content-Range
  // is stored as a part (partial-content.ts); anything else (multipart, a length that
  // disagrees) is not. A 304 is not a representation at all; it only freshens one (§4.3.4).
  if (status === 206 && storablePartOf(responseHeaders) === undefined) return notStorable('partial-content')
  if (status === 304) return notStorable('status')
  // RFC 9110 §15.5.17: a 416 answers one request's Range, not the target resource; the
  // cache key has no Range, so storing it would answer every later request with it.
  if (status === 416) return notStorable('status')

  // §5.2.2.3: with must-understand, store only statuses whose rules we implement, and
  // then "the cache SHOULD ignore the no-store directive".
  const mustUnderstand = hasDirective(responseCc, 'must-understand')
  if (mustUnderstand && !UNDERSTOOD_STATUSES.has(status)) return notStorable('must-understand')
  // §3: "the no-store cache directive is not present in the response"; §5.2.1.5: "no-store"
  // in a request means "a cache MUST NOT store any part of either this request or any
  // response to it".
  if (hasDirective(requestCc, 'no-store')) return notStorable('no-store')
  if (hasDirective(responseCc, 'no-store') && !mustUnderstand) return notStorable('no-store')
  // W3C Edge Architecture 1.0 §2.2: Surrogate-Control `no-store` (or `no-store-remote`:
  // a CDN node is a remote surrogate) for us, or untargeted.
  const surrogate = parseSurrogateControl(responseHeaders['surrogate-control'])
  if (surrogate?.isNoStore === true) return notStorable('no-store')
  // §3: "if the cache is shared: the private response directive is either not present or
  // allows a shared cache to store a modified response": `private="field"` lets the rest
  // be stored without the listed fields (field-qualified-directives.ts drops them); a list
  // we cannot honour counts as unqualified.
  if (isWhollyPrivate(responseCc)) return notStorable('private')

  const isPublic = hasDirective(responseCc, 'public')
  const hasSMaxAge = hasDirective(responseCc, 's-maxage')
  // §3.5: a shared cache stores a response to a request with Authorization only when "the
  // response contains a Cache-Control field with a response directive that allows it to
  // be stored": must-revalidate, public or s-maxage.
  if (
    requestHeaders['authorization'] !== undefined &&
    !(isPublic || hasSMaxAge || hasDirective(responseCc, 'must-revalidate'))
  ) {
    return notStorable('authorization')
  }
  // Our choice, stricter than RFC 9111 §7.3 (which says Set-Cookie "does not inhibit
  // caching"): a shared cache must never hand one user's cookie to another, so a
  // response with Set-Cookie is stored only when the origin explicitly marks it
  // shareable with `public` or `s-maxage`, or the cookie is left out of what is stored
  // (`no-cache="set-cookie"` or `private="set-cookie"`, see field-qualified-directives.ts).
  if (responseHeaders['set-cookie'] !== undefined && !(isPublic || hasSMaxAge || unstoredFieldNames(responseCc).has('set-cookie'))) return notStorable('set-cookie')
  // §4.1: "A stored response with a Vary header field value containing a member '*'
  // always fails to match"; storing it would only waste space.
  if (varyFieldNames(responseHeaders) === null) return notStorable('vary-star')

  // §3: the response contains "a public response directive", "an Expires header field",
  // "a max-age response directive", "if the cache is shared: an s-maxage response
  // directive", or "a status code that is defined as heuristically cacheable".
  const hasExplicitFreshness =
    isPublic ||
    hasSMaxAge ||
    hasDirective(responseCc, 'max-age') ||
    (usesExpires && responseHeaders['expires'] !== undefined) ||
    surrogate?.maxAgeSeconds !== undefined
  if (!hasExplicitFreshness && !isCacheableByDefault(status)) return notStorable('no-freshness')
  return { storable: true }
}

function notStorable(reason: NotStorableReason): ResponseStorability {
  return { storable: false, reason }
}
