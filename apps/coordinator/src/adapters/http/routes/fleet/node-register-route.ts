import { NODE_API_PATHS } from '@meson/protocol'
import { z } from 'zod'
import { defineRoute, requireAccount } from '../../route-spec.ts'
import { toApiError } from './node-fleet-access.ts'

/** `POST /v1/nodes/register` (operator): a node's signed registration; see README.md "Node endpoints". */
export const registerNodeRoute = defineRoute({
  method: 'POST',
  url: NODE_API_PATHS.register,
  summary: 'Register a node (signed envelope, purpose "registration")',
  auth: 'operator',
  // The fleet opens the envelope itself: its failures have their own codes.
  body: z.unknown(),
  responses: {
    200: { description: 'registered: { nodeId, status, heartbeatIntervalMs, coordinatorPublicKey, callback }' },
    400: { description: 'NODE_REGISTRATION_INVALID, NODE_CLOCK_SKEW' },
    401: { description: 'NODE_SIGNATURE_INVALID' },
    403: { description: 'NODE_VERSION_TOO_OLD' },
    409: { description: 'NODE_IP_IN_USE, NODE_OWNED_BY_OTHER_OPERATOR' },
    422: { description: 'NODE_CALLBACK_FAILED' },
  },
  handle: async ({ body, caller, clientIp }, context) => {
    const result = await context.fleet.register({ body, operatorId: requireAccount(caller).id, peerIp: clientIp })
    if (!result.ok) throw toApiError(result)
    return { status: 200, body: result.answer }
  },
})
