import { z } from 'zod'
import { defineRoute, requireAccount } from '../../route-spec.ts'
import { limitQuerySchema } from './limit-query.ts'
import { requireRewards } from './require-rewards.ts'

const earningJsonSchema = z.object({
  epochId: z.string(),
  source: z.enum(['usage', 'emission']),
  amount: z.string().meta({ description: 'token base units' }),
  held: z.boolean().meta({ description: 'moved to operator:<id>:held for the epoch (see reason)' }),
  reason: z.string().nullable(),
})

/** `GET /v1/earnings` (operator): per-epoch earnings by source; `total` counts what was not held. */
export const earningsRoute = defineRoute({
  method: 'GET',
  url: '/v1/earnings',
  summary: "The operator's earnings per epoch by source (usage, emission)",
  auth: 'operator',
  query: z.strictObject({ limit: limitQuerySchema.default(100) }),
  responses: {
    200: { description: 'earnings, newest epoch first', schema: z.object({ earnings: z.array(earningJsonSchema), total: z.string() }) },
    400: { description: 'INVALID_REQUEST' },
    503: { description: 'REWARDS_UNAVAILABLE' },
  },
  handle: async ({ query, caller }, context) => {
    const rows = await requireRewards(context).listEarnings(requireAccount(caller).id, query.limit)
    let total = 0n
    for (const row of rows) if (row.heldReason === null) total += row.amount
    return {
      status: 200,
      body: {
        earnings: rows.map((row) => ({ epochId: row.epochId, source: row.source, amount: row.amount.toString(), held: row.heldReason !== null, reason: row.heldReason })),
        total: total.toString(),
      },
    }
  },
})
