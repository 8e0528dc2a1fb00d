import { sql } from 'kysely'
import type { Kysely } from 'kysely'
import type { Migration } from 'kysely/migration'
import type { SqlDialect } from '../sql-dialect.ts'

/**
 * The proxy marketplace (issue #10): each buyer's proxy secret, stored as a SHA-256
 * hash, and metered proxy usage lines (append-only; the ledger holds the money, these
 * rows are the per-buyer/node/session detail behind it). Never edit once shipped.
 */
export function createProxyMigration(dialect: SqlDialect): Migration {
  const timestampMs = dialect === 'postgres' ? sql`bigint` : sql`integer`
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('proxy_credentials')
        .addColumn('account_id', 'text', (column) => column.primaryKey().references('accounts.id'))
        .addColumn('secret_hash', 'text', (column) => column.notNull())
        .addColumn('rotated_at', timestampMs, (column) => column.notNull())
        .execute()
      await db.schema
        .createTable('proxy_usage')
        .addColumn('id', 'text', (column) => column.primaryKey())
        .addColumn('at_ms', timestampMs, (column) => column.notNull())
        .addColumn('account_id', 'text', (column) => column.notNull())
        .addColumn('node_id', 'text', (column) => column.notNull())
        .addColumn('operator_id', 'text', (column) => column.notNull())
        .addColumn('session', 'text', (column) => column.notNull())
        // Decimal text: byte counts and costs are bigints, exact in both dialects.
        .addColumn('bytes_up', 'text', (column) => column.notNull())
        .addColumn('bytes_down', 'text', (column) => column.notNull())
        .addColumn('cost', 'text', (column) => column.notNull())
        .execute()
      await db.schema.createIndex('proxy_usage_account').on('proxy_usage').columns(['account_id', 'at_ms']).execute()
      await db.schema.createIndex('proxy_usage_operator').on('proxy_usage').columns(['operator_id', 'at_ms']).execute()
    },
  }
}
