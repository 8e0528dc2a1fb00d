import type { Transaction } from 'kysely'
import type { LedgerTransactionInput, PostTransactionResult } from '../../store/store.ts'
import { StoreError } from '../../store/store-error.ts'
import { checkLedgerTransaction } from './check-ledger-transaction.ts'
import type { DatabaseSchema } from './database-schema.ts'
import { insertColumnRows } from './insert-column-rows.ts'
import type { SqlDialect } from './sql-dialect.ts'

/**
 * The one writer of the ledger (`ledger_transactions`, `ledger_entries`): appends a
 * balanced double-entry transaction inside the caller's database transaction, so a
 * capability's own rows and its ledger rows commit or roll back together (usage charges,
 * admin credits, and rewards and settlement after them). Posting the same id twice
 * applies it once. Throws `StoreError` (`LEDGER_UNBALANCED`, `AMOUNT_OUT_OF_RANGE`)
 * before writing anything when the double-entry rules do not hold. Given the `dialect`,
 * it writes the entries as column arrays (`insertColumnRows`), the fast path for an
 * epoch's emission of one entry per operator.
 */
/** Entries per INSERT: 4 columns each keeps a statement far below both databases' bind limits. */
const ENTRIES_PER_INSERT = 5_000

export async function postLedgerTransaction(trx: Transaction<DatabaseSchema>, tx: LedgerTransactionInput, createdAtMs: number, dialect?: SqlDialect): Promise<PostTransactionResult> {
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
  if (dialect !== undefined) {
    // Column arrays: an epoch's emission (one entry per operator, hundreds of thousands)
    // goes in a few statements instead of a query-builder statement per 5 000 rows.
    await insertColumnRows(trx, dialect, {
      table: 'ledger_entries',
      columns: ['ledger_account', 'amount'],
      postgresTypes: ['text', 'numeric'],
      constantColumns: [{ column: 'transaction_id', value: tx.id, postgresType: 'text' }, { column: 'created_at', value: createdAtMs, postgresType: 'bigint' }],
      values: [tx.entries.map((entry) => entry.ledgerAccount), tx.entries.map((entry) => entry.amount.toString())],
      rowCount: tx.entries.length,
    })
    return { status: 'applied' }
  }
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
