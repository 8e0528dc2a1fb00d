import { formatTokenAmount } from '@meson/protocol'
import { z } from 'zod'
import { buyerLedgerAccount, operatorPendingLedgerAccount } from '../../../../ledger/ledger-accounts.ts'
import { defineRoute, requireAccount } from '../../route-spec.ts'

const MAX_ENTRIES = 500

const ledgerEntryJsonSchema = z.object({
  transactionId: z.string(),
  at: z.string().meta({ format: 'date-time' }),
  kind: z.string().meta({ example: 'usage' }),
  memo: z.string().nullable(),
  amount: z.string().meta({ description: 'signed token base units: + credits this account, - debits it' }),
  amountFormatted: z.string().meta({ example: '-0.000001 MSN' }),
})

/**
 * `GET /v1/ledger`: the caller's own ledger entries, newest first — a buyer's prepaid
 * credit account, or an operator's pending earnings. Read-only: the ledger's one writer
 * stays the posting path.
 */
export const ledgerRoute = defineRoute({
  method: 'GET',
  url: '/v1/ledger',
  summary: "The caller's ledger entries (buyer credit or operator pending earnings), newest first",
  auth: 'account',
  query: z.strictObject({ limit: z.coerce.number().int().min(1).max(MAX_ENTRIES).default(100) }),
  responses: {
    200: { description: 'the entries', schema: z.object({ ledgerAccount: z.string(), entries: z.array(ledgerEntryJsonSchema) }) },
    400: { description: 'INVALID_REQUEST: limit outside 1..500' },
  },
  handle: async ({ caller, query }, { store }) => {
    const account = requireAccount(caller)
    const ledgerAccount = account.role === 'buyer' ? buyerLedgerAccount(account.id) : operatorPendingLedgerAccount(account.id)
    const entries = await store.listEntries(ledgerAccount, { limit: query.limit })
    return {
      status: 200,
      body: {
        ledgerAccount,
        entries: entries.map((entry) => ({
          transactionId: entry.transactionId,
          at: entry.createdAt.toISOString(),
          kind: entry.kind,
          memo: entry.memo,
          amount: entry.amount.toString(),
          amountFormatted: formatTokenAmount(entry.amount),
        })),
      },
    }
  },
})
