import { z } from 'zod'
import { accountJsonSchema, toAccountJson } from '../../../../accounts/account-json.ts'
import { accountNameSchema } from '../../../../accounts/account-name.ts'
import { evmAddressSchema } from '../../../../accounts/evm-address.ts'
import { generateApiToken, hashApiToken } from '../../../../accounts/api-token.ts'
import { defineRoute } from '../../route-spec.ts'

const createAccountBody = z.strictObject({
  name: accountNameSchema,
  role: z.enum(['buyer', 'operator'], { error: 'expected "buyer" or "operator"' }),
  payoutAddress: evmAddressSchema.optional(),
})

/** `POST /v1/accounts` (admin): creates an account and its first API token. */
export const createAccountRoute = defineRoute({
  method: 'POST',
  url: '/v1/accounts',
  summary: 'Create a buyer or operator account; the API token is shown only in this answer',
  auth: 'admin',
  body: createAccountBody,
  responses: {
    201: { description: 'created', schema: z.object({ account: accountJsonSchema, token: z.string() }) },
  },
  handle: async ({ body }, { store }) => {
    const account = await store.createAccount({ name: body.name, role: body.role, payoutAddress: body.payoutAddress ?? null })
    const token = generateApiToken()
    await store.addApiToken(account.id, hashApiToken(token))
    return { status: 201, body: { account: toAccountJson(account), token } }
  },
})
