import { sql } from 'kysely'
import type { Kysely } from 'kysely'
import type { Migration } from 'kysely/migration'
import type { SqlDialect } from '../sql-dialect.ts'

/**
 * The first schema: accounts, API tokens, zones, nodes and the double-entry ledger.
 *
 * Types differ per dialect only where they must:
 * - money is `numeric(78,0)` in PostgreSQL (78 digits hold any uint256, so any token
 *   amount the chain can express) and a decimal `TEXT` in SQLite, whose only numeric
 *   types are a 64-bit integer and a double — neither holds 10^30 exactly;
 * - timestamps are milliseconds since the epoch: `bigint` / `integer`;
 * - the ledger entry id is an identity column / SQLite's rowid alias.
 *
 * A shipped migration is never edited; changes go in a new file (see README.md).
 */
export function createInitialMigration(dialect: SqlDialect): Migration {
  const money = dialect === 'postgres' ? sql`numeric(78, 0)` : sql`text`
  const timestampMs = dialect === 'postgres' ? sql`bigint` : sql`integer`
  // In SQLite, refuse anything but a text of digits with an optional minus, so a
  // stray number can never be summed as a float later.
  const moneyCheck = (column: string) =>
    sql`typeof(${sql.ref(column)}) = 'text' and ${sql.ref(column)} glob '*[0-9]' and ltrim(${sql.ref(column)}, '-') not glob '*[^0-9]*'`
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('accounts')
        .addColumn('id', 'text', (column) => column.primaryKey())
        .addColumn('name', 'text', (column) => column.notNull())
        .addColumn('role', 'text', (column) => column.notNull().check(sql`role in ('buyer', 'operator')`))
        .addColumn('payout_address', 'text')
        .addColumn('created_at', timestampMs, (column) => column.notNull())
        .execute()

      await db.schema
        .createTable('api_tokens')
        .addColumn('token_hash', 'text', (column) => column.primaryKey())
        .addColumn('account_id', 'text', (column) => column.notNull().references('accounts.id'))
        .addColumn('created_at', timestampMs, (column) => column.notNull())
        .execute()
      await db.schema.createIndex('api_tokens_account_id').on('api_tokens').column('account_id').execute()

      await db.schema
        .createTable('zones')
        .addColumn('id', 'text', (column) => column.primaryKey())
        .addColumn('account_id', 'text', (column) => column.notNull().references('accounts.id'))
        .addColumn('name', 'text', (column) => column.notNull().unique())
        .addColumn('origin', 'text', (column) => column.notNull())
        .addColumn('price_per_gib', money, (column) =>
          dialect === 'postgres' ? column.notNull() : column.notNull().check(moneyCheck('price_per_gib')),
        )
        .addColumn('created_at', timestampMs, (column) => column.notNull())
        .execute()
      await db.schema.createIndex('zones_account_id').on('zones').column('account_id').execute()

      await db.schema
        .createTable('nodes')
        .addColumn('id', 'text', (column) => column.primaryKey())
        .addColumn('operator_id', 'text', (column) => column.notNull().references('accounts.id'))
        .addColumn('public_key', 'text', (column) => column.notNull())
        .addColumn('public_url', 'text', (column) => column.notNull())
        .addColumn('version', 'text', (column) => column.notNull())
        .addColumn('status', 'text', (column) =>
          column.notNull().check(sql`status in ('pending', 'active', 'down', 'draining')`),
        )
        .addColumn('registered_at', timestampMs, (column) => column.notNull())
        .addColumn('last_heartbeat_at', timestampMs)
        .execute()
      await db.schema.createIndex('nodes_operator_id').on('nodes').column('operator_id').execute()

      // The primary key is the idempotency key: a second post of the same id hits it.
      await db.schema
        .createTable('ledger_transactions')
        .addColumn('id', 'text', (column) => column.primaryKey())
        .addColumn('kind', 'text', (column) => column.notNull())
        .addColumn('memo', 'text')
        .addColumn('created_at', timestampMs, (column) => column.notNull())
        .execute()

      await db.schema
        .createTable('ledger_entries')
        .addColumn('id', dialect === 'postgres' ? 'bigint' : 'integer', (column) =>
          dialect === 'postgres' ? column.primaryKey().generatedAlwaysAsIdentity() : column.primaryKey().autoIncrement(),
        )
        .addColumn('transaction_id', 'text', (column) => column.notNull().references('ledger_transactions.id'))
        .addColumn('ledger_account', 'text', (column) => column.notNull())
.addColumn('amount', money, (column) => (dialect === 'postgres' ? column.notNull() : column.notNull().check(moneyCheck('amount'))))
        .addColumn('created_at', timestampMs, (column) => column.notNull())
        .execute()
      // Serves both getBalance (all entries of an account) and listEntries (newest first).
      await db.schema.createIndex('ledger_entries_ledger_account').on('ledger_entries').columns(['ledger_account', 'id']).execute()
      await db.schema.createIndex('ledger_entries_transaction_id').on('ledger_entries').column('transaction_id').execute()
    },
  }
}
