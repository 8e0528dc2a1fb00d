/**
 * A complete request head the raw redirect path may answer itself: `GET|HEAD <origin-form>
 * HTTP/1.1`, CRLF line ends, exactly one Host, and only fields whose meaning it knows
 * or may ignore. Field values are as node:http hands them over (leading and trailing
 * whitespace trimmed).
 */
export interface PlainRedirectHead {
  readonly kind: 'plain'
  readonly isHead: boolean
  /** The request-target as sent (origin-form, bytes 0x21–0x7E). */
  readonly target: string
  readonly host: string
  readonly referer: string | undefined
  readonly forwardedFor: string | undefined
  readonly wantsClose: boolean
  /** Offset just past the head's empty line (no body can follow: none is framed). */
  readonly endOffset: number
}

/** Anything else (or a head that does not end within the buffer): node:http's call. */
export interface OtherHead {
  readonly kind: 'other'
}

const OTHER: OtherHead = { kind: 'other' }

/** A head longer than this is node:http's (its limit is 16 KiB; ours stays well inside). */
export const MAX_PLAIN_HEAD_BYTES = 8192
/** More fields than this and node:http decides (its `maxHeadersCount` is 2000). */
const MAX_FIELDS = 64

const CR = 0x0d
const LF = 0x0a
const SP = 0x20
const HTAB = 0x09
const COLON = 0x3a

/** tchar (RFC 9110 §5.6.2), by byte. */
const IS_TCHAR = new Uint8Array(128)
for (const character of "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") IS_TCHAR[character.charCodeAt(0)] = 1

/**
 * The fields that make a request not plain: body framing (a GET with a body is where
 * request smuggling lives), protocol switches, and `Via`, which the loop check reads
 * on node:http's side. Lowercase names.
 */
const REFUSED_FIELDS = new Set(['content-length', 'transfer-encoding', 'expect', 'upgrade', 'via', 'te', 'trailer', 'http2-settings'])

/**
 * Parses the request head starting at `offset` under a strict subset of RFC 9112 and
 * returns it if it is plain and complete within `buffer`; anything else (another method
 * or version, absolute-form, bare LF, obs-fold, control or non-ASCII bytes, duplicate
 * Host/Referer/Connection/X-Forwarded-For, a framing field, an unknown Connection
 * option, a head cut by the end of the buffer) is `other`: the caller hands the bytes,
 * unconsumed, to node:http, which answers exactly as it would have on its own.
 */
export function parsePlainRedirectHead(buffer: Buffer, offset: number): PlainRedirectHead | OtherHead {
  const limit = Math.min(buffer.length, offset + MAX_PLAIN_HEAD_BYTES)
  let position = offset
  let isHead: boolean
  if (buffer[position] === 0x47 && buffer[position + 1] === 0x45 && buffer[position + 2] === 0x54 && buffer[position + 3] === SP) {
    isHead = false
    position += 4
  } else if (buffer[position] === 0x48 && buffer[position + 1] === 0x45 && buffer[position + 2] === 0x41 && buffer[position + 3] === 0x44 && buffer[position + 4] === SP) {
    isHead = true
    position += 5
  } else {
    return OTHER
  }
  // origin-form: starts with '/', visible ASCII up to the single SP before the version.
  const targetStart = position
  if (buffer[position] !== 0x2f) return OTHER
  while (position < limit) {
    const byte = buffer[position] ?? 0
    if (byte === SP) break
    if (byte < 0x21 || byte > 0x7e) return OTHER
    position++
  }
  const targetEnd = position
  // " HTTP/1.1\r\n"
  if (position + 11 > limit || buffer.toString('latin1', position, position + 11) !== ' HTTP/1.1\r\n') return OTHER
  position += 11

  let host: string | undefined
  let referer: string | undefined
  let forwardedFor: string | undefined
  let connection: string | undefined
  let fieldCount = 0
  for (;;) {
    if (position + 1 >= limit) return OTHER
    if (buffer[position] === CR) {
      if (buffer[position + 1] !== LF) return OTHER
      position += 2
      break
    }
    if (++fieldCount > MAX_FIELDS) return OTHER
    const nameStart = position
    while (position < limit) {
      const byte = buffer[position] ?? 0
      if (byte === COLON) break
      if (byte > 0x7f || IS_TCHAR[byte] !== 1) return OTHER
      position++
    }
    if (position === nameStart || position >= limit) return OTHER
    const name = buffer.toString('latin1', nameStart, position).toLowerCase()
    position++
    while (position < limit && (buffer[position] === SP || buffer[position] === HTAB)) position++
    const valueStart = position
    let valueEnd = position
    for (;;) {
      if (position >= limit) return OTHER
      const byte = buffer[position] ?? 0
      if (byte === CR) break
      if (byte !== HTAB && (byte < SP || byte > 0x7e)) return OTHER
      position++
      if (byte !== SP && byte !== HTAB) valueEnd = position
    }
    if (position + 1 >= limit || buffer[position + 1] !== LF) return OTHER
    position += 2
    if (REFUSED_FIELDS.has(name)) return OTHER
    const value = buffer.toString('latin1', valueStart, valueEnd)
    switch (name) {
      case 'host':
        if (host !== undefined) return OTHER
        host = value
        break
      case 'referer':
        if (referer !== undefined) return OTHER
        referer = value
        break
      case 'x-forwarded-for':
        if (forwardedFor !== undefined) return OTHER
        forwardedFor = value
        break
      case 'connection':
        if (connection !== undefined) return OTHER
        connection = value.toLowerCase()
        if (connection !== 'keep-alive' && connection !== 'close') return OTHER
        break
      default:
        // Any other field (User-Agent, Accept, Cookie, ...) plays no part in a redirect.
        break
    }
  }
  if (host === undefined) return OTHER
  return { kind: 'plain', isHead, target: buffer.toString('latin1', targetStart, targetEnd), host, referer, forwardedFor, wantsClose: connection === 'close', endOffset: position }
}
