import { splitListMembers } from './cache-control.ts'
import type { HeaderMap } from './header-map.ts'

/**
 * Fields that are always hop-by-hop: Connection and the connection-specific fields RFC
 * 9110 §7.6.1 lists ("Proxy-Connection, Keep-Alive, TE, Transfer-Encoding, and
 * Upgrade"), plus Proxy-Authenticate / Proxy-Authorization / Proxy-Authentication-Info,
 * which "apply only to the next outbound client/proxy" (RFC 9110 §11.7).
 */
const ALWAYS_HOP_BY_HOP: ReadonlySet<string> = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'transfer-encoding',
  'upgrade',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-authentication-info',
])

/**
 * Removes hop-by-hop fields before a message is stored or forwarded (RFC 9110 §7.6.1):
 * "Intermediaries MUST parse a received Connection header field before a message is
 * forwarded and, for each connection-option in this field, remove any header or trailer
 * field(s) from the message with the same name as the connection-option, and then
 * remove the Connection header field itself".
 */
export function stripHopByHop(headers: HeaderMap): HeaderMap {
  const named = new Set(splitListMembers(headers['connection'] ?? '').map((option) => option.toLowerCase()))
  const kept: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) {
    if (!ALWAYS_HOP_BY_HOP.has(name) && !named.has(name)) kept[name] = value
  }
  return kept
}
