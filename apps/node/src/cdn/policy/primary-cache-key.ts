import { BaseError } from '@meson/protocol'

const DEFAULT_PORTS: Readonly<Record<string, string>> = { http: '80', https: '443' }

// scheme "://" authority path-abempty [ "?" query ] [ "#" fragment ] (RFC 3986 §3)
const ABSOLUTE_URI = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/([^/?#]*)([^?#]*)(\?[^#]*)?(?:#.*)?$/s

/**
 * The primary cache key: the target URI (RFC 9111 §2), normalised only where RFC 9110
 * §4.2.3 says two http(s) URIs are equivalent:
 * - scheme and host lowercased (both case-insensitive);
 * - the default port dropped, and an empty port ("host:") too;
 * - an empty path becomes "/" (the origin-form of an empty path);
 * - userinfo dropped (RFC 9110 §4.2.4 forbids it in http(s) URIs; keeping it would put
 *   credentials in keys and logs);
 * - the fragment dropped (it is never sent to the origin, RFC 9110 §4.2.5).
 *
 * Path and query are kept byte-exact: no percent-decoding, no dot-segment removal, no
 * query reordering. Doing more risks merging two resources the origin keeps apart,
 * which for a shared cache is a correctness (and cache-poisoning) bug; doing less only
 * costs a few misses. A `URL` object is keyed from its `href`, which the WHATWG parser
 * has already normalised; callers should key the same request the same way each time.
 *
 * Throws `INVALID_CACHE_KEY_URL` for a string that is not an absolute URI with an
 * authority: that is a programming error in the caller, not an outcome of the request.
 */
export function primaryCacheKey(url: URL | string): string {
  const text = typeof url === 'string' ? url : url.href
  const match = ABSOLUTE_URI.exec(text)
  const scheme = match?.[1]?.toLowerCase()
  const authority = match?.[2]
  if (match === null || scheme === undefined || authority === undefined) {
    throw new BaseError('INVALID_CACHE_KEY_URL', 'A cache key needs an absolute URL with a host.')
  }
  const hostPort = authority.slice(authority.lastIndexOf('@') + 1)
  const { host, port } = splitHostPort(hostPort)
  const normalisedPort = port === '' || port === DEFAULT_PORTS[scheme] ? '' : `:${port}`
  const path = match[3] === undefined || match[3] === '' ? '/' : match[3]
  return `${scheme}://${host.toLowerCase()}${normalisedPort}${path}${match[4] ?? ''}`
}

function splitHostPort(hostPort: string): { host: string; port: string } {
  // IP-literal = "[" ... "]" (RFC 3986 §3.2.2): its colons are not a port separator.
  const portMatch = /^(\[[^\]]*\]|[^:]*)(?::(\d*))?$/.exec(hostPort)
  if (portMatch === null) return { host: hostPort, port: '' }
  const digits = portMatch[2] ?? ''
  // "080" and "80" are the same port; compare and print it as a number.
  return { host: portMatch[1] ?? '', port: digits === '' ? '' : String(Number(digits)) }
}
