import { sql } from 'kysely'
import type { Kysely } from 'kysely'
import type { Migration } from 'kysely/migration'
import type { SqlDialect } from '../sql-dialect.ts'

/**
 * Metering and zone settings: the tickets the coordinator issued (so usage arriving
 * after a restart can still be checked), the usage batches seen (idempotency by batch
 * id), usage per zone, hour and node, rejected usage lines per node and reason, and a
 * zone's referrer/country rules and custom domains. Never edit once shipped.
 *
 * Byte counts are signed 64-bit integers (`bigint` / `integer`): the protocol caps them
 * below 2^63. Costs are money: `numeric(78,0)` / decimal `text`, as in 0001.
 */
export function createMeteringMigration(dialect: SqlDialect): Migration {
  const money = dialect === 'postgres' ? sql`numeric(78, 0)` : sql`text`
  const int64 = dialect === 'postgres' ? sql`bigint` : sql`integer`
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('issued_tickets')
        .addColumn('nonce', 'text', (column) => column.primaryKey())
        .addColumn('node_id', 'text', (column) => column.notNull())
        .addColumn('zone', 'text', (column) => column.notNull())
        .addColumn('path', 'text', (column) => column.notNull())
        .addColumn('prefix', 'integer', (column) => column.notNull())
        .addColumn('client', 'text', (column) => column.notNull())
        .addColumn('issued_at', int64, (column) => column.notNull())
        .addColumn('expires_at', int64, (column) => column.notNull())
        .addColumn('byte_budget', int64, (column) => column.notNull())
        .addColumn('accepted_bytes', int64, (column) => column.notNull().defaultTo(0).check(sql`accepted_bytes >= 0 and accepted_bytes <= byte_budget`))
        .execute()
      await db.schema.createIndex('issued_tickets_expires_at').on('issued_tickets').column('expires_at').execute()

      // The primary key is the idempotency key of a usage report.
      await db.schema
        .createTable('usage_batches')
        .addColumn('batch_id', 'text', (column) => column.primaryKey())
        .addColumn('node_id', 'text', (column) => column.notNull())
        .addColumn('received_at', int64, (column) => column.notNull())
        .addColumn('accepted_lines', 'integer', (column) => column.notNull())
        .addColumn('rejected_lines', 'integer', (column) => column.notNull())
        .addColumn('accepted_bytes', int64, (column) => column.notNull())
        .execute()

      // Keyed by zone id, not name: a deleted zone's name may be taken again by someone else.
      await db.schema
        .createTable('usage_hourly')
        .addColumn('zone_id', 'text', (column) => column.notNull())
        .addColumn('zone_name', 'text', (column) => column.notNull())
        .addColumn('account_id', 'text', (column) => column.notNull())
        .addColumn('hour_start', int64, (column) => column.notNull())
        .addColumn('node_id', 'text', (column) => column.notNull())
        .addColumn('operator_id', 'text', (column) => column.notNull())
        .addColumn('bytes', int64, (column) => column.notNull())
        .addColumn('cost', money, (column) => column.notNull())
        .addPrimaryKeyConstraint('usage_hourly_pk', ['zone_id', 'hour_start', 'node_id'])
        .execute()
      await db.schema.createIndex('usage_hourly_account').on('usage_hourly').columns(['account_id', 'hour_start']).execute()
      await db.schema.createIndex('usage_hourly_operator').on('usage_hourly').columns(['operator_id', 'hour_start']).execute()

      await db.schema
        .createTable('usage_rejections')
        .addColumn('node_id', 'text', (column) => column.notNull())
        .addColumn('reason', 'text', (column) => column.notNull())
        // Lines only: a hostile node's claimed bytes could overflow any integer sum.
        .addColumn('lines', int64, (column) => column.notNull())
        .addPrimaryKeyConstraint('usage_rejections_pk', ['node_id', 'reason'])
        .execute()

      await db.schema
        .createTable('zone_settings')
        .addColumn('zone_id', 'text', (column) => column.primaryKey().references('zones.id').onDelete('cascade'))
        // JSON arrays of strings, validated by the API before they are written.
        .addColumn('allowed_referrers', 'text', (column) => column.notNull())
        .addColumn('blocked_countries', 'text', (column) => column.notNull())
        .execute()

      // The primary key makes a custom domain unique across all zones.
      await db.schema
        .createTable('zone_domains')
        .addColumn('hostname', 'text', (column) => column.primaryKey())
        .addColumn('zone_id', 'text', (column) => column.notNull().references('zones.id').onDelete('cascade'))
        .execute()
      await db.schema.createIndex('zone_domains_zone_id').on('zone_domains').column('zone_id').execute()
    },
  }
}
