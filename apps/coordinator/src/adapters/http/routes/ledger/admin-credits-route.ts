import { randomUUID } from 'node:crypto'
import type { AccountId } from '@meson/protocol'
import { z } from 'zod'
import { positiveAmountSchema } from '../../../../ledger/amount-schema.ts'
import { ApiError } from '../../api-error.ts'
import { buildCreditTransaction } from '../../../../ledger/build-credit-transaction.ts'
import { buyerLedgerAccount } from '../../../../ledger/ledger-accounts.ts'
import { formatTokenAmount } from '@meson/protocol'
import { defineRoute } from '../../route-spec.ts'

const creditBody = z.strictObject({
  accountId: z.string({ error: 'expected a string' }).regex(/^acc_[a-z2-7]{20}$/, { error: 'expected an account id (acc_ + 20 base32 characters)' }),
  amount: positiveAmountSchema,
  idempotencyKey: z
    .string({ error: 'expected a string' })
    .regex(/^[A-Za-z0-9._:-]{1,128}$/, { error: 'expected 1-128 characters of A-Z a-z 0-9 . _ : -' })
    .optional(),
})

const creditJsonSchema = z.object({
  transactionId: z.string(),
  accountId: z.string(),
  amount: z.string(),
  balance: z.string(),
  formatted: z.string(),
  duplicate: z.boolean(),
})

/** `POST /v1/admin/credits` (admin): grants a buyer credit; idempotent by key. */
export const adminCreditsRoute = defineRoute({
  method: 'POST',
  url: '/v1/admin/credits',
  summary: 'Grant credit to a buyer (idempotent by idempotencyKey)',
  auth: 'admin',
  body: creditBody,
  responses: {
    201: { description: 'credited', schema: creditJsonSchema },
    200: { description: 'the idempotency key was used before; nothing changed', schema: creditJsonSchema },
    404: { description: 'ACCOUNT_NOT_FOUND' },
    409: { description: 'NOT_A_BUYER: only buyers hold credit' },
  },
  handle: async ({ body }, { store, metering }) => {
    // The regex above is the AccountId format; the store decides whether it exists.
    const accountId = body.accountId as AccountId
    const account = await store.getAccount(accountId)
    if (account === undefined) throw new ApiError('ACCOUNT_NOT_FOUND', `no account ${body.accountId}`)
    if (account.role !== 'buyer') throw new ApiError('NOT_A_BUYER', 'only buyer accounts hold credit')
    const transaction = buildCreditTransaction({ accountId, amount: body.amount, transactionKey: body.idempotencyKey ?? randomUUID() })
    const result = await store.postTransaction(transaction)
    const balance = await store.getBalance(buyerLedgerAccount(accountId))
    // The redirector's 402 flag lifts as soon as credit arrives.
    metering.balances.set(accountId, balance)
    const duplicate = result.status === 'duplicate'
    return {
      status: duplicate ? 200 : 201,
      body: { transactionId: transaction.id, accountId, amount: body.amount.toString(), balance: balance.toString(), formatted: formatTokenAmount(balance), duplicate },
    }
  },
})
