/**
 * SOCKS5 messages, server side: RFC 1928 (greeting, request, reply) and RFC 1929
 * (username/password). Pure parsers over the bytes received so far: each returns
 * 'incomplete' until a whole message is there, 'invalid' for anything the RFC does not
 * allow, else the message and how many bytes it took.
 */

export type Parsed<T> =
  | { readonly status: 'incomplete' }
  | { readonly status: 'invalid'; readonly reason: string }
  | { readonly status: 'ok'; readonly value: T; readonly consumed: number }

const INCOMPLETE = { status: 'incomplete' } as const
function invalid(reason: string): { readonly status: 'invalid'; readonly reason: string } {
  return { status: 'invalid', reason }
}

/** RFC 1928 §3 method numbers. */
export const SOCKS_METHOD_NO_AUTH = 0x00
export const SOCKS_METHOD_USERNAME_PASSWORD = 0x02
export const SOCKS_METHOD_NONE_ACCEPTABLE = 0xff

/** RFC 1928 §6 reply codes. */
export const SOCKS_REPLY = {
  succeeded: 0x00,
  generalFailure: 0x01,
  notAllowedByRuleset: 0x02,
  networkUnreachable: 0x03,
  hostUnreachable: 0x04,
  connectionRefused: 0x05,
  ttlExpired: 0x06,
  commandNotSupported: 0x07,
  addressTypeNotSupported: 0x08,
} as const
export type SocksReplyCode = (typeof SOCKS_REPLY)[keyof typeof SOCKS_REPLY]

/** RFC 1928 §3: VER=5, NMETHODS (1..255), METHODS. */
export function parseSocksGreeting(bytes: Uint8Array): Parsed<{ readonly methods: readonly number[] }> {
  if (bytes.length < 2) return INCOMPLETE
  if (bytes[0] !== 0x05) return invalid('not SOCKS version 5')
  const count = bytes[1] ?? 0
  if (count === 0) return invalid('no authentication methods offered')
  if (bytes.length < 2 + count) return INCOMPLETE
  return { status: 'ok', value: { methods: Array.from(bytes.subarray(2, 2 + count)) }, consumed: 2 + count }
}

/** RFC 1929 §2: VER=1, ULEN (1..255), UNAME, PLEN (1..255), PASSWD. */
export function parseSocksUserPass(bytes: Uint8Array): Parsed<{ readonly username: string; readonly password: string }> {
  if (bytes.length < 2) return INCOMPLETE
  if (bytes[0] !== 0x01) return invalid('not username/password version 1')
  const userLength = bytes[1] ?? 0
  if (userLength === 0) return invalid('empty username')
  if (bytes.length < 3 + userLength) return INCOMPLETE
  const passwordLength = bytes[2 + userLength] ?? 0
  if (passwordLength === 0) return invalid('empty password')
  const end = 3 + userLength + passwordLength
  if (bytes.length < end) return INCOMPLETE
  const decoder = new TextDecoder('utf-8', { fatal: false })
  return {
    status: 'ok',
    value: { username: decoder.decode(bytes.subarray(2, 2 + userLength)), password: decoder.decode(bytes.subarray(3 + userLength, end)) },
    consumed: end,
  }
}

/** A SOCKS5 request (RFC 1928 §4). `host` is an IP literal or a domain name (remote DNS). */
export interface SocksRequest {
  readonly command: number
  readonly addressType: 'ipv4' | 'domain' | 'ipv6'
  readonly host: string
  readonly port: number
}

function formatIpv6(bytes: Uint8Array): string {
  const words: string[] = []
  for (let index = 0; index < 16; index += 2) words.push((((bytes[index] ?? 0) << 8) | (bytes[index + 1] ?? 0)).toString(16))
  return words.join(':')
}

/**
 * RFC 1928 §4: VER=5, CMD, RSV=0, ATYP, DST.ADDR, DST.PORT. Unknown commands parse (the
 * server answers 0x07); an unknown address type is invalid (0x08), as its length is
 * unknowable. A domain is kept as text for the exit to resolve (socks5h).
 */
export function parseSocksRequest(bytes: Uint8Array): Parsed<SocksRequest> | { readonly status: 'bad-address-type' } {
  if (bytes.length < 5) return INCOMPLETE
  if (bytes[0] !== 0x05) return invalid('not SOCKS version 5')
  if (bytes[2] !== 0x00) return invalid('reserved byte is not 0')
  const command = bytes[1] ?? 0
  const type = bytes[3]
  let host: string
  let addressEnd: number
  let addressType: SocksRequest['addressType']
  if (type === 0x01) {
    addressEnd = 8
    if (bytes.length < addressEnd + 2) return INCOMPLETE
    host = Array.from(bytes.subarray(4, 8)).join('.')
    addressType = 'ipv4'
  } else if (type === 0x04) {
    addressEnd = 20
    if (bytes.length < addressEnd + 2) return INCOMPLETE
    host = formatIpv6(bytes.subarray(4, 20))
    addressType = 'ipv6'
  } else if (type === 0x03) {
    const length = bytes[4] ?? 0
    if (length === 0) return invalid('empty domain name')
    addressEnd = 5 + length
    if (bytes.length < addressEnd + 2) return INCOMPLETE
    host = new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(5, addressEnd))
    if (!/^[A-Za-z0-9._-]{1,253}$/.test(host)) return invalid('domain name has characters DNS names cannot have')
    addressType = 'domain'
  } else {
    return { status: 'bad-address-type' }
  }
  const port = ((bytes[addressEnd] ?? 0) << 8) | (bytes[addressEnd + 1] ?? 0)
  return { status: 'ok', value: { command, addressType, host, port }, consumed: addressEnd + 2 }
}

/** A reply (RFC 1928 §6); BND.ADDR is 0.0.0.0:0 — the exit's own address is not the buyer's business. */
export function buildSocksReply(code: SocksReplyCode): Uint8Array {
  return Uint8Array.of(0x05, code, 0x00, 0x01, 0, 0, 0, 0, 0, 0)
}
