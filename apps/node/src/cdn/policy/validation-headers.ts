import { parseEntityTag } from './entity-tag.ts'
import type { HeaderMap } from './header-map.ts'
import { parseHttpDate } from './http-date.ts'
import type { StoredResponse } from './stored-response.ts'

/**
 * Conditional request fields to validate a stored response with the origin
 * (RFC 9111 §4.3.1):
 * - "MUST send the relevant entity tags (using If-None-Match) if an entity tag was
 *   provided in the stored response(s) being validated";
 * - "SHOULD send the Last-Modified value (using If-Modified-Since) if only a
 *   Last-Modified value has been provided", and MAY with both; we send both, for
 *   origins that only honour one of them;
 * - without either, the stored Date, as RFC 9110 §13.1.3 notes caches do ("based on
 *   other data, such as the Date header field of the cached message"). Not when an
 *   ETag is sent: If-None-Match makes the origin ignore If-Modified-Since anyway.
 *
 * Values are copied byte-for-byte: origins often compare validators as strings.
 */
export function buildValidationHeaders(stored: Pick<StoredResponse, 'headers'>): HeaderMap {
  const headers: Record<string, string> = {}
  const etag = stored.headers['etag']
  if (etag !== undefined && parseEntityTag(etag) !== undefined) headers['if-none-match'] = etag.trim()
  const lastModified = stored.headers['last-modified']
  const date = stored.headers['date']
  if (lastModified !== undefined && parseHttpDate(lastModified) !== undefined) {
    headers['if-modified-since'] = lastModified.trim()
  } else if (headers['if-none-match'] === undefined && date !== undefined && parseHttpDate(date) !== undefined) {
    headers['if-modified-since'] = date.trim()
  }
  return headers
}
