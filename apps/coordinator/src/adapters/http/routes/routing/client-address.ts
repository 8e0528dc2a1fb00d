import { isIP } from 'node:net'

/**
 * The address a redirect's ticket is bound to. By default the TCP peer (what the node
 * will see too): a header can be forged by anyone. Behind a reverse proxy you run
 * (`trustProxy`), the peer is the proxy, and the client is the **last** entry of
 * `X-Forwarded-For`: the one that proxy appended (RFC 7239 §5.2 describes the same
 * chain for `Forwarded`); entries before it came from the client and prove nothing.
 * A missing or malformed header falls back to the peer.
 */
export function clientAddressOf(peerAddress: string | undefined, forwardedFor: string | string[] | undefined, trustProxy: boolean): string {
  const peer = peerAddress ?? ''
  if (!trustProxy || forwardedFor === undefined) return peer
  // Several header lines are one comma-separated list (RFC 9110 §5.3).
  const joined = Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor
  const last = joined.slice(joined.lastIndexOf(',') + 1).trim()
  return isIP(last) === 0 ? peer : last
}
