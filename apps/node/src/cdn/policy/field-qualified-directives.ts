import { splitListMembers } from './cache-control.ts'
import type { CacheControl } from './cache-control.ts'
import type { HeaderMap } from './header-map.ts'
import { responseCacheDirectives } from './targeted-cache-control.ts'

/**
 * `no-cache` and `private` with or without a list of field names (RFC 9111 §5.2.2.4,
 * §5.2.2.7): absent, unqualified (the whole response), or qualified (only the listed
 * fields, lowercased).
 */
export type FieldQualifiedDirective =
  | { readonly kind: 'absent' }
  | { readonly kind: 'unqualified' }
  | { readonly kind: 'fields'; readonly names: readonly string[] }

const ABSENT: FieldQualifiedDirective = { kind: 'absent' }
const UNQUALIFIED: FieldQualifiedDirective = { kind: 'unqualified' }

// field-name = token (RFC 9110 §5.1)
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9a-z]+$/i

/**
 * Fields the cache's own handling of the stored response depends on: leaving one of
 * them out would change how the stored bytes are read, framed, keyed or aged. A list
 * naming any of them is read as the unqualified directive (the reading §5.2.2.4 and
 * §5.2.2.7 note caches commonly use for every list), which is always safe.
 */
const NEEDED_FIELDS: ReadonlySet<string> = new Set([
  'cache-control',
  'cdn-cache-control',
  'surrogate-control',
  'content-encoding',
  'content-length',
  'content-range',
  'vary',
  'date',
  'age',
  'expires',
])

/**
 * Reads `no-cache` or `private` from response directives. The qualified form is
 * `directive="field-name, ..."`; an argument that is not such a list (empty, or a member
 * that is not a token) counts as unqualified.
 */
export function fieldQualifiedDirective(cacheControl: CacheControl, name: 'no-cache' | 'private'): FieldQualifiedDirective {
  if (!cacheControl.has(name)) return ABSENT
  const argument = cacheControl.get(name)
  if (argument === null || argument === undefined) return UNQUALIFIED
  const names = splitListMembers(argument).map((member) => member.toLowerCase())
  if (names.length === 0 || names.some((field) => !TOKEN.test(field) || NEEDED_FIELDS.has(field))) return UNQUALIFIED
  return { kind: 'fields', names }
}

/**
 * §5.2.2.4: unqualified no-cache means "the response MUST NOT be used to satisfy any
 * other request without forwarding it for validation"; the qualified form lets the cache
 * use it "if the listed header fields are excluded from the subsequent response", which
 * holds for stored responses because `withoutUnstoredFields` dropped them.
 */
export function requiresValidation(cacheControl: CacheControl): boolean {
  return fieldQualifiedDirective(cacheControl, 'no-cache').kind === 'unqualified'
}

/** §5.2.2.7: an unqualified `private` keeps a shared cache from storing the response at all. */
export function isWhollyPrivate(cacheControl: CacheControl): boolean {
  return fieldQualifiedDirective(cacheControl, 'private').kind === 'unqualified'
}

/**
 * The fields a shared cache leaves out of what it stores: those a qualified `private`
 * names (§5.2.2.7 "a shared cache MUST NOT store the specified field names, but may store
 * the remainder of the response message") and a qualified `no-cache` names (so that
 * every reuse excludes them, §5.2.2.4).
 */
export function unstoredFieldNames(cacheControl: CacheControl): ReadonlySet<string> {
  const names = new Set<string>()
  for (const directive of ['no-cache', 'private'] as const) {
    const parsed = fieldQualifiedDirective(cacheControl, directive)
    if (parsed.kind === 'fields') for (const field of parsed.names) names.add(field)
  }
  return names
}

/** The response's fields minus `unstoredFieldNames` of its own cache directives: what the cache stores. */
export function withoutUnstoredFields(responseHeaders: HeaderMap): HeaderMap {
  const unstored = unstoredFieldNames(responseCacheDirectives(responseHeaders).cacheControl)
  if (unstored.size === 0) return responseHeaders
  const kept: Record<string, string> = {}
  for (const [name, value] of Object.entries(responseHeaders)) {
    if (!unstored.has(name)) kept[name] = value
  }
  return kept
}
