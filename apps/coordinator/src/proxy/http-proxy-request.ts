import type { IncomingHttpHeaders } from 'node:http'

/**
 * The HTTP proxy's reading of a request head, pure: which target a request names and
 * which of its fields may travel on. Syntax is judged before credentials, so a request
 * that can never be served gets its 400 whether or not it carries a password.
 */

export type ProxyRequestTarget =
  | { readonly ok: true; readonly host: string; readonly port: number; readonly hostHeader: string; readonly path: string }
  | { readonly ok: false; readonly status: 400 | 501; readonly message: string }

function refuse(status: 400 | 501, message: string): { readonly ok: false; readonly status: 400 | 501; readonly message: string } {
  return { ok: false, status, message }
}

/**
 * RFC 9112 §3.2.2: a proxy is sent the absolute form `http://host[:port]/path?query`.
 * Origin-form (`/path`, what a server is sent) is refused with a message saying so;
 * `https://` belongs in a CONNECT tunnel; userinfo in the URI is an error (RFC 9110
 * §4.2.4). The Host field to send is derived from the target (§3.2.2: a proxy MUST
 * generate Host from the request-target, not forward the received one).
 */
export function parseAbsoluteTarget(target: string): ProxyRequestTarget {
  if (target.startsWith('/') || target === '*') return refuse(400, 'This is a proxy: send an absolute URI (GET http://host/path) or CONNECT host:port (RFC 9112 §3.2).')
  if (/^https:\/\//i.test(target)) return refuse(400, 'https:// is proxied through CONNECT host:443, not as an absolute URI.')
  if (!/^http:\/\/[^/?#]/i.test(target) || !URL.canParse(target)) return refuse(400, 'The request target is not an http:// absolute URI.')
  const url = new URL(target)
  if (url.username !== '' || url.password !== '') return refuse(400, 'Userinfo in the request target is not accepted (RFC 9110 §4.2.4); use Proxy-Authorization.')
  const port = url.port === '' ? 80 : Number(url.port)
  if (port < 1 || port > 65535) return refuse(400, 'The port must be 1..65535.')
  const host = url.hostname.replace(/^\[|\]$/g, '')
  if (host === '') return refuse(400, 'The request target has no host.')
  return { ok: true, host, port, hostHeader: url.host, path: `${url.pathname}${url.search}` }
}

/**
 * RFC 9112 §6.1: chunked is the only transfer coding the proxy decodes; any other
 * (`gzip, chunked`) would be forwarded with its coding silently dropped, so it is a 501.
 */
export function unsupportedTransferCoding(headers: IncomingHttpHeaders): boolean {
  const value = headers['transfer-encoding']
  return value !== undefined && value.trim().toLowerCase() !== 'chunked'
}

/** RFC 9110 §7.6.1 hop-by-hop fields, plus the proxy's own, never forwarded. */
const HOP_BY_HOP: ReadonlySet<string> = new Set(['connection', 'keep-alive', 'proxy-authorization', 'proxy-authenticate', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'host'])

function listedIn(value: string | string[] | undefined): string[] {
  const text = Array.isArray(value) ? value.join(',') : (value ?? '')
  return text.split(',').map((token) => token.trim().toLowerCase()).filter((token) => token !== '')
}

/**
 * The end-to-end fields of a message (RFC 9110 §7.6.1): drops the hop-by-hop fields,
 * every field the `Connection` (or the non-standard `Proxy-Connection`) field names, and
 * `Host` (the caller sets the one derived from the target).
 */
export function endToEndHeaders(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const dropped = new Set([...HOP_BY_HOP, ...listedIn(headers['connection']), ...listedIn(headers['proxy-connection'])])
  const kept: Record<string, string | string[]> = {}
  for (const [name, value] of Object.entries(headers)) if (value !== undefined && !dropped.has(name)) kept[name] = value
  return kept
}
