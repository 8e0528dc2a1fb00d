import { parseEntityTag, strongEtagMatch, weakEtagMatch } from './entity-tag.ts'
import type { HeaderMap } from './header-map.ts'
import { stripHopByHop } from './hop-by-hop.ts'
import { withoutUnstoredFields } from './field-qualified-directives.ts'
import { parseHttpDate } from './http-date.ts'
import type { StoredResponse } from './stored-response.ts'

/**
 * Stored fields a 304 must not overwrite (RFC 9111 §3.2 exceptions):
 * - content-length: named by §3.2 ("The Content-Length header field");
 * - content-range: "automatically processed and removed by the recipient";
 * - content-encoding: the stored bytes are encoded as they were received, so the
 *   field describing them is one "the cache's stored response depends upon";
 * - vary: the variant's secondary key was computed from it (same reason);
 * - content-md5: a digest of the stored content, which a 304 has none of; taking it from
 *   a 304 would pair the stored bytes with another body's digest (same reason).
 * Hop-by-hop fields are removed from the 304 first (§3.1, via §3.2).
 */
const NOT_UPDATED: ReadonlySet<string> = new Set(['content-length', 'content-range', 'content-encoding', 'vary', 'content-md5'])

/**
 * The stored header fields after a 304 (RFC 9111 §4.3.4): "use other header fields
 * provided in the 304 (Not Modified) response to replace all instances of the
 * corresponding header fields in the stored response", except the ones above.
 *
 * `date` and `age` always come from the 304 and are dropped when it has none: they
 * describe the validating response, and the caller must also set requestTimeMs and
 * responseTimeMs to that exchange, so §4.2.3 computes the age from one consistent set
 * (an old Date against a new response_time would make it look ancient).
 *
 * Call it only for a stored response `selectResponseToFreshen` picked.
 */
export function freshenStoredHeaders(stored: Pick<StoredResponse, 'headers'>, notModifiedHeaders: HeaderMap): HeaderMap {
  const updates = stripHopByHop(notModifiedHeaders)
  const headers: Record<string, string> = { ...stored.headers }
  delete headers['date']
  delete headers['age']
  for (const [name, value] of Object.entries(updates)) {
    if (!NOT_UPDATED.has(name)) headers[name] = value
  }
  // A qualified no-cache or private (in the updated directives) keeps its fields out of the store.
  return withoutUnstoredFields(headers)
}

/**
 * Which stored responses a 304 freshens (RFC 9111 §4.3.4), most recent first in the
 * result:
 * - "If the new response contains one or more strong validators ..., then each of those
 *   strong validators identify a selected representation for update. All the stored
 *   responses with the same strong validator are identified";
 * - with only weak validators (a weak ETag, or a Last-Modified) "the most recent of
 *   those matching stored responses";
 * - with no validator at all, the single stored response if it has none either.
 * An empty result means the 304 does not match: the caller must not use it to update
 * anything (and should repeat the request unconditionally, §4.3.3).
 */
export function selectResponseToFreshen<T extends Pick<StoredResponse, 'headers' | 'responseTimeMs'>>(
  candidates: readonly T[],
  notModifiedHeaders: HeaderMap,
): T[] {
  const newest = [...candidates].sort((a, b) => b.responseTimeMs - a.responseTimeMs)
  const etag = parseEntityTag(notModifiedHeaders['etag'])
  if (etag !== undefined && !etag.weak) {
    return newest.filter((stored) => strongEtagMatch(etag, stored.headers['etag'] ?? ''))
  }
  if (etag !== undefined) {
    const match = newest.find((stored) => weakEtagMatch(etag, stored.headers['etag'] ?? ''))
    return match === undefined ? [] : [match]
  }
  const lastModifiedMs = parseHttpDate(notModifiedHeaders['last-modified'])
  if (lastModifiedMs !== undefined) {
    const match = newest.find((stored) => parseHttpDate(stored.headers['last-modified']) === lastModifiedMs)
    return match === undefined ? [] : [match]
  }
  const only = newest[0]
  if (newest.length === 1 && only !== undefined && !hasValidator(only.headers)) return [only]
  return []
}

/** True when a 304 may freshen this one stored response (see `selectResponseToFreshen`). */
export function isNotModifiedFor(stored: Pick<StoredResponse, 'headers' | 'responseTimeMs'>, notModifiedHeaders: HeaderMap): boolean {
  return selectResponseToFreshen([stored], notModifiedHeaders).length === 1
}

/**
 * True when a 304 answering the node's OWN conditional request freshens the one stored
 * response that request was built from. RFC 9111 §4.3.4 selects by the 304's
 * validators; a 304 that carries none still answers the request, whose only candidate
 * was this stored response (§4.3.1 built the conditions from its validators alone), so
 * it is selected for update, as shared caches do. A 304 whose validators name another
 * response freshens nothing (the request is then repeated unconditionally, §4.3.3).
 */
export function isNotModifiedForOwnRequest(stored: Pick<StoredResponse, 'headers' | 'responseTimeMs'>, notModifiedHeaders: HeaderMap): boolean {
  if (!hasValidator(notModifiedHeaders)) return true
  return isNotModifiedFor(stored, notModifiedHeaders)
}

function hasValidator(headers: HeaderMap): boolean {
  return parseEntityTag(headers['etag']) !== undefined || parseHttpDate(headers['last-modified']) !== undefined
}
