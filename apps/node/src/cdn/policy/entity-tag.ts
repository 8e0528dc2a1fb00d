/**
 * Entity tags (RFC 9110 §8.8.3):
 *
 *   entity-tag = [ weak ] opaque-tag
 *   weak       = %s"W/"
 *   opaque-tag = DQUOTE *etagc DQUOTE
 *   etagc      = %x21 / %x23-7E / obs-text
 *
 * Note that etagc includes ",", so lists are split by scanning, not on commas.
 */
export interface EntityTag {
  readonly weak: boolean
  /** The opaque-tag including its double quotes. */
  readonly opaqueTag: string
}

// etagc: "!" or #-~ or obs-text (0x80-0xFF). "W/" is case-sensitive (%s).
const ENTITY_TAG = /^(W\/)?("[\x21\x23-\x7e\x80-\xff]*")$/

/** Parses one entity-tag; `undefined` when it is not one. */
export function parseEntityTag(value: string | undefined): EntityTag | undefined {
  if (value === undefined) return undefined
  const match = ENTITY_TAG.exec(value.trim())
  const opaqueTag = match?.[2]
  if (match === null || opaqueTag === undefined) return undefined
  return { weak: match[1] !== undefined, opaqueTag }
}

/**
 * Parses `If-Match` / `If-None-Match` (RFC 9110 §13.1.1, §13.1.2): `"*"` or
 * `#entity-tag`. Members that are not entity-tags are skipped: an unparseable
 * validator can match nothing, which fails safe (a 200 instead of a 304, a 412 instead
 * of a wrong update).
 */
export function parseEntityTagList(value: string): '*' | readonly EntityTag[] {
  if (value.trim() === '*') return '*'
  const tags: EntityTag[] = []
  const pattern = /\s*(W\/)?("[\x21\x23-\x7e\x80-\xff]*")\s*(?:,|$)|[^,]*(?:,|$)/gy
  for (const match of value.matchAll(pattern)) {
    if (match[0] === '') break
    const opaqueTag = match[2]
    if (opaqueTag !== undefined) tags.push({ weak: match[1] !== undefined, opaqueTag })
  }
  return tags
}

/**
 * Strong comparison (RFC 9110 §8.8.3.2): "two entity tags are equivalent if both are not
 * weak and their opaque-tags match character-by-character".
 */
export function strongEtagMatch(a: string | EntityTag, b: string | EntityTag): boolean {
  const left = typeof a === 'string' ? parseEntityTag(a) : a
  const right = typeof b === 'string' ? parseEntityTag(b) : b
  if (left === undefined || right === undefined) return false
  return !left.weak && !right.weak && left.opaqueTag === right.opaqueTag
}

/**
 * Weak comparison (RFC 9110 §8.8.3.2): "two entity tags are equivalent if their
 * opaque-tags match character-by-character, regardless of either or both being tagged
 * as 'weak'".
 */
export function weakEtagMatch(a: string | EntityTag, b: string | EntityTag): boolean {
  const left = typeof a === 'string' ? parseEntityTag(a) : a
  const right = typeof b === 'string' ? parseEntityTag(b) : b
  if (left === undefined || right === undefined) return false
  return left.opaqueTag === right.opaqueTag
}
