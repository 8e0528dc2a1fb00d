import { Agent as HttpAgent, request as httpRequest } from 'node:http'
import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders } from 'node:http'
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https'

/**
 * Hop-by-hop fields: they describe one connection, never the message, so a proxy drops
 * them in both directions (RFC 9110 §7.6.1), plus those named in `Connection`.
 */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade'])

/**
 * Request fields passed to the origin: content negotiation, validators and ranges.
 * Cookies and credentials are the client's business with the coordinator's host, not
 * the origin's, and would let one site's session leak into another's request.
 */
const FORWARDED_REQUEST_FIELDS = ['accept', 'accept-encoding', 'accept-language', 'range', 'if-range', 'if-none-match', 'if-modified-since', 'if-match', 'if-unmodified-since', 'user-agent'] as const

export interface FetchFromOriginParameters {
  /** The zone's origin base URL (a base path is kept), e.g. "https://origin.example/static". */
  readonly origin: string
  /** Path below the zone, starting with "/". */
  readonly path: string
  /** Query without "?" and without `mt` ('' for none). */
  readonly query: string
  readonly method: 'GET' | 'HEAD'
  readonly requestHeaders: IncomingHttpHeaders
  /** The client the request is made for (`X-Forwarded-For`); none when the coordinator asks for itself. */
  readonly clientIp?: string
  /** Time allowed for the response headers, and for each silence in the body. */
  readonly timeoutMs: number
}

export type FetchFromOriginResult =
  | { readonly ok: true; readonly status: number; readonly headers: OutgoingHttpHeaders; readonly body: IncomingMessage }
  | { readonly ok: false; readonly code: 'ORIGIN_UNREACHABLE' | 'ORIGIN_TIMEOUT'; readonly message: string }

/** Keep-alive pools for the origin fallback, one per scheme, shared by all zones. */
export interface OriginAgents {
  readonly http: HttpAgent
  readonly https: HttpsAgent
  destroy(): void
}

export function createOriginAgents(): OriginAgents {
  const http = new HttpAgent({ keepAlive: true, maxSockets: 64 })
  const https = new HttpsAgent({ keepAlive: true, maxSockets: 64 })
  return {
    http,
    https,
    destroy() {
      http.destroy()
      https.destroy()
    },
  }
}

/**
 * Asks the zone's origin for the object (the redirector's fallback when no node can
 * take a request, DESIGN.md §5, so the buyer's URL never breaks). Resolves once the
 * response headers are in; the caller streams `body` to the client (backpressure paces
 * the origin). Redirects are relayed, not followed. Never rejects.
 */
export function fetchFromOrigin(parameters: FetchFromOriginParameters, agents: OriginAgents): Promise<FetchFromOriginResult> {
  const base = parameters.origin.endsWith('/') ? parameters.origin.slice(0, -1) : parameters.origin
  const target = new URL(`${base}${parameters.path}${parameters.query === '' ? '' : `?${parameters.query}`}`)
  const isHttps = target.protocol === 'https:'
  const headers: Record<string, string | string[]> = {}
  for (const name of FORWARDED_REQUEST_FIELDS) {
    const value = parameters.requestHeaders[name]
    if (value !== undefined) headers[name] = value
  }
  if (parameters.clientIp !== undefined) headers['x-forwarded-for'] = parameters.clientIp
  headers['via'] = '1.1 meson'
  return new Promise((resolve) => {
    let isSettled = false
    const settle = (result: FetchFromOriginResult): void => {
      if (isSettled) return
      isSettled = true
      resolve(result)
    }
    const send = isHttps ? httpsRequest : httpRequest
    const request = send(target, { method: parameters.method, headers, agent: isHttps ? agents.https : agents.http }, (response) => {
      // The socket timeout now guards silence in the body: a stalled origin aborts the stream.
      // The answer is committed only once the body's first bytes (or its end) parse: a
      // broken chunked body then still gets the client a 502, not a 500 or a cut socket.
      const ready = (): void => {
        response.off('readable', ready)
        response.off('error', broken)
        settle({ ok: true, status: response.statusCode ?? 502, headers: endToEndHeaders(response.headers), body: response })
      }
      const broken = (): void => {
        response.off('readable', ready)
        settle({ ok: false, code: 'ORIGIN_UNREACHABLE', message: "the zone's origin sent a malformed response" })
        request.destroy()
      }
      response.on('readable', ready)
      response.once('error', broken)
    })
    request.setTimeout(parameters.timeoutMs, () => {
      settle({ ok: false, code: 'ORIGIN_TIMEOUT', message: `the zone's origin did not answer within ${String(parameters.timeoutMs)} ms` })
      request.destroy()
    })
    request.on('error', () => {
      // The error's text names addresses and ports of the origin; the code is enough for the
      // client. A status line that does not parse lands here too (RFC 9110 §15.6.3: 502).
      settle({ ok: false, code: 'ORIGIN_UNREACHABLE', message: "the zone's origin could not be reached or sent a malformed response" })
    })
    request.end()
  })
}

/** The origin's response fields minus hop-by-hop ones, marked as the fallback's. */
export function endToEndHeaders(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const named = new Set(
    (headers.connection ?? '')
      .split(',')
      .map((token) => token.trim().toLowerCase())
      .filter((token) => token !== ''),
  )
  const result: OutgoingHttpHeaders = {}
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.has(name) || named.has(name)) continue
    result[name] = value
  }
  result['via'] = headers.via === undefined ? '1.1 meson' : `${headers.via}, 1.1 meson`
  result['x-meson-fallback'] = 'origin'
  return result
}
