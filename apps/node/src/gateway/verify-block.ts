import { blake3 } from '@noble/hashes/blake3.js'
import type { CID } from 'multiformats/cid'
import { equals } from 'multiformats/bytes'
import { identity } from 'multiformats/hashes/identity'
import { sha256, sha512 } from 'multiformats/hashes/sha2'

/** Multihash codes this gateway can check (multicodec table). */
export const SHA2_256 = 0x12
export const SHA2_512 = 0x13
export const BLAKE3 = 0x1e
export const IDENTITY = 0x00

/** True when the CID's multihash can be checked here (else the block is refused). */
export function isSupportedMultihash(cid: CID): boolean {
  const code = cid.multihash.code
  return code === SHA2_256 || code === SHA2_512 || code === BLAKE3 || code === IDENTITY
}

/**
 * True when `bytes` hash to the digest in `cid`. Every block is checked this way before
 * it is cached or served (DESIGN.md §6), so a node never passes on bytes its CID does
 * not name. Unknown hash functions are never "verified".
 */
export async function isBlockValid(cid: CID, bytes: Uint8Array): Promise<boolean> {
  const { code, digest } = cid.multihash
  switch (code) {
    case SHA2_256:
      return equals((await sha256.digest(bytes)).digest, digest)
    case SHA2_512:
      return equals((await sha512.digest(bytes)).digest, digest)
    case BLAKE3:
      // blake3 is an extendable-output hash: the multihash length is the output length.
      return equals(blake3(bytes, { dkLen: digest.length }), digest)
    case IDENTITY:
      return equals(identity.digest(bytes).digest, digest)
    default:
      return false
  }
}
