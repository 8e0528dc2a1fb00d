import { NODE_API_PATHS } from '@meson/protocol'
import { z } from 'zod'
import { defineRoute } from '../../route-spec.ts'
import { toApiError } from './node-fleet-access.ts'

/** `POST /v1/nodes/heartbeat` (signed by the node, no token): answers the node's pending commands. */
export const nodeHeartbeatRoute = defineRoute({
  method: 'POST',
  url: NODE_API_PATHS.heartbeat,
  summary: 'A node heartbeat; the answer carries signed commands',
  auth: 'none',
  body: z.unknown(),
  responses: {
    200: { description: '{ commands: SignedEnvelope[] }' },
    400: { description: 'NODE_REGISTRATION_INVALID (malformed), NODE_CLOCK_SKEW' },
    401: { description: 'NODE_SIGNATURE_INVALID' },
    404: { description: 'NODE_UNKNOWN: register again' },
    409: { description: 'HEARTBEAT_REPLAYED, NODE_IP_IN_USE' },
  },
  handle: async ({ body }, context) => {
    const result = await context.fleet.heartbeat(body)
    if (!result.ok) throw toApiError(result)
    return { status: 200, body: { commands: result.commands } }
  },
})
