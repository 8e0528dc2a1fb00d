import { BlockList, isIP } from 'node:net'
import { z } from 'zod'

/**
 * A ticket's `client` field says who may use the ticket: one address, or the client's
 * IPv4 /24 or IPv6 /48 (the networks a home connection typically moves within while a
 * ticket lives). Addresses are parsed by node:net, never by regex alone; IPv4-mapped
 * IPv6 (`::ffff:1.2.3.4`, RFC 4291 §2.5.5.2), which dual-stack sockets report, is the
 * same client as the IPv4 address.
 */

/** IPv6 prefixes that embed IPv4 or special addresses: a /48 there would cover all of IPv4. */
const EMBEDDING_IPV6 = new BlockList()
EMBEDDING_IPV6.addSubnet('::', 8, 'ipv6')

/** A parsed client field. */
export type ClientRange = { readonly address: string; readonly family: 'ipv4' | 'ipv6'; readonly prefix: number | undefined }

function familyOf(address: string): 'ipv4' | 'ipv6' | undefined {
  // Zone ids ("fe80::1%eth0") name an interface on one host; they never identify a client.
  if (address.includes('%')) return undefined
  const version = isIP(address)
  return version === 4 ? 'ipv4' : version === 6 ? 'ipv6' : undefined
}

/** Parses a client field, or undefined if it is not an address, an IPv4 /24 or an IPv6 /48. */
export function parseClientField(field: string): ClientRange | undefined {
  const slash = field.indexOf('/')
  const address = slash === -1 ? field : field.slice(0, slash)
  const family = familyOf(address)
  if (family === undefined) return undefined
  if (slash === -1) return { address, family, prefix: undefined }
  const prefixText = field.slice(slash + 1)
  if (family === 'ipv4' && prefixText === '24') return { address, family, prefix: 24 }
  if (family === 'ipv6' && prefixText === '48' && !EMBEDDING_IPV6.check(address, 'ipv6')) return { address, family, prefix: 48 }
  return undefined
}

/**
 * True if `ip` (the connecting client's address) is covered by a ticket's client field.
 * False for any unparsable input. IPv4 and its IPv4-mapped IPv6 form match each other.
 */
export function isClientCovered(clientField: string, ip: string): boolean {
  const range = parseClientField(clientField)
  const ipFamily = familyOf(ip)
  if (range === undefined || ipFamily === undefined) return false
  const list = new BlockList()
  if (range.prefix === undefined) list.addAddress(range.address, range.family)
  else list.addSubnet(range.address, range.prefix, range.family)
  // BlockList matches IPv4 rules against IPv4-mapped IPv6 addresses and vice versa.
  return list.check(ip, ipFamily)
}

/**
 * The client field a coordinator puts in a ticket for `ip`: the address itself, or its
 * /24 (IPv4) or /48 (IPv6). An IPv4-mapped IPv6 address is written as plain IPv4.
 * Returns undefined if `ip` is not an address.
 */
export function clientFieldFor(ip: string, scope: 'address' | 'network'): string | undefined {
  const address = unmapIpv4(ip)
  const family = familyOf(address)
  if (family === undefined) return undefined
  if (scope === 'address') return address
  if (family === 'ipv4') return `${address.split('.').slice(0, 3).join('.')}.0/24`
  // Host bits may stay set: BlockList masks them, and the field stays one address wide.
  return EMBEDDING_IPV6.check(address, 'ipv6') ? address : `${address}/48`
}

/**
 * "::ffff:1.2.3.4" (or its hex spelling "::ffff:102:304") → "1.2.3.4"; anything else
 * unchanged. Tickets and GeoIP data both key IPv4 clients by the plain IPv4 address.
 */
export function unmapIpv4(ip: string): string {
  const lower = ip.toLowerCase()
  if (!lower.startsWith('::ffff:') || isIP(ip) !== 6) return ip
  const tail = lower.slice('::ffff:'.length)
  if (isIP(tail) === 4) return tail
  // The hex spelling "::ffff:102:304" carries the same four bytes in two groups.
  const groups = tail.split(':')
  if (groups.length !== 2) return ip
  const bytes = groups.flatMap((group) => {
    const value = Number.parseInt(group, 16)
    return [value >> 8, value & 255]
  })
  return bytes.join('.')
}

/** Zod schema for a ticket's client field. */
export const ticketClientSchema = z
  .string()
  .max(64)
  .refine((field) => parseClientField(field) !== undefined, 'not an IP address, IPv4 /24 or IPv6 /48')
