import { z } from 'zod'
import { nodeIdSchema } from '../node-id.ts'
import { publicKeyFromString } from '../keys.ts'
import { nodeIdFromPublicKey } from '../node-id.ts'
import { signPayload, verifyPayload } from '../signing.ts'
import { publicKeyStringSchema } from '../wire-scalars.ts'
import type { KeyObject } from 'node:crypto'
import type { NodeId } from '../ids.ts'

/**
 * The proxy tunnel's conventions (ADR 0011). A node behind NAT dials the gateway's
 * tunnel port over TCP and serves HTTP/2 on that socket; the gateway is the HTTP/2
 * client. The gateway's first stream is the hello: it sends a fresh random challenge
 * and the node answers with its id, key and a signature over the challenge. Only then
 * does the gateway open proxied streams, each an HTTP/2 CONNECT (RFC 9113 §8.5) whose
 * `:authority` is the target `host:port`.
 */

/** Path of the gateway's hello stream. */
export const TUNNEL_HELLO_PATH = '/meson/v1/proxy/hello'
/** Request header of the hello carrying the gateway's challenge (base64url, 32 bytes). */
export const TUNNEL_CHALLENGE_HEADER = 'meson-challenge'
/** Response header of a refused CONNECT stream: one of {@link TUNNEL_REFUSALS}. */
export const TUNNEL_REFUSAL_HEADER = 'meson-refusal'
/** Response header of an accepted CONNECT stream: the address the exit dialed. */
export const TUNNEL_EXIT_ADDRESS_HEADER = 'meson-exit-address'

/** Why an exit refused a stream (the gateway maps them to 502 reasons / SOCKS replies). */
export const TUNNEL_REFUSALS = ['forbidden-address', 'blocked-port', 'bad-port', 'no-address', 'monthly-cap', 'outside-hours', 'connect-failed', 'bad-request'] as const
export type TunnelRefusal = (typeof TUNNEL_REFUSALS)[number]

/** Parses a refusal header value; anything unknown is 'connect-failed'. */
export function parseTunnelRefusal(value: unknown): TunnelRefusal {
  return TUNNEL_REFUSALS.find((refusal) => refusal === value) ?? 'connect-failed'
}

/** The node's answer to the hello (JSON body). */
export const tunnelHelloSchema = z
  .strictObject({
    nodeId: nodeIdSchema,
    publicKey: publicKeyStringSchema,
    challenge: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
    signature: z.string().max(128),
  })
  .superRefine((hello, ctx) => {
    const key = publicKeyFromString(hello.publicKey)
    if (key.ok && nodeIdFromPublicKey(key.value) !== hello.nodeId) ctx.addIssue({ code: 'custom', path: ['nodeId'], message: 'nodeId is not derived from publicKey' })
  })
export type TunnelHello = z.output<typeof tunnelHelloSchema>

/** What the node signs: the challenge bound to its id (purpose 'proxy-tunnel'). */
function helloPayload(challenge: string, nodeId: string): { readonly challenge: string; readonly nodeId: string } {
  return { challenge, nodeId }
}

/** The node's side: signs the gateway's challenge. */
export function signTunnelHello(input: { readonly challenge: string; readonly nodeId: NodeId; readonly publicKey: string; readonly privateKey: KeyObject }): TunnelHello {
  const signature = signPayload(input.privateKey, helloPayload(input.challenge, input.nodeId), 'proxy-tunnel')
  return { nodeId: input.nodeId, publicKey: input.publicKey, challenge: input.challenge, signature }
}

/** The gateway's side: the hello answers `challenge` and is signed by the key it names. */
export function verifyTunnelHello(body: unknown, challenge: string): TunnelHello | undefined {
  const parsed = tunnelHelloSchema.safeParse(body)
  if (!parsed.success || parsed.data.challenge !== challenge) return undefined
  const hello = parsed.data
  const key = publicKeyFromString(hello.publicKey)
  if (!key.ok) return undefined
  return verifyPayload(key.value, helloPayload(hello.challenge, hello.nodeId), hello.signature, 'proxy-tunnel') ? hello : undefined
}
