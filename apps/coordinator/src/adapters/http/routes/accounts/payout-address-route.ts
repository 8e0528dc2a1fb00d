import { z } from 'zod'
import { accountJsonSchema, toAccountJson } from '../../../../accounts/account-json.ts'
import { ApiError } from '../../api-error.ts'
import { evmAddressSchema } from '../../../../accounts/evm-address.ts'
import { defineRoute, requireAccount } from '../../route-spec.ts'

/** `PUT /v1/me/payout-address` (operator): binds the EVM address rewards are paid to. */
export const payoutAddressRoute = defineRoute({
  method: 'PUT',
  url: '/v1/me/payout-address',
  summary: "Bind the operator's payout address (stored lowercase)",
  auth: 'operator',
  body: z.strictObject({ address: evmAddressSchema }),
  responses: { 200: { description: 'the updated account', schema: z.object({ account: accountJsonSchema }) } },
  handle: async ({ body, caller }, { store }) => {
    const account = requireAccount(caller)
    await store.setPayoutAddress(account.id, body.address)
    const updated = await store.getAccount(account.id)
    if (updated === undefined) throw new ApiError('ACCOUNT_NOT_FOUND', 'the account no longer exists')
    return { status: 200, body: { account: toAccountJson(updated) } }
  },
})
