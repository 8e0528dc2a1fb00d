import { sql } from 'kysely'
import type { Kysely } from 'kysely'
import type { Migration } from 'kysely/migration'
import type { SqlDialect } from '../sql-dialect.ts'

/**
 * Requests and countries in usage (#14): `usage_hourly.requests` (0 for rows written
 * before, and for lines of nodes that send no count), and `usage_hourly_country`, the
 * same hourly usage split by the country of the ticket's client (looked up at ingest).
 * No cost column there: charges stay on `usage_hourly`. Never edit once shipped.
 */
export function createUsageRequestsCountryMigration(dialect: SqlDialect): Migration {
  const int64 = dialect === 'postgres' ? sql`bigint` : sql`integer`
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .alterTable('usage_hourly')
        .addColumn('requests', int64, (column) => column.notNull().defaultTo(0))
        .execute()
      await db.schema
        .createTable('usage_hourly_country')
        .addColumn('zone_id', 'text', (column) => column.notNull())
        .addColumn('zone_name', 'text', (column) => column.notNull())
        .addColumn('account_id', 'text', (column) => column.notNull())
        .addColumn('hour_start', int64, (column) => column.notNull())
        .addColumn('node_id', 'text', (column) => column.notNull())
        .addColumn('operator_id', 'text', (column) => column.notNull())
        .addColumn('country', 'text', (column) => column.notNull())
        .addColumn('bytes', int64, (column) => column.notNull())
        .addColumn('requests', int64, (column) => column.notNull())
        .addPrimaryKeyConstraint('usage_hourly_country_pk', ['zone_id', 'hour_start', 'node_id', 'country'])
        .execute()
      await db.schema.createIndex('usage_hourly_country_account').on('usage_hourly_country').columns(['account_id', 'hour_start']).execute()
      await db.schema.createIndex('usage_hourly_country_operator').on('usage_hourly_country').columns(['operator_id', 'hour_start']).execute()
    },
  }
}
