import { verifyPayload } from '@meson/protocol'
import type { VerifyKey } from '@meson/protocol'
import { z } from 'zod'

/** Path of the node endpoint the registration callback calls (see README.md, "Node endpoints"). */
export const IDENTITY_PATH = '/_meson/identity'

/** What the node answers: its id and a signature over `{ challenge, nodeId }`. */
export const identityProofSchema = z.object({ nodeId: z.string().max(64), signature: z.string().max(128) })

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
 * True if `proof` (the parsed JSON answer) proves the node holds the key it registered:
 * same node id, and an ed25519 signature by `publicKey` over the canonical JSON of
 * `{ challenge, nodeId }` with purpose 'registration'. Never throws.
 */
export function isIdentityProofValid(proof: unknown, expected: { readonly nodeId: string; readonly challenge: string; readonly publicKey: VerifyKey }): boolean {
  const parsed = identityProofSchema.safeParse(proof)
  if (!parsed.success || parsed.data.nodeId !== expected.nodeId) return false
  return verifyPayload(expected.publicKey, { challenge: expected.challenge, nodeId: expected.nodeId }, parsed.data.signature, 'registration')
}
