import { isAddress } from 'viem'
import type { Address } from 'viem'
import { z } from 'zod'
import { ApiError } from '../../api-error.ts'
import { defineRoute } from '../../route-spec.ts'

const amountJson = z.string().regex(/^\d+$/).meta({ description: 'base units (18 decimals), decimal string', example: '1500000000000000000' })

/**
 * A payout address in the path: 0x + 40 hex digits; when its letters are mixed case they
 * must be a valid EIP-55 checksum (checked by viem), so a mistyped address is refused.
 */
const addressParam = z
  .string()
  .refine((value): value is Address => isAddress(value, { strict: true }), { error: 'expected an EVM address (0x + 40 hex digits, a valid EIP-55 checksum when mixed case)' })
  .meta({ example: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8' })

/** `GET /v1/claims/:address` (public): the latest root's leaf and proof for an address. */
export const claimRoute = defineRoute({
  method: 'GET',
  url: '/v1/claims/:address',
  summary: 'What an address can claim from the distributor, with its Merkle proof',
  auth: 'none',
  params: z.strictObject({ address: addressParam }),
  responses: {
    200: {
      description: 'the claim; claimable = cumulativeAmount − claimed',
      schema: z.object({
        address: z.string(),
        cumulativeAmount: amountJson,
        claimed: amountJson,
        root: z.string(),
        proof: z.array(z.string()),
        distributor: z.string(),
        chainId: z.number().int(),
      }),
    },
    400: { description: 'INVALID_REQUEST: not an address, or a bad checksum' },
    404: { description: 'NO_CLAIM: no settled root names this address; NO_CHAIN: no chain configured' },
  },
  handle: async ({ params }, { settlement }) => {
    if (settlement === undefined) throw new ApiError('NO_CHAIN', 'this coordinator is not configured with a chain')
    const claim = await settlement.claims.claimFor(params.address)
    if (claim === undefined) throw new ApiError('NO_CLAIM', `no settled root pays ${params.address} yet`)
    return {
      status: 200,
      body: {
        address: claim.address,
        cumulativeAmount: claim.cumulativeAmount.toString(),
        claimed: claim.claimed.toString(),
        root: claim.root,
        proof: claim.proof,
        distributor: settlement.chain.distributor,
        chainId: settlement.chain.chainId,
      },
    }
  },
})
