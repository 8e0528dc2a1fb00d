import { sha256 } from '@noble/hashes/sha2.js'
import { bytesToHex } from '@noble/hashes/utils.js'
import { base32 } from 'multiformats/bases/base32'
import { base58btc } from 'multiformats/bases/base58'
import { CID } from 'multiformats/cid'
import { decode as decodeMultihash } from 'multiformats/hashes/digest'

/** SHA2-256 multihash code. */
const SHA2_256 = 0x12
/** Longest line read (compact denylist spec: 2 MiB per line; ours are far shorter). */
const MAX_LINE_CHARS = 4096

/** A loaded denylist: the hashed anchors it blocks. Immutable; a new list replaces it whole. */
export interface Denylist {
  /** Legacy bad-bits anchors: hex sha256 of `CIDV1_BASE32/PATH`. */
  readonly legacy: ReadonlySet<string>
  /** Modern double hashes: hex sha256 digest of `B58_MULTIHASH[/PATH]`. */
  readonly modern: ReadonlySet<string>
  /** Plain `/ipfs/CID[/*]` rules: hex of the blocked multihash. */
  readonly multihashes: ReadonlySet<string>
  /** Lines that were not understood (reported, not fatal). */
  readonly skippedLines: number
}

export const EMPTY_DENYLIST: Denylist = { legacy: new Set(), modern: new Set(), multihashes: new Set(), skippedLines: 0 }

/**
 * Parses a denylist in the bad-bits / compact denylist format (IPIP-383): an optional
 * YAML header ended by `---` (skipped), `#` comments, `//<hash>` double-hashed rules
 * (a 64-hex legacy anchor or a base58btc sha2-256 multihash) and `/ipfs/<cid>[/*]`.
 * Allow rules (`!`), IPNS and path-prefix rules are not supported and are skipped.
 */
export function parseDenylist(text: string): Denylist {
  const legacy = new Set<string>()
  const modern = new Set<string>()
  const multihashes = new Set<string>()
  let skippedLines = 0
  const lines = text.split('\n')
  const headerEnd = lines.findIndex((line) => line.trim() === '---')
  for (const rawLine of lines.slice(headerEnd + 1)) {
    const line = rawLine.slice(0, MAX_LINE_CHARS).trim().split(/\s+/)[0] ?? ''
    if (line === '' || line.startsWith('#')) continue
    if (line.startsWith('//')) {
      const hash = line.slice(2)
      if (/^[0-9a-f]{64}$/i.test(hash)) legacy.add(hash.toLowerCase())
      else if (!addModern(hash, modern)) skippedLines += 1
      continue
    }
    const plain = /^\/ipfs\/([^/]+)(\/\*)?$/.exec(line)
    const cid = plain?.[1] === undefined ? undefined : parseCid(plain[1])
    if (cid === undefined) skippedLines += 1
    else multihashes.add(bytesToHex(cid.multihash.bytes))
  }
  return { legacy, modern, multihashes, skippedLines }
}

/**
 * True when the content path `/ipfs/<cid>/<segments>` is denied: by the CID's multihash,
 * or by a double hash of the path or of any of its parents (so a listed directory also
 * denies what is under it).
 */
export function isDenied(denylist: Denylist, cid: CID, segments: readonly string[]): boolean {
  if (denylist.legacy.size === 0 && denylist.modern.size === 0 && denylist.multihashes.size === 0) return false
  if (denylist.multihashes.has(bytesToHex(cid.multihash.bytes))) return true
  const v1 = cid.toV1().toString(base32)
  const multihash = base58btc.encode(cid.multihash.bytes).slice(1)
  for (let depth = 0; depth <= segments.length; depth += 1) {
    const path = segments.slice(0, depth).map(encodeURIComponent).join('/')
    if (denylist.legacy.has(sha256Hex(`${v1}/${path}`))) return true
    if (denylist.modern.has(sha256Hex(depth === 0 ? multihash : `${multihash}/${path}`))) return true
  }
  return false
}

/** The legacy bad-bits anchor of a CID and path (`//` + this is a denylist line). */
export function legacyDenylistAnchor(cid: CID, path = ''): string {
  return sha256Hex(`${cid.toV1().toString(base32)}/${path}`)
}

function addModern(hash: string, into: Set<string>): boolean {
  try {
    const digest = decodeMultihash(base58btc.decode(`z${hash}`))
    if (digest.code !== SHA2_256) return false
    into.add(bytesToHex(digest.digest))
    return true
  } catch {
    return false
  }
}

function parseCid(text: string): CID | undefined {
  try {
    return CID.parse(text)
  } catch {
    return undefined
  }
}

function sha256Hex(text: string): string {
  return bytesToHex(sha256(new TextEncoder().encode(text)))
}
