import { z } from 'zod'
import { buyerLedgerAccount } from '../../../../ledger/ledger-accounts.ts'
import { formatTokenAmount } from '@meson/protocol'
import { defineRoute, requireAccount } from '../../route-spec.ts'

export const balanceJsonSchema = z.object({
  balance: z.string().meta({ description: 'token base units' }),
  formatted: z.string().meta({ example: '0.05 MSN' }),
})

/** `GET /v1/balance` (buyer): prepaid credit, derived from the ledger. */
export const balanceRoute = defineRoute({
  method: 'GET',
  url: '/v1/balance',
  summary: "The buyer's prepaid credit",
  auth: 'buyer',
  responses: { 200: { description: 'the balance', schema: balanceJsonSchema } },
  handle: async ({ caller }, { store }) => {
    const balance = await store.getBalance(buyerLedgerAccount(requireAccount(caller).id))
    return { status: 200, body: { balance: balance.toString(), formatted: formatTokenAmount(balance) } }
  },
})
