import type { AccountId } from '@meson/protocol'
import { sql } from 'kysely'
import type { Kysely } from 'kysely'
import { getAddress, isAddress } from 'viem'
import type { EarningsSource, OperatorEarnings } from '../../settlement/operator-earnings.ts'
import type { DatabaseSchema } from './database-schema.ts'

const PENDING = /^operator:(.+):pending$/

/**
 * Operators' cumulative earnings, read from the ledger (never written here): the sum of
 * every positive entry to `operator:<id>:pending` — usage shares today, epoch emission
 * when rewards post there too. Debits (e.g. a later move to another account) do not
 * lower it: what was earned stays earned. Summed in bigint here, as SQLite keeps money
 * as text. Payout addresses come from the accounts, checksummed (EIP-55) by viem; an
 * address that is not valid counts as none bound.
 */
export class LedgerEarningsSource implements EarningsSource {
  readonly #db: Kysely<DatabaseSchema>

  constructor(db: Kysely<DatabaseSchema>) {
    this.#db = db
  }

  async listOperatorEarnings(): Promise<readonly OperatorEarnings[]> {
    const rows = await this.#db
      .selectFrom('ledger_entries')
      .select(['ledger_account', sql<string>`cast(amount as text)`.as('amount')])
      .where('ledger_account', 'like', 'operator:%:pending')
      .execute()
    const earned = new Map<string, bigint>()
    for (const row of rows) {
      const amount = BigInt(row.amount)
      const operatorId = PENDING.exec(row.ledger_account)?.[1]
      if (operatorId === undefined || amount <= 0n) continue
      earned.set(operatorId, (earned.get(operatorId) ?? 0n) + amount)
    }
    if (earned.size === 0) return []
    const payoutOf = new Map<string, string | null>()
    const ids = [...earned.keys()]
    // Chunked: an `IN` list per 500 ids stays under both databases' parameter limits.
    for (let start = 0; start < ids.length; start += 500) {
      const accounts = await this.#db.selectFrom('accounts').select(['id', 'payout_address']).where('id', 'in', ids.slice(start, start + 500)).execute()
      for (const account of accounts) payoutOf.set(account.id, account.payout_address)
    }
    return [...earned].map(([operatorId, amount]) => {
      const address = payoutOf.get(operatorId) ?? null
      return { operatorId: operatorId as AccountId, payoutAddress: address !== null && isAddress(address, { strict: false }) ? getAddress(address) : null, earned: amount }
    })
  }
}
