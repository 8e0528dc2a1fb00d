/**
 * absolute-form = absolute-URI (RFC 9112 §3.2.2) for the http and https schemes: the
 * authority (no "/", "?", "#" or whitespace) and the path and query after it, kept as sent.
 */
const ABSOLUTE_FORM = /^https?:\/\/[^/?#\s]+([/?][^#\s]*)?$/i

/**
 * The origin-form (`/path?query`) of a request target, or undefined when the node does
 * not serve that form. RFC 9112 §3.2.2: "a server MUST accept the absolute-form in
 * requests even though HTTP/1.1 clients will only send them in requests to proxies", and
 * an origin server then uses "the host information of the request-target" instead of
 * Host. The node serves one origin (or routes by path in coordinator mode) whatever the
 * Host says, so the host information changes nothing and the target is served as its
 * path and query, byte for byte: no dot-segment removal or re-encoding, exactly as an
 * origin-form target is passed on. Authority-form (CONNECT) and asterisk-form (`*`,
 * OPTIONS) are not served.
 */
export function originFormOf(target: string): string | undefined {
  if (target.startsWith('/')) return target
  const match = ABSOLUTE_FORM.exec(target)
  if (match === null) return undefined
  const rest = match[1] ?? ''
  return rest.startsWith('/') ? rest : `/${rest}`
}
