import { SOCKS_REPLY } from '../../proxy/socks5-messages.ts'
import type { SocksReplyCode } from '../../proxy/socks5-messages.ts'
import type { ProxyFailure } from './open-proxied-stream.ts'

/** Response header naming why the gateway refused (a stable reason, never a secret). */
export const PROXY_ERROR_HEADER = 'Meson-Proxy-Error'

/** The single table of failure → HTTP status and SOCKS5 reply (RFC 1928 §6). */
const REPLIES: Readonly<Record<ProxyFailure, { readonly http: number; readonly socks: SocksReplyCode }>> = {
  'forbidden-address': { http: 403, socks: SOCKS_REPLY.notAllowedByRuleset },
  'blocked-port': { http: 403, socks: SOCKS_REPLY.notAllowedByRuleset },
  'bad-port': { http: 400, socks: SOCKS_REPLY.notAllowedByRuleset },
  'bad-request': { http: 400, socks: SOCKS_REPLY.generalFailure },
  'no-balance': { http: 402, socks: SOCKS_REPLY.notAllowedByRuleset },
  'no-exit': { http: 502, socks: SOCKS_REPLY.networkUnreachable },
  'unknown-country': { http: 502, socks: SOCKS_REPLY.networkUnreachable },
  'monthly-cap': { http: 502, socks: SOCKS_REPLY.networkUnreachable },
  'outside-hours': { http: 502, socks: SOCKS_REPLY.networkUnreachable },
  'tunnel-lost': { http: 502, socks: SOCKS_REPLY.networkUnreachable },
  'no-address': { http: 502, socks: SOCKS_REPLY.hostUnreachable },
  'connect-failed': { http: 502, socks: SOCKS_REPLY.connectionRefused },
}

export function httpStatusOf(failure: ProxyFailure): number {
  return REPLIES[failure].http
}

export function socksReplyOf(failure: ProxyFailure): SocksReplyCode {
  return REPLIES[failure].socks
}
