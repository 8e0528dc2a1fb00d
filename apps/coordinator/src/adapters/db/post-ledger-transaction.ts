import type { Transaction } from 'kysely'
import type { LedgerTransactionInput, PostTransactionResult } from '../../store/store.ts'
import { StoreError } from '../../store/store-error.ts'
import { checkLedgerTransaction } from './check-ledger-transaction.ts'
import type { DatabaseSchema } from './database-schema.ts'

/**
 * The one writer of the ledger (`ledger_transactions`, `ledger_entries`): appends a
 * balanced double-entry transaction inside the caller's database transaction, so a
 * capability's own rows and its ledger rows commit or roll back together (usage charges,
 * admin credits, and rewards and settlement after them). Posting the same id twice
 * applies it once. Throws `StoreError` (`LEDGER_UNBALANCED`, `AMOUNT_OUT_OF_RANGE`)
 * before writing anything when the double-entry rules do not hold.
 */
/** Entries per INSERT: 4 columns each keeps a statement far below both databases' bind limits. */
const ENTRIES_PER_INSERT = 5_000

export async function postLedgerTransaction(trx: Transaction<DatabaseSchema>, tx: LedgerTransactionInput, createdAtMs: number): Promise<PostTransactionResult> {
  const check = checkLedgerTransaction(tx)
  if (!check.ok) throw new StoreError(check.code, 'The ledger transaction was refused.', { details: check.reason })
  // Claiming the idempotency key first makes a racing post of the same id wait on the
  // primary key (PostgreSQL) or the write lock (SQLite), then find it taken and insert
  // nothing. As the first write of a transaction it also spares SQLite upgrading a read
  // lock (which busy_timeout cannot fix).
  const claimed = await trx
    .insertInto('ledger_transactions')
    .values({ id: tx.id, kind: tx.kind, memo: tx.memo ?? null, created_at: createdAtMs })
    .onConflict((conflict) => conflict.column('id').doNothing())
    .returning('id')
    .executeTakeFirst()
  if (claimed === undefined) return { status: 'duplicate' }
  // In slices: an epoch's emission has one entry per operator, which may be more rows
  // than one statement can bind (SQLite: 32 766 parameters, PostgreSQL: 65 535).
  for (let start = 0; start < tx.entries.length; start += ENTRIES_PER_INSERT) {
    await trx
      .insertInto('ledger_entries')
      .values(tx.entries.slice(start, start + ENTRIES_PER_INSERT).map((entry) => ({ transaction_id: tx.id, ledger_account: entry.ledgerAccount, amount: entry.amount.toString(), created_at: createdAtMs })))
      .execute()
  }
  return { status: 'applied' }
}
