import { decideExitAddress, decideResolvedAddresses } from './exit-policy.ts'
import type { ExitDecision, ExitPolicy } from './exit-policy.ts'
import { parseIpAddress } from './ip-address.ts'

/** Resolves a host name to IP address texts (all of them, A and AAAA). */
export type ResolveHostName = (hostName: string) => Promise<readonly string[]>

/** RFC 6761 §6.3: `localhost` and `*.localhost` are loopback whatever DNS says. */
export function isLocalhostName(hostName: string): boolean {
  const name = hostName.toLowerCase().replace(/\.$/, '')
  return name === 'localhost' || name.endsWith('.localhost')
}

/**
 * Decides where an exit connects for `host:port`: an IP literal (any spelling) is
 * judged as the address it denotes; a name is resolved once through `resolve` and every
 * answer judged. On success `address` is the checked address to dial.
 */
export async function resolveExitTarget(host: string, port: number, policy: ExitPolicy, resolve: ResolveHostName): Promise<ExitDecision> {
  const literal = parseIpAddress(host)
  if (literal !== undefined) return decideExitAddress(literal, port, policy)
  if (isLocalhostName(host)) return decideResolvedAddresses(['127.0.0.1', '::1'], port, policy)
  let addresses: readonly string[]
  try {
    addresses = await resolve(host)
  } catch {
    return { allowed: false, reason: 'no-address' }
  }
  return decideResolvedAddresses(addresses, port, policy)
}

/**
 * The gateway's mirror of the exit policy, before any tunnel stream opens: literals and
 * `localhost` are judged here (the exit judges again after its own DNS); for other
 * names only the port can be judged, as DNS is resolved by the exit (socks5h).
 */
export function precheckExitTarget(host: string, port: number, policy: ExitPolicy): ExitDecision {
  const literal = parseIpAddress(host)
  if (literal !== undefined) return decideExitAddress(literal, port, policy)
  if (isLocalhostName(host)) return decideResolvedAddresses(['127.0.0.1', '::1'], port, policy)
  if (!Number.isInteger(port) || port < 1 || port > 65535) return { allowed: false, reason: 'bad-port' }
  if (policy.blockedPorts.includes(port)) return { allowed: false, reason: 'blocked-port' }
  return { allowed: true, address: host }
}
