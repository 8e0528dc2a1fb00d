import { z } from 'zod'
import { ApiError } from '../../api-error.ts'
import { defineRoute } from '../../route-spec.ts'

/** A ledger account nobody posts to: reading its balance is a cheap round trip. */
const PROBE_LEDGER_ACCOUNT = 'system:healthz'

/** `GET /healthz`: 200 when the store answers, 503 otherwise. */
export const healthRoute = defineRoute({
  method: 'GET',
  url: '/healthz',
  summary: 'Liveness and store reachability',
  auth: 'none',
  responses: {
    200: { description: 'healthy', schema: z.object({ status: z.literal('ok'), store: z.enum(['sqlite', 'postgres']) }) },
    503: { description: 'STORE_UNAVAILABLE' },
  },
  handle: async (_input, { store }) => {
    try {
      await store.getBalance(PROBE_LEDGER_ACCOUNT)
    } catch (error) {
      throw new ApiError('STORE_UNAVAILABLE', 'the store does not answer', { cause: error })
    }
    return { status: 200, body: { status: 'ok', store: store.dialect } }
  },
})
