import { parseEntityTag, parseEntityTagList, strongEtagMatch, weakEtagMatch } from './entity-tag.ts'
import type { HeaderMap } from './header-map.ts'
import { parseHttpDate } from './http-date.ts'

export type ClientConditionalOutcome = 'not-modified' | 'precondition-failed' | 'none'

export interface EvaluateClientConditionalParameters {
  readonly method: string
  readonly requestHeaders: HeaderMap
  /** Header fields of the selected (stored) representation: its ETag and Last-Modified. */
  readonly storedHeaders: HeaderMap
  /** Local clock: an If-Modified-Since in the future is ignored (see below). */
  readonly nowMs?: number
}

/**
 * Evaluates the client's preconditions against the stored representation in the order
 * of RFC 9110 §13.2.2 (steps 1–4; step 5, If-Range, is `isIfRangeSatisfied`). The
 * representation exists (we have it), which matters for `*`.
 */
export function evaluateClientConditional(parameters: EvaluateClientConditionalParameters): ClientConditionalOutcome {
  const { method, requestHeaders, storedHeaders, nowMs } = parameters
  const etag = parseEntityTag(storedHeaders['etag'])
  const lastModifiedMs = parseHttpDate(storedHeaders['last-modified'])
  const isGetOrHead = method === 'GET' || method === 'HEAD'

  const ifMatch = requestHeaders['if-match']
  const ifNoneMatch = requestHeaders['if-none-match']
  if (ifMatch !== undefined) {
    // Step 1: "When recipient is the origin server and If-Match is present, evaluate the
    // If-Match precondition: if true, continue to step 3; if false, respond 412". §13.1.1:
    // "*" is true if a current representation exists; otherwise strong comparison.
    const list = parseEntityTagList(ifMatch)
    const matches = list === '*' || (etag !== undefined && list.some((tag) => strongEtagMatch(tag, etag)))
    if (!matches) return 'precondition-failed'
  } else {
    // Step 2: "When ... If-Match is not present, and If-Unmodified-Since is present,
    // evaluate the If-Unmodified-Since precondition". §13.1.4: ignored when the date is
    // invalid or the representation has no modification date.
    const ifUnmodifiedSinceMs = parseHttpDate(requestHeaders['if-unmodified-since'])
    if (ifUnmodifiedSinceMs !== undefined && lastModifiedMs !== undefined && lastModifiedMs > ifUnmodifiedSinceMs) {
      return 'precondition-failed'
    }
  }

  if (ifNoneMatch !== undefined) {
    // Step 3: If-None-Match "if false for GET/HEAD, respond 304 (Not Modified); if false
    // for other methods, respond 412". §13.1.2: false when "*" and a representation
    // exists, or when a listed tag matches by WEAK comparison.
    const list = parseEntityTagList(ifNoneMatch)
    const anyMatches = list === '*' || (etag !== undefined && list.some((tag) => weakEtagMatch(tag, etag)))
    if (anyMatches) return isGetOrHead ? 'not-modified' : 'precondition-failed'
    return 'none'
  }

  // Step 4: "When the method is GET or HEAD, If-None-Match is not present, and
  // If-Modified-Since is present, evaluate the If-Modified-Since precondition: if false,
  // respond 304". §13.1.3: ignore it when "the received field value is not a valid
  // HTTP-date, the field value has more than one member" (two dates joined by ", " do
  // not parse) or the representation has no modification date. RFC 2616 §14.25 adds
  // "A date which is later than the server's current time is invalid". A cache answers
  // from its stored response (RFC 9111 §4.3.2): 304 when its Last-Modified is earlier than
  // or equal to the date, or, "no Last-Modified field is present in the selected stored
  // response, but it has a Date field value that is earlier than or equal to" it (the
  // stored Date is the time of receipt when the origin sent none, see origin-fill.ts).
  const modifiedMs = lastModifiedMs ?? parseHttpDate(storedHeaders['date'])
  if (isGetOrHead && modifiedMs !== undefined) {
    const ifModifiedSinceMs = parseHttpDate(requestHeaders['if-modified-since'])
    const isFuture = ifModifiedSinceMs !== undefined && nowMs !== undefined && ifModifiedSinceMs > nowMs
    if (ifModifiedSinceMs !== undefined && !isFuture && modifiedMs <= ifModifiedSinceMs) return 'not-modified'
  }
  return 'none'
}
