import { signPayload } from '@meson/protocol'
import type { NodeIdentity } from './node-identity.ts'

/** Path of the registration callback (the coordinator's `IDENTITY_PATH`). */
export const IDENTITY_CALLBACK_PATH = '/_meson/identity'

/** A challenge as the coordinator makes it (base64url of random bytes), bounded. */
const CHALLENGE = /^[A-Za-z0-9_-]{16,256}$/

/** The callback's answer: this node's id, signed together with the challenge. */
export interface IdentityProof {
  readonly nodeId: string
  readonly signature: string
}

/**
 * The challenge of `/_meson/identity?challenge=<c>` (query only), or undefined when there
 * is none, several, or one that is not 16–256 base64url characters: the node signs only
 * short random-looking strings, never arbitrary text chosen by whoever asks.
 */
export function parseIdentityChallenge(target: string): string | undefined {
  const queryStart = target.indexOf('?')
  if (target.slice(0, queryStart === -1 ? undefined : queryStart) !== IDENTITY_CALLBACK_PATH || queryStart === -1) return undefined
  const challenges = new URLSearchParams(target.slice(queryStart + 1)).getAll('challenge')
  const [challenge] = challenges
  return challenges.length === 1 && challenge !== undefined && CHALLENGE.test(challenge) ? challenge : undefined
}

/**
 * Proves to the coordinator that this node holds the key it registered (DESIGN.md
 * §4.2): an ed25519 signature over the canonical JSON of `{ challenge, nodeId }` with
 * purpose 'registration', which the coordinator checks with the registered key.
 */
export function signIdentityProof(identity: NodeIdentity, challenge: string): IdentityProof {
  return { nodeId: identity.nodeId, signature: signPayload(identity.privateKey, { challenge, nodeId: identity.nodeId }, 'registration') }
}
