/**
 * Cache-Control parsing (RFC 9111 §5.2).
 *
 *   Cache-Control   = #cache-directive
 *   cache-directive = token [ "=" ( token / quoted-string ) ]
 *
 * Directive names are case-insensitive and kept lowercase; an argument is unquoted
 * (quoted-pair escapes resolved) because "recipients ought to accept both forms, even
 * if a specific form is required for generation" (RFC 9111 §5.2).
 */

/** Directive name (lowercase) → argument, or `null` when the directive has none. */
export type CacheControl = ReadonlyMap<string, string | null>

/**
 * Greatest delta-seconds value: "If a cache receives a delta-seconds value greater than
 * the greatest integer it can represent, or if any of its subsequent calculations
 * overflows, the cache MUST consider the value to be 2147483648 (2^31)" (RFC 9111 §1.2.2).
 */
export const MAX_DELTA_SECONDS = 2_147_483_648

const EMPTY: CacheControl = new Map()

/**
 * Parses a Cache-Control field value (all lines already joined with ", ").
 *
 * Duplicates: the FIRST occurrence of a directive wins. RFC 9111 §4.2.1 allows either
 * "the first occurrence should be used or the response should be considered stale";
 * we keep the first for every directive, so `max-age=60, max-age=0` is 60 s and
 * `max-age=abc, max-age=60` is invalid (→ stale, see `deltaSeconds`). Conflicting
 * *different* directives (e.g. max-age with no-cache) are all kept and the policy
 * functions honour the most restrictive one (RFC 9111 §4.2.1).
 */
export function parseCacheControl(value: string | undefined): CacheControl {
  if (value === undefined || value.trim() === '') return EMPTY
  const directives = new Map<string, string | null>()
  for (const member of splitListMembers(value)) {
    const equals = member.indexOf('=')
    const name = (equals === -1 ? member : member.slice(0, equals)).trim().toLowerCase()
    // Skip empty list elements (RFC 9110 §5.6.1: recipients accept "a, , b") and names
    // that are not tokens.
    if (name === '' || !TOKEN.test(name)) continue
    if (directives.has(name)) continue
    directives.set(name, equals === -1 ? null : argumentOf(member, equals))
  }
  return directives
}

/** True when the directive is present (with or without an argument). */
export function hasDirective(cacheControl: CacheControl, name: string): boolean {
  return cacheControl.has(name)
}

/**
 * A delta-seconds argument (RFC 9111 §1.2.2: `delta-seconds = 1*DIGIT`).
 *
 * - absent directive → `undefined`;
 * - missing or invalid argument (`max-age`, `max-age=abc`, `max-age=-1`, `max-age=1.5`)
 *   → `0`, the conservative reading: a freshness directive we cannot read makes the
 *   response stale rather than falling back to a weaker one (RFC 9111 §4.2.1: invalid
 *   freshness information is "considered stale");
 * - values beyond 2^31 → 2^31 (RFC 9111 §1.2.2).
 */
export function deltaSeconds(cacheControl: CacheControl, name: string): number | undefined {
  const argument = cacheControl.get(name)
  if (argument === undefined) return undefined
  return parseDeltaSeconds(argument ?? '') ?? 0
}

/** Parses `1*DIGIT` to a number capped at 2^31; `undefined` when it is not 1*DIGIT. */
export function parseDeltaSeconds(text: string): number | undefined {
  if (!/^\d+$/.test(text)) return undefined
  // Digit strings longer than 10 exceed 2^31 whatever they are; avoid float parsing them.
  if (text.replace(/^0+/, '').length > 10) return MAX_DELTA_SECONDS
  return Math.min(Number(text), MAX_DELTA_SECONDS)
}

// token = 1*tchar (RFC 9110 §5.6.2)
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9a-z]+$/i

/** Splits a list-based field on commas that are not inside a quoted-string (RFC 9110 §5.6.1). */
export function splitListMembers(value: string): string[] {
  const members: string[] = []
  let current = ''
  let inQuotes = false
  for (let i = 0; i < value.length; i++) {
    const char = value.charAt(i)
    if (inQuotes && char === '\\' && i + 1 < value.length) {
      current += char + value.charAt(i + 1)
      i++
      continue
    }
    if (char === '"') inQuotes = !inQuotes
    if (char === ',' && !inQuotes) {
      members.push(current.trim())
      current = ''
      continue
    }
    current += char
  }
  members.push(current.trim())
  return members.filter((member) => member !== '')
}

/**
 * The argument of `name=argument`. The grammar has no whitespace around "=" (`token [
 * "=" ( token / quoted-string ) ]`), so `max-age =60` or `max-age= 60` keeps its
 * directive (a restrictive one like `private = "x"` still applies) with an argument
 * that is invalid (''), which makes a freshness directive stale (see `deltaSeconds`)
 * instead of reading 60 s into a value the origin did not write correctly.
 */
function argumentOf(member: string, equals: number): string {
  const before = member.charAt(equals - 1)
  const after = member.charAt(equals + 1)
  if (before === ' ' || before === '\t' || after === ' ' || after === '\t') return ''
  return unquote(member.slice(equals + 1).trim())
}

/** Removes the quotes and quoted-pair escapes of a quoted-string (RFC 9110 §5.6.4). */
function unquote(text: string): string {
  if (text.length < 2 || !text.startsWith('"') || !text.endsWith('"')) return text
  return text.slice(1, -1).replace(/\\(.)/g, '$1')
}
