import { z } from 'zod'
import { ApiError } from '../../api-error.ts'
import { defineRoute } from '../../route-spec.ts'

const addressJson = z.string().meta({ example: '0x5FbDB2315678afecb367f032d93F642f64180aa3' })

/** `GET /v1/chain` (public): where the network's token, distributor and vault live. */
export const chainRoute = defineRoute({
  method: 'GET',
  url: '/v1/chain',
  summary: 'The chain and contract addresses the network settles on',
  auth: 'none',
  responses: {
    200: { description: 'the chain', schema: z.object({ chainId: z.number().int(), token: addressJson, distributor: addressJson, vault: addressJson }) },
    404: { description: 'NO_CHAIN: this coordinator settles on no chain' },
  },
  handle: async (_input, { settlement }) => {
    if (settlement === undefined) throw new ApiError('NO_CHAIN', 'this coordinator is not configured with a chain')
    const { chainId, token, distributor, vault } = settlement.chain
    return Promise.resolve({ status: 200, body: { chainId, token, distributor, vault } })
  },
})
