/**
 * A strict, deliberately narrow reader of HTTP/1.1 request heads (RFC 9112 §2–§5) for
 * the fast connection path. It recognises only the plainest requests a fresh cache hit
 * can answer and calls everything else `other`, which the caller hands, bytes intact,
 * to node:http. It never guesses: a request is `request` only when every byte of its
 * head fits the grammar below, so two parsers can never disagree about where it ends
 * (the root of request smuggling, RFC 9112 §11.2).
 *
 * Accepted: `GET`/`HEAD` SP origin-form target SP `HTTP/1.1` CRLF, then field lines
 * `token ":" OWS value OWS CRLF` with visible ASCII, SP or HTAB values, then CRLF;
 * exactly one Host (§3.2); at most `Content-Length: 0` once (no body, §6.3); a
 * `Connection` of exactly `keep-alive` or `close`. Refused (→ `other`): any other
 * method or version, absolute/authority/asterisk forms, Transfer-Encoding, Expect,
 * Upgrade, obs-fold (§5.2), whitespace before a colon (§5.1), bare CR or LF (§2.2),
 * control bytes, non-ASCII, and the fields only the general cache path handles.
 */

/** How a request head starting at some offset reads. */
export type PlainRequestHead =
  | { readonly kind: 'incomplete' }
  | { readonly kind: 'other' }
  | PlainRequest

/** A complete, plain GET or HEAD request without a body. */
export interface PlainRequest {
  readonly kind: 'request'
  readonly isHead: boolean
  /** The origin-form target as sent (path and query, byte-exact). */
  readonly target: string
  /** The client sent `Connection: close` (RFC 9112 §9.6). */
  readonly wantsClose: boolean
  /** Offset just past the head's final CRLF: where the next request starts. */
  readonly endOffset: number
}

export interface PlainRequestLimits {
  /** A head this long or longer is `other` (node:http applies the real limit). */
  readonly maxHeadBytes: number
  /** More header fields than this is `other` (node:http answers 431). */
  readonly maxHeaderCount: number
}

const INCOMPLETE: PlainRequestHead = { kind: 'incomplete' }
const OTHER: PlainRequestHead = { kind: 'other' }

const CR = 0x0d
const LF = 0x0a
const SP = 0x20
const HTAB = 0x09
const COLON = 0x3a

const GET_SP = bytesOf('GET ')
const HEAD_SP = bytesOf('HEAD ')
const VERSION_CRLF = bytesOf(' HTTP/1.1\r\n')

