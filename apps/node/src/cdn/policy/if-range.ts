import { parseEntityTag, strongEtagMatch } from './entity-tag.ts'
import type { HeaderMap } from './header-map.ts'
import { parseHttpDate } from './http-date.ts'

/**
 * Does an If-Range condition hold, so the Range header is honoured (RFC 9110 §13.1.5)?
 * Without If-Range there is no condition: true. Otherwise:
 * - an entity-tag: "the condition is true if the validator ... matches the current
 *   validator for the selected representation" using the STRONG comparison, so a weak
 *   tag never satisfies it;
 * - an HTTP-date: true only if it is exactly the stored Last-Modified and that
 *   Last-Modified is a strong validator: §8.8.2.2 lets a cache deem it strong when "that
 *   cache entry includes a Date value which is at least one second after the
 *   Last-Modified value";
 * - anything else is false, and the full representation is sent.
 */
export function isIfRangeSatisfied(ifRange: string | undefined, storedHeaders: HeaderMap): boolean {
  if (ifRange === undefined) return true
  const value = ifRange.trim()
  if (value.startsWith('"') || value.startsWith('W/')) {
    const tag = parseEntityTag(value)
    const stored = storedHeaders['etag']
    return tag !== undefined && stored !== undefined && strongEtagMatch(tag, stored)
  }
  const ifRangeMs = parseHttpDate(value)
  const lastModifiedMs = parseHttpDate(storedHeaders['last-modified'])
  const dateMs = parseHttpDate(storedHeaders['date'])
  if (ifRangeMs === undefined || lastModifiedMs === undefined || dateMs === undefined) return false
  return ifRangeMs === lastModifiedMs && dateMs - lastModifiedMs >= 1000
}
