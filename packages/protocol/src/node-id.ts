import { createHash } from 'node:crypto'
import { z } from 'zod'
import { encodeBase32 } from './base32.ts'
import type { NodeId } from './ids.ts'
import { PUBLIC_KEY_BYTES } from './keys.ts'
import { fail, ok } from './result.ts'
import type { Result } from './result.ts'

/** "nd_" and 32 base32 characters (160 bits of SHA-256). */
const NODE_ID = /^nd_[a-z2-7]{32}$/

/**
 * Derives a node's id from its raw ed25519 public key: "nd_" + lowercase base32 of the
 * first 20 bytes of SHA-256(key). The id is a commitment to the key, so a node cannot
 * claim another node's id without its private key.
 */
export function nodeIdFromPublicKey(publicKey: Uint8Array): NodeId {
  if (publicKey.length !== PUBLIC_KEY_BYTES) throw new TypeError('an ed25519 public key is 32 bytes')
  const digest = createHash('sha256').update(publicKey).digest()
  // Branding is the point of this function: the id was just derived, so it is valid.
  return `nd_${encodeBase32(digest.subarray(0, 20))}` as NodeId
}

/** Checks the shape of a node id (it cannot check the key behind it). */
export function parseNodeId(text: string): Result<NodeId> {
  // The regex is what makes a string a NodeId; the brand records that it passed.
  return NODE_ID.test(text) ? ok(text as NodeId) : fail('not a node id ("nd_" + 32 base32 characters)')
}

/** Zod schema for a node id on the wire. */
export const nodeIdSchema = z
  .string()
  .regex(NODE_ID, 'not a node id')
  // The regex above is the check; the brand records that it passed.
  .transform((text) => text as NodeId)
