import { classifyExitAddress } from './classify-exit-address.ts'
import type { ExitAddressClass } from './classify-exit-address.ts'
import { formatIpAddress, parseIpAddress } from './ip-address.ts'
import type { IpAddress } from './ip-address.ts'

/** SMTP submission and relay ports: closed by default, or exits become spam relays. */
export const DEFAULT_BLOCKED_EXIT_PORTS: readonly number[] = [25, 465, 587]

/** One `--exit-allow` entry: an exact address and port the exit may dial whatever its class. */
export interface ExitAllowEntry {
  /** Canonical address text (see formatIpAddress). */
  readonly address: string
  readonly port: number
}

/** An operator's exit rules. Both the node and the gateway judge targets with them. */
export interface ExitPolicy {
  readonly blockedPorts: readonly number[]
  /** Empty by default; the only way to reach loopback or any other non-public address. */
  readonly allow: readonly ExitAllowEntry[]
  /** Bytes (both directions) an exit moves per UTC calendar month; undefined = no cap. */
  readonly monthlyCapBytes?: bigint | undefined
  /** UTC hours [fromHour, toHour) the exit serves; from > to wraps midnight; undefined = always. */
  readonly allowedHoursUtc?: { readonly fromHour: number; readonly toHour: number } | undefined
  /** Bytes per second per direction over all streams; undefined = unlimited (enforced by the pipe). */
  readonly bandwidthBytesPerSecond?: number | undefined
}

/** The policy with no operator settings: safe defaults, nothing allow-listed. */
export const DEFAULT_EXIT_POLICY: ExitPolicy = Object.freeze({ blockedPorts: DEFAULT_BLOCKED_EXIT_PORTS, allow: [] })

export type ExitRefusal =
  | { readonly reason: 'forbidden-address'; readonly addressClass: Exclude<ExitAddressClass, 'public'> }
  | { readonly reason: 'blocked-port' }
  | { readonly reason: 'bad-port' }
  | { readonly reason: 'no-address' }
  | { readonly reason: 'monthly-cap' }
  | { readonly reason: 'outside-hours' }

export type ExitDecision = { readonly allowed: true; readonly address: string } | ({ readonly allowed: false } & ExitRefusal)

function isAllowListed(address: string, port: number, policy: ExitPolicy): boolean {
  return policy.allow.some((entry) => entry.address === address && entry.port === port)
}

/**
 * May an exit connect to `address:port`? The address is the resolved one (after DNS),
 * so a name that rebinds to 127.0.0.1 is judged as 127.0.0.1. The allow-list is an
 * exact (address, port) match and wins over everything else; otherwise the port must
 * be 1..65535 and not blocked, and the address must be public.
 */
export function decideExitAddress(address: IpAddress, port: number, policy: ExitPolicy): ExitDecision {
  const text = formatIpAddress(address)
  if (!Number.isInteger(port) || port < 1 || port > 65535) return { allowed: false, reason: 'bad-port' }
  if (isAllowListed(text, port, policy)) return { allowed: true, address: text }
  const addressClass = classifyExitAddress(address)
  if (addressClass !== 'public') return { allowed: false, reason: 'forbidden-address', addressClass }
  if (policy.blockedPorts.includes(port)) return { allowed: false, reason: 'blocked-port' }
  return { allowed: true, address: text }
}

/**
 * Judges every address a name resolved to and returns the one to dial. Strict: if any
 * of them is refused, the name is refused — a name that resolves to both a public and
 * an internal address is a DNS-rebinding or split-horizon signal, not a choice to make.
 * The caller dials the returned address, never the name again.
 */
export function decideResolvedAddresses(addresses: readonly string[], port: number, policy: ExitPolicy): ExitDecision {
  let first: ExitDecision | undefined
  for (const text of addresses) {
    const parsed = parseIpAddress(text)
    if (parsed === undefined) return { allowed: false, reason: 'no-address' }
    const decision = decideExitAddress(parsed, port, policy)
    if (!decision.allowed) return decision
    first ??= decision
  }
  return first ?? { allowed: false, reason: 'no-address' }
}

/** The operator's time and volume limits at `nowMs`, given the bytes moved this UTC month. */
export function decideExitSchedule(policy: ExitPolicy, nowMs: number, bytesThisMonth: bigint): ExitDecision | undefined {
  if (policy.monthlyCapBytes !== undefined && bytesThisMonth >= policy.monthlyCapBytes) return { allowed: false, reason: 'monthly-cap' }
  const hours = policy.allowedHoursUtc
  if (hours !== undefined) {
    const hour = new Date(nowMs).getUTCHours()
    const inside = hours.fromHour <= hours.toHour ? hour >= hours.fromHour && hour < hours.toHour : hour >= hours.fromHour || hour < hours.toHour
    if (!inside) return { allowed: false, reason: 'outside-hours' }
  }
  return undefined
}

/** Start of the UTC calendar month containing `nowMs` (the monthly cap's window). */
export function monthStartUtcMs(nowMs: number): number {
  const date = new Date(nowMs)
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1)
}

/** Parses `--exit-allow` text `ADDRESS:PORT` or `[IPV6]:PORT`; undefined when malformed. */
export function parseExitAllowEntry(text: string): ExitAllowEntry | undefined {
  const target = parseHostPort(text)
  if (target === undefined) return undefined
  const address = parseIpAddress(target.host)
  return address === undefined ? undefined : { address: formatIpAddress(address), port: target.port }
}

/**
 * Splits `host:port` / `[v6]:port` (an HTTP CONNECT authority, RFC 9110 §9.3.6) into a
 * host and a port 1..65535. The host is returned without brackets.
 */
export function parseHostPort(text: string): { readonly host: string; readonly port: number } | undefined {
  const match = /^(?:\[([0-9a-fA-F:.]+(?:%[\w.-]+)?)\]|([^\s:[\]/@]+)):([0-9]{1,5})$/.exec(text)
  if (match === null) return undefined
  const port = Number(match[3])
  const host = match[1] ?? match[2]
  if (host === undefined || port < 1 || port > 65535 || host.length > 253) return undefined
  return { host, port }
}
