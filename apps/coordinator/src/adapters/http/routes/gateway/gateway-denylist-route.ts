import { z } from 'zod'
import { defineRoute } from '../../route-spec.ts'

/** Largest denylist pushed in one command (the bad-bits list is far larger: nodes can also load a file). */
export const MAX_DENYLIST_BYTES = 1024 * 1024
/** The node's config key for it (apps/node, node-command-handler.ts). */
const IPFS_DENYLIST_CONFIG_KEY = 'ipfsDenylist'

/**
 * `PUT /v1/gateway/denylist` (admin): replaces the IPFS denylist (bad-bits / compact
 * denylist format, double-hashed entries) on every live node, as one signed `config`
 * command each (DESIGN.md §6). Listed content then answers 410 Gone.
 */
export const gatewayDenylistRoute = defineRoute({
  method: 'PUT',
  url: '/v1/gateway/denylist',
  summary: 'Replace the IPFS gateway denylist on every live node (signed command)',
  auth: 'admin',
  body: z.strictObject({
    denylist: z.string().max(MAX_DENYLIST_BYTES, { error: `expected at most ${MAX_DENYLIST_BYTES} characters` }).meta({ example: '//d9d295bde21f422d471a90f2a37ec53049fdf3e5fa3ee2e8f20e10003da429e7\n' }),
  }),
  responses: { 202: { description: 'sent: { nodes }', schema: z.object({ nodes: z.int() }) } },
  handle: async ({ body }, context) => {
    const { fleet } = context
    const targets = fleet.listNodes().filter((node) => node.status !== 'down')
    await Promise.all(targets.map((node) => fleet.sendConfig(node.record.id, { [IPFS_DENYLIST_CONFIG_KEY]: body.denylist })))
    return { status: 202, body: { nodes: targets.length } }
  },
})
