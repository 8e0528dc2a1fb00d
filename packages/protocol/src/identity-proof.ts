import type { KeyObject } from 'node:crypto'
import { z } from 'zod'
import type { VerifyKey } from './keys.ts'
import { signPayload, verifyPayload } from './signing.ts'

/**
 * The registration callback (DESIGN.md §4.2), both sides: the coordinator calls
 * `GET <publicUrl>/_meson/identity?challenge=<c>` on a registering node, and the node
 * answers `{ nodeId, signature }`, an ed25519 signature over the canonical JSON of
 * `{ challenge, nodeId }` with purpose 'registration'.
 */

/** Path of the node endpoint the registration callback calls. */
export const IDENTITY_PATH = '/_meson/identity'

/** What the node answers: its id and a signature over `{ challenge, nodeId }`. */
export const identityProofSchema = z.object({ nodeId: z.string().max(64), signature: z.string().max(128) })

export type IdentityProof = z.infer<typeof identityProofSchema>

/** A challenge as the coordinator makes it (base64url of random bytes), bounded. */
const CHALLENGE = /^[A-Za-z0-9_-]{16,256}$/

/**
 * The callback URL for a node's declared public URL: only http(s), no credentials, no
 * fragment; the path of the public URL is kept as a prefix. Undefined when the URL is
 * not one we will call (the callback is an outbound request driven by outside input).
 */
export function identityUrlFor(publicUrl: string, challenge: string): URL | undefined {
  if (!URL.canParse(publicUrl)) return undefined
  const base = new URL(publicUrl)
  if ((base.protocol !== 'http:' && base.protocol !== 'https:') || base.username !== '' || base.password !== '' || base.hostname === '') return undefined
  const prefix = base.pathname.endsWith('/') ? base.pathname.slice(0, -1) : base.pathname
  const url = new URL(`${prefix}${IDENTITY_PATH}`, base.origin)
  url.searchParams.set('challenge', challenge)
  return url
}

/**
 * The node side: the challenge of `/_meson/identity?challenge=<c>` (query only), or
 * undefined when there is none, several, or one that is not 16–256 base64url characters:
 * a node signs only short random-looking strings, never arbitrary text chosen by whoever asks.
 */
export function parseIdentityChallenge(target: string): string | undefined {
  const queryStart = target.indexOf('?')
  if (target.slice(0, queryStart === -1 ? undefined : queryStart) !== IDENTITY_PATH || queryStart === -1) return undefined
  const challenges = new URLSearchParams(target.slice(queryStart + 1)).getAll('challenge')
  const [challenge] = challenges
  return challenges.length === 1 && challenge !== undefined && CHALLENGE.test(challenge) ? challenge : undefined
}

/** The node side: proves that the node holds the key it registered. */
export function signIdentityProof(privateKey: KeyObject, nodeId: string, challenge: string): IdentityProof {
  return { nodeId, signature: signPayload(privateKey, { challenge, nodeId }, 'registration') }
}

/**
 * The coordinator side: true if `proof` (the parsed JSON answer) proves the node holds the
 * key it registered: same node id, and a valid signature by `publicKey`. Never throws.
 */
export function isIdentityProofValid(proof: unknown, expected: { readonly nodeId: string; readonly challenge: string; readonly publicKey: VerifyKey }): boolean {
  const parsed = identityProofSchema.safeParse(proof)
  if (!parsed.success || parsed.data.nodeId !== expected.nodeId) return false
  return verifyPayload(expected.publicKey, { challenge: expected.challenge, nodeId: expected.nodeId }, parsed.data.signature, 'registration')
}
