import { splitListMembers } from './cache-control.ts'
import type { HeaderMap } from './header-map.ts'
import type { StoredResponse } from './stored-response.ts'

/**
 * The request field names a response's `Vary` nominates (RFC 9111 §4.1): lowercase
 * (field names are case-insensitive, RFC 9110 §5.1), sorted, de-duplicated; `[]` when
 * there is no Vary; `null` when any member is "*" (the response never matches).
 */
export function varyFieldNames(responseHeaders: HeaderMap): readonly string[] | null {
  const vary = responseHeaders['vary']
  if (vary === undefined) return []
  const names = new Set<string>()
  for (const member of splitListMembers(vary)) {
    const name = member.toLowerCase()
    if (name === '*') return null
    names.add(name)
  }
  return [...names].sort()
}

/**
 * The secondary cache key (RFC 9111 §4.1): one line per nominated field, `name=value`,
 * or the bare `name` when the request lacks it ("if a header field is absent from a
 * request, it can only match another request if it is also absent there"). Lines are
 * joined with "\n", which no field value can contain (RFC 9110 §5.5), so keys never
 * collide. `''` without Vary; `null` for `Vary: *`.
 *
 * Values are normalised only in the ways §4.1 allows ("adding or removing whitespace,
 * where allowed", "reordering field values when order is not significant;
 * case-normalization, where values are defined to be case-insensitive"): whitespace
 * runs collapse to one space and disappear around commas; Accept-Encoding members are
 * lowercased (content-codings are case-insensitive, RFC 9110 §8.4.1) and sorted (their
 * order carries no meaning, RFC 9110 §12.5.3).
 */
export function secondaryKeyFor(responseHeaders: HeaderMap, requestHeaders: HeaderMap): string | null {
  const names = varyFieldNames(responseHeaders)
  if (names === null) return null
  return names
    .map((name) => {
      const value = requestHeaders[name]
      return value === undefined ? name : `${name}=${normaliseVaryValue(name, value)}`
    })
    .join('\n')
}

/**
 * Does a stored response's Vary match this request (RFC 9111 §4.1)? Both keys are
 * recomputed from the stored headers, so the answer does not depend on how the store
 * spelled `stored.secondaryKey`.
 */
export function varyMatches(
  stored: Pick<StoredResponse, 'headers' | 'varyRequestHeaders'>,
  requestHeaders: HeaderMap,
): boolean {
  const storedKey = secondaryKeyFor(stored.headers, stored.varyRequestHeaders)
  return storedKey !== null && storedKey === secondaryKeyFor(stored.headers, requestHeaders)
}

/** The request fields a response's Vary nominates, as `StoredResponse.varyRequestHeaders` keeps them. */
export function selectVaryRequestHeaders(responseHeaders: HeaderMap, requestHeaders: HeaderMap): HeaderMap {
  const selected: Record<string, string> = {}
  for (const name of varyFieldNames(responseHeaders) ?? []) {
    const value = requestHeaders[name]
    if (value !== undefined) selected[name] = value
  }
  return selected
}

function normaliseVaryValue(name: string, value: string): string {
  const members = splitListMembers(value).map((member) => member.replace(/[ \t]+/g, ' ').replace(/ ?; ?/g, ';'))
  if (name === 'accept-encoding') {
    return members
      .map((member) => member.toLowerCase())
      .sort()
      .join(',')
  }
  return members.join(',')
}
