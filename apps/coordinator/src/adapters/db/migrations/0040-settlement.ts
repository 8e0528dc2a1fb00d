import { sql } from 'kysely'
import type { Kysely } from 'kysely'
import type { Migration } from 'kysely/migration'
import type { SqlDialect } from '../sql-dialect.ts'

/**
 * On-chain settlement: each root posted to the distributor (`settlements`, keyed by
 * its sequence number on chain), the cumulative allocation of every operator to every
 * payout address as of that root (`settlement_allocations`, from which proofs are
 * rebuilt), and the block cursors of chain watchers (`chain_cursors`, e.g. deposits).
 * Money as in 0001: `numeric(78,0)` / decimal `text`. Never edit once shipped.
 */
export function createSettlementMigration(dialect: SqlDialect): Migration {
  const money = dialect === 'postgres' ? sql`numeric(78, 0)` : sql`text`
  const int64 = dialect === 'postgres' ? sql`bigint` : sql`integer`
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('settlements')
        .addColumn('sequence', 'integer', (column) => column.primaryKey())
        .addColumn('root', 'text', (column) => column.notNull())
        .addColumn('status', 'text', (column) => column.notNull().check(sql`status in ('planned', 'sent', 'confirmed')`))
        .addColumn('tx_hash', 'text')
        .addColumn('total_amount', money, (column) => column.notNull())
        .addColumn('created_at', int64, (column) => column.notNull())
        .addColumn('confirmed_at', int64)
        .execute()
      await db.schema
        .createTable('settlement_allocations')
        .addColumn('sequence', 'integer', (column) => column.notNull().references('settlements.sequence'))
        .addColumn('operator_id', 'text', (column) => column.notNull())
        .addColumn('payout_address', 'text', (column) => column.notNull())
        .addColumn('amount', money, (column) => column.notNull())
        .addPrimaryKeyConstraint('settlement_allocations_pk', ['sequence', 'operator_id', 'payout_address'])
        .execute()
      await db.schema
        .createTable('chain_cursors')
        .addColumn('name', 'text', (column) => column.primaryKey())
        .addColumn('block_number', int64, (column) => column.notNull())
        .execute()
    },
  }
}
