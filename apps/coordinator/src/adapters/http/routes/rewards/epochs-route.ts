import { z } from 'zod'
import { defineRoute } from '../../route-spec.ts'
import { limitQuerySchema } from './limit-query.ts'
import { requireRewards } from './require-rewards.ts'

const epochJsonSchema = z.object({
  id: z.string(),
  startedAt: z.string().meta({ format: 'date-time' }),
  endedAt: z.string().meta({ format: 'date-time' }),
  closedAt: z.string().meta({ format: 'date-time' }).nullable(),
  emission: z.string().meta({ description: 'emission distributed by score, token base units (the schedule\'s amount when any node scored)' }),
  payouts: z.string().meta({ description: 'emission plus buyers\' payments credited to operators in the epoch, base units' }),
  nodesRewarded: z.number(),
})

/** `GET /v1/epochs` (public): the network's recent epochs, newest first, with their totals. */
export const epochsRoute = defineRoute({
  method: 'GET',
  url: '/v1/epochs',
  summary: "The network's recent epochs with emission and payouts (public)",
  auth: 'none',
  query: z.strictObject({ limit: limitQuerySchema.default(24) }),
  responses: {
    200: { description: 'recent epochs, newest first', schema: z.object({ epochs: z.array(epochJsonSchema) }) },
    400: { description: 'INVALID_REQUEST' },
    503: { description: 'REWARDS_UNAVAILABLE' },
  },
  handle: async ({ query }, context) => {
    const epochs = await requireRewards(context).listEpochs(query.limit)
    return {
      status: 200,
      body: {
        epochs: epochs.map((epoch) => ({
          id: epoch.id,
          startedAt: new Date(epoch.startMs).toISOString(),
          endedAt: new Date(epoch.endMs).toISOString(),
          closedAt: epoch.closedAtMs === null ? null : new Date(epoch.closedAtMs).toISOString(),
          emission: epoch.emitted.toString(),
          payouts: (epoch.emitted + epoch.usagePaid).toString(),
          nodesRewarded: epoch.nodesRewarded,
        })),
      },
    }
  },
})
