/**
 * IP address text → bytes, the way an operating system's resolver would read it, so
 * the exit policy sees the address a socket would really reach. IPv4 accepts every
 * inet_aton(3) spelling (`2130706433`, `0177.1`, `0x7f.0.0.1`, `127.1`): a check that
 * only knew dotted-quad would let those slip past to loopback. Pure, no I/O.
 */

/** An address as bytes: 4 for IPv4, 16 for IPv6. */
export interface IpAddress {
  readonly family: 4 | 6
  readonly bytes: Uint8Array
}

/** One inet_aton part: decimal, 0-prefixed octal or 0x-prefixed hex. */
function parseIpv4Part(text: string): number | undefined {
  if (/^0x[0-9a-f]*$/i.test(text)) return text.length === 2 ? 0 : Number.parseInt(text.slice(2), 16)
  if (/^0[0-7]*$/.test(text)) return Number.parseInt(text, 8)
  if (/^[1-9][0-9]*$/.test(text)) return Number(text)
  return undefined
}

/**
 * IPv4 in any inet_aton spelling: a.b.c.d, a.b.c (c fills 16 bits), a.b (b fills 24
 * bits), a (32 bits); each part decimal, octal (leading 0) or hex (0x). A trailing dot
 * is accepted as resolvers do ("127.0.0.1." is a fully qualified literal).
 */
export function parseIpv4(text: string): Uint8Array | undefined {
  const trimmed = text.endsWith('.') ? text.slice(0, -1) : text
  if (trimmed.length === 0 || trimmed.length > 64) return undefined
  const parts = trimmed.split('.')
  if (parts.length > 4) return undefined
  const values: number[] = []
  for (const part of parts) {
    const value = parseIpv4Part(part)
    if (value === undefined || !Number.isSafeInteger(value)) return undefined
    values.push(value)
  }
  const last = values.pop() ?? 0
  if (values.some((value) => value > 255)) return undefined
  const lastBits = 8 * (4 - values.length)
  if (last >= 2 ** lastBits) return undefined
  const bytes = new Uint8Array(4)
  values.forEach((value, index) => (bytes[index] = value))
  for (let index = 3; index >= values.length; index -= 1) {
    bytes[index] = Math.floor(last / 2 ** (8 * (3 - index))) % 256
  }
  return bytes
}

/** Strict dotted-quad, as allowed at the end of an IPv6 address (RFC 4291 §2.2 form 3). */
function parseDottedQuad(text: string): Uint8Array | undefined {
  const parts = text.split('.')
  if (parts.length !== 4 || parts.some((part) => !/^(0|[1-9][0-9]{0,2})$/.test(part) || Number(part) > 255)) return undefined
  return Uint8Array.from(parts.map(Number))
}

/** Text of up to 8 groups of hex (RFC 4291 §2.2), with an optional IPv4 tail, into 16-bit words. */
function parseGroups(text: string, allowIpv4Tail: boolean): number[] | undefined {
  if (text === '') return []
  const groups = text.split(':')
  const words: number[] = []
  for (const [index, group] of groups.entries()) {
    if (allowIpv4Tail && index === groups.length - 1 && group.includes('.')) {
      const tail = parseDottedQuad(group)
      if (tail === undefined) return undefined
      words.push(((tail[0] ?? 0) << 8) | (tail[1] ?? 0), ((tail[2] ?? 0) << 8) | (tail[3] ?? 0))
      continue
    }
    if (!/^[0-9a-f]{1,4}$/i.test(group)) return undefined
    words.push(Number.parseInt(group, 16))
  }
  return words
}

/**
 * IPv6 text (RFC 4291 §2.2), optionally in brackets. A zone id (`fe80::1%eth0`) is
 * stripped: it names an interface, and the address itself is what the policy judges.
 */
export function parseIpv6(text: string): Uint8Array | undefined {
  let body = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text
  const zone = body.indexOf('%')
  if (zone !== -1) body = body.slice(0, zone)
  if (body.length === 0 || body.length > 45 || !body.includes(':')) return undefined
  const halves = body.split('::')
  if (halves.length > 2) return undefined
  let words: number[]
  if (halves.length === 2) {
    const head = parseGroups(halves[0] ?? '', false)
    const tail = parseGroups(halves[1] ?? '', true)
    if (head === undefined || tail === undefined || head.length + tail.length > 7) return undefined
    words = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail]
  } else {
    const all = parseGroups(body, true)
    if (all?.length !== 8) return undefined
    words = all
  }
  const bytes = new Uint8Array(16)
  words.forEach((word, index) => {
    bytes[2 * index] = word >> 8
    bytes[2 * index + 1] = word & 0xff
  })
  return bytes
}

/** Any IP literal (IPv4 in any inet_aton spelling, or IPv6), or undefined for a host name. */
export function parseIpAddress(text: string): IpAddress | undefined {
  const v4 = parseIpv4(text)
  if (v4 !== undefined) return { family: 4, bytes: v4 }
  const v6 = parseIpv6(text)
  if (v6 !== undefined) return { family: 6, bytes: v6 }
  return undefined
}

/** Canonical text: dotted-quad, or RFC 5952 IPv6 (lowercase, longest zero run as `::`). */
export function formatIpAddress(address: IpAddress): string {
  const { bytes } = address
  if (address.family === 4) return Array.from(bytes).join('.')
  const words: number[] = []
  for (let index = 0; index < 16; index += 2) words.push(((bytes[index] ?? 0) << 8) | (bytes[index + 1] ?? 0))
  let bestStart = -1
  let bestLength = 0
  for (let start = 0; start < 8; start += 1) {
    let length = 0
    while (start + length < 8 && words[start + length] === 0) length += 1
    if (length > bestLength && length >= 2) {
      bestStart = start
      bestLength = length
    }
  }
  const hex = words.map((word) => word.toString(16))
  if (bestStart === -1) return hex.join(':')
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`
}
