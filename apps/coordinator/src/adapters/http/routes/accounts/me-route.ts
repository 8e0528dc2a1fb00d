import { z } from 'zod'
import { accountJsonSchema, toAccountJson } from '../../../../accounts/account-json.ts'
import { defineRoute, requireAccount } from '../../route-spec.ts'

/** `GET /v1/me`: the caller's own account. */
export const meRoute = defineRoute({
  method: 'GET',
  url: '/v1/me',
  summary: "The caller's account",
  auth: 'account',
  responses: { 200: { description: 'the account', schema: z.object({ account: accountJsonSchema }) } },
  handle: ({ caller }) => Promise.resolve({ status: 200, body: { account: toAccountJson(requireAccount(caller)) } }),
})
