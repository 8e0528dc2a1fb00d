import { sql } from 'kysely'
import type { Kysely } from 'kysely'
import type { Migration } from 'kysely/migration'
import type { SqlDialect } from '../sql-dialect.ts'

/**
 * The fleet: what registration learns about a node beyond 0001's columns (the public
 * IP it registered from, for one node per IP; quota, uplink, capabilities; whether the
 * callback reached it), the signed commands sent to nodes with their acknowledgements,
 * and purges (one command per target node). Columns added to `nodes` are nullable so
 * rows written before this migration stay valid. Never edit once shipped.
 */
export function createFleetMigration(dialect: SqlDialect): Migration {
  const timestampMs = dialect === 'postgres' ? sql`bigint` : sql`integer`
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      // One column per statement: SQLite's ALTER TABLE adds a single column at a time.
      await db.schema.alterTable('nodes').addColumn('public_ip', 'text').execute()
      await db.schema.alterTable('nodes').addColumn('disk_quota_bytes', 'text').execute()
      await db.schema.alterTable('nodes').addColumn('declared_uplink_mbps', 'integer').execute()
      await db.schema.alterTable('nodes').addColumn('capabilities', 'text').execute()
      await db.schema.alterTable('nodes').addColumn('is_reachable', 'integer').execute()
      await db.schema.createIndex('nodes_public_ip').on('nodes').column('public_ip').execute()

      await db.schema
        .createTable('purges')
        .addColumn('id', 'text', (column) => column.primaryKey())
        .addColumn('zone_name', 'text', (column) => column.notNull())
        .addColumn('account_id', 'text', (column) => column.notNull().references('accounts.id'))
        .addColumn('created_at', timestampMs, (column) => column.notNull())
        .execute()

      await db.schema
        .createTable('node_commands')
        .addColumn('id', 'text', (column) => column.primaryKey())
        .addColumn('node_id', 'text', (column) => column.notNull().references('nodes.id'))
        .addColumn('purge_id', 'text', (column) => column.references('purges.id'))
        // The command as canonical JSON; it is re-signed (deterministically) when sent.
        .addColumn('payload', 'text', (column) => column.notNull())
        .addColumn('issued_at', timestampMs, (column) => column.notNull())
        .addColumn('expires_at', timestampMs, (column) => column.notNull())
        .addColumn('acked_at', timestampMs)
        .execute()
      await db.schema.createIndex('node_commands_node_id').on('node_commands').columns(['node_id', 'acked_at']).execute()
      await db.schema.createIndex('node_commands_purge_id').on('node_commands').column('purge_id').execute()
    },
  }
}
