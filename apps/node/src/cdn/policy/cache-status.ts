/** One cache's entry in the Cache-Status response field (RFC 9211 §2). */
export interface CacheStatusEntry {
  /** The cache's name (§2: "a token or a string"), e.g. "meson". */
  readonly cache: string
  /** §2.1 hit: "the request was satisfied by the cache". */
  readonly hit?: boolean
  /** §2.2 fwd: why the request went forward. */
  readonly fwd?: 'uri-miss' | 'vary-miss' | 'miss' | 'request' | 'stale' | 'partial' | 'bypass'
  /** §2.3 fwd-status: the status of the forwarded response. */
  readonly fwdStatus?: number
  /** §2.4 ttl: remaining freshness in seconds; may be negative. */
  readonly ttlSeconds?: number
  /** §2.5 stored: the forwarded response was stored. */
  readonly stored?: boolean
  /** §2.6 collapsed: the request was collapsed with another. */
  readonly collapsed?: boolean
  /** §2.7 key: the cache key (implementation-specific). */
  readonly key?: string
  /** §2.8 detail: implementation-specific detail. */
  readonly detail?: string
}

// sf-token (RFC 8941 §3.3.4): ( ALPHA / "*" ) *( tchar / ":" / "/" )
const SF_TOKEN = /^[a-zA-Z*][!#$%&'*+\-.^_`|~0-9a-zA-Z:/]*$/
// sf-integer: at most 15 digits (RFC 8941 §3.3.1)
const SF_INTEGER_MAX = 999_999_999_999_999

/**
 * Serialises one Cache-Status list member (RFC 9211 §2, RFC 8941 structured fields),
 * e.g. `meson; hit; ttl=376` or `meson; fwd=uri-miss; fwd-status=200; stored`. Boolean
 * parameters appear only when true (RFC 8941 §3.1.2 writes a true boolean as the bare
 * key). Parameters are separated by "; " as in RFC 9211's examples; RFC 8941 §4.2.3.2
 * parsers accept the space.
 */
export function formatCacheStatus(entry: CacheStatusEntry): string {
  const parts = [serialiseTokenOrString(entry.cache)]
  if (entry.hit === true) parts.push('hit')
  if (entry.fwd !== undefined) parts.push(`fwd=${entry.fwd}`)
  if (entry.fwdStatus !== undefined) parts.push(`fwd-status=${serialiseInteger(entry.fwdStatus)}`)
  if (entry.ttlSeconds !== undefined) parts.push(`ttl=${serialiseInteger(entry.ttlSeconds)}`)
  if (entry.stored === true) parts.push('stored')
  if (entry.collapsed === true) parts.push('collapsed')
  if (entry.key !== undefined) parts.push(`key=${serialiseString(entry.key)}`)
  if (entry.detail !== undefined) parts.push(`detail=${serialiseTokenOrString(entry.detail)}`)
  return parts.join('; ')
}

/**
 * Adds our member to an upstream Cache-Status: "caches add their entries to the end"
 * so the list reads from the origin towards the client (RFC 9211 §2).
 */
export function appendCacheStatus(existing: string | undefined, member: string): string {
  const previous = existing?.trim() ?? ''
  return previous === '' ? member : `${previous}, ${member}`
}

function serialiseInteger(value: number): string {
  // ttl is whole seconds; round towards negative infinity so we never overstate freshness.
  const integer = Math.floor(value)
  return String(Math.max(-SF_INTEGER_MAX, Math.min(SF_INTEGER_MAX, integer)))
}

function serialiseTokenOrString(value: string): string {
  return SF_TOKEN.test(value) ? value : serialiseString(value)
}

/**
 * sf-string (RFC 8941 §3.3.3): printable ASCII only, with `"` and `\` escaped. Other
 * characters cannot be represented and become "?" rather than breaking the field.
 */
function serialiseString(value: string): string {
  const printable = value.replace(/[^\x20-\x7e]/g, '?')
  return `"${printable.replace(/[\\"]/g, (char) => `\\${char}`)}"`
}
