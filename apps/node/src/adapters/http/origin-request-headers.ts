import type { OutgoingHttpHeaders } from 'node:http'
import type { HeaderMap } from '../../cdn/policy/header-map.ts'
import { appendVia, stripHopByHop } from '../../cdn/policy/index.ts'
import { VIA_PSEUDONYM } from './via-pseudonym.ts'

/**
 * The header fields sent to the origin for a client request: hop-by-hop fields removed
 * (RFC 9110 §7.6.1), `Via` appended (§7.6.3), `X-Forwarded-For` extended with the
 * client address, `Host` set to the origin's and the client's kept in `X-Forwarded-Host`.
 */
export function buildOriginRequestHeaders(
  clientHeaders: HeaderMap,
  clientAddress: string | undefined,
  clientHttpVersion: string,
  originHost: string,
): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = { ...stripHopByHop(clientHeaders) }
  const clientHost = clientHeaders.host
  headers.host = originHost
  if (clientHost !== undefined) headers['x-forwarded-host'] = clientHost
  headers.via = appendVia(clientHeaders.via, clientHttpVersion, VIA_PSEUDONYM)
  if (clientAddress !== undefined) {
    const previous = clientHeaders['x-forwarded-for']
    headers['x-forwarded-for'] = previous === undefined ? clientAddress : `${previous}, ${clientAddress}`
  }
  return headers
}
