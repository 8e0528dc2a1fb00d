import { NODE_API_PATHS } from '@meson/protocol'
import { z } from 'zod'
import { defineRoute } from '../../route-spec.ts'

/** `GET /v1/coordinator-key`: the key that signs tickets and commands. */
export const coordinatorKeyRoute = defineRoute({
  method: 'GET',
  url: NODE_API_PATHS.coordinatorKey,
  summary: "The coordinator's ed25519 public key (base64url, raw 32 bytes)",
  auth: 'none',
  responses: { 200: { description: 'the key', schema: z.object({ publicKey: z.string() }) } },
  handle: (_input, context) => Promise.resolve({ status: 200, body: { publicKey: context.fleet.coordinatorPublicKey } }),
})
