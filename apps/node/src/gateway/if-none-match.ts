import { parseEntityTagList, weakEtagMatch } from '../cdn/policy/entity-tag.ts'

/**
 * The Etag of `etags` that an `If-None-Match` field names (RFC 9110 §13.1.2: `*`, or any
 * listed tag by weak comparison, so `W/"<cid>"` matches `"<cid>"`), or undefined when
 * the answer must be sent. `*` matches the first (the answer's own).
 */
export function ifNoneMatchHit(ifNoneMatch: string | undefined, etags: readonly string[]): string | undefined {
  if (ifNoneMatch === undefined || ifNoneMatch.trim() === '') return undefined
  const list = parseEntityTagList(ifNoneMatch)
  if (list === '*') return etags[0]
  return etags.find((etag) => list.some((tag) => weakEtagMatch(tag, etag)))
}