/** tchar (RFC 9110 §5.6.2). */
const IS_TCHAR = byteTable("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
/** pchar, '/' and '?' (RFC 3986 §3.3, §3.4): the characters of an origin-form target without fragments. */
const IS_TARGET_BYTE = byteTable("-._~!$&'()*+,;=:@/?%0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")

/** Fields whose presence sends the request to node:http (framing, protocol switches, or the general cache path). */
const HANDED_OVER_FIELDS: ReadonlySet<string> = new Set([
  'transfer-encoding',
  'expect',
  'upgrade',
  'http2-settings',
  // RFC 9111 §4, §5.2.1; RFC 9110 §11.6.2, §14.2: see `hasCacheRelevantField`.
  'authorization',
  'cache-control',
  'pragma',
  'range',
])

/** Reads the request head at `start`; `other` as soon as any byte leaves the accepted grammar. */
export function parsePlainRequestHead(bytes: Uint8Array, start: number, limits: PlainRequestLimits): PlainRequestHead {
  const limit = start + limits.maxHeadBytes
  const available = Math.min(bytes.length, limit)
  const ranOut = (): PlainRequestHead => (bytes.length >= limit ? OTHER : INCOMPLETE)

  let isHead: boolean
  const getMatch = matchLiteral(bytes, start, available, GET_SP)
  if (getMatch === 1) {
    isHead = false
  } else {
    const headMatch = matchLiteral(bytes, start, available, HEAD_SP)
    if (headMatch === 1) isHead = true
    else return getMatch === 0 || headMatch === 0 ? ranOut() : OTHER
  }
  const targetStart = start + (isHead ? HEAD_SP.length : GET_SP.length)
  let index = targetStart
  if (index >= available) return ranOut()
  if (bytes[index] !== 0x2f) return OTHER // origin-form starts with '/' (RFC 9112 §3.2.1)
  while (index < available && IS_TARGET_BYTE[bytes[index] ?? 0] === 1) index++
  if (index >= available) return ranOut()
  const targetEnd = index
  const versionMatch = matchLiteral(bytes, index, available, VERSION_CRLF)
  if (versionMatch !== 1) return versionMatch === 0 ? ranOut() : OTHER
  index += VERSION_CRLF.length

  let hostCount = 0
  let headerCount = 0
  let hasContentLength = false
  let connection: 'none' | 'keep-alive' | 'close' = 'none'
  for (;;) {
    if (index >= available) return ranOut()
    if (bytes[index] === CR) {
      if (index + 1 >= available) return ranOut()
      if (bytes[index + 1] !== LF || hostCount !== 1) return OTHER
      return {
        kind: 'request',
        isHead,
        target: latin1(bytes, targetStart, targetEnd),
        wantsClose: connection === 'close',
        endOffset: index + 2,
      }
    }
    const nameStart = index
    while (index < available && IS_TCHAR[bytes[index] ?? 0] === 1) index++
    if (index >= available) return ranOut()
    // An empty name, obs-fold (a line starting with SP/HTAB) or whitespace before the colon.
    if (index === nameStart || bytes[index] !== COLON) return OTHER
    const nameEnd = index
    index++
    while (index < available && (bytes[index] === SP || bytes[index] === HTAB)) index++
    const valueStart = index
    let valueEnd = index
    for (;;) {
      if (index >= available) return ranOut()
      const byte = bytes[index] ?? 0
      if (byte === CR) break
      if (byte > SP && byte < 0x7f) valueEnd = index + 1
      else if (byte !== SP && byte !== HTAB) return OTHER
      index++
    }
    if (index + 1 >= available) return ranOut()
    if (bytes[index + 1] !== LF) return OTHER
    index += 2
    if (++headerCount > limits.maxHeaderCount) return OTHER

    switch ((bytes[nameStart] ?? 0) | 0x20) {
      case 0x61: // a
      case 0x63: // c
      case 0x65: // e
      case 0x68: // h
      case 0x69: // i
      case 0x70: // p
      case 0x72: // r
      case 0x74: // t
      case 0x75: {
        // u
        const name = latin1(bytes, nameStart, nameEnd).toLowerCase()
        if (name === 'host') {
          hostCount++
        } else if (name === 'content-length') {
          // Only a single, literal 0 (RFC 9112 §6.3): anything else may carry a body.
          if (hasContentLength || valueEnd - valueStart !== 1 || bytes[valueStart] !== 0x30) return OTHER
          hasContentLength = true
        } else if (name === 'connection') {
          if (connection !== 'none') return OTHER
          const value = latin1(bytes, valueStart, valueEnd).toLowerCase()
          if (value === 'close') connection = 'close'
          else if (value === 'keep-alive') connection = 'keep-alive'
          else return OTHER
        } else if (name.startsWith('if-') || HANDED_OVER_FIELDS.has(name)) {
          return OTHER
        }
      }
    }
  }
}

/** 1: `literal` is at `offset`; 0: the bytes so far are a proper prefix of it; -1: they differ. */
function matchLiteral(bytes: Uint8Array, offset: number, available: number, literal: Uint8Array): 1 | 0 | -1 {
  for (let index = 0; index < literal.length; index++) {
    if (offset + index >= available) return 0
    if (bytes[offset + index] !== literal[index]) return -1
  }
  return 1
}

function latin1(bytes: Uint8Array, start: number, end: number): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('latin1')
}

function bytesOf(text: string): Uint8Array {
  return Uint8Array.from(text, (character) => character.charCodeAt(0))
}

function byteTable(characters: string): Uint8Array {
  const table = new Uint8Array(256)
  for (const character of characters) table[character.charCodeAt(0)] = 1
  return table
}
