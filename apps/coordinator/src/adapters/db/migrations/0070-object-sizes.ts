import { sql } from 'kysely'
import type { Kysely } from 'kysely'
import type { Migration } from 'kysely/migration'
import type { SqlDialect } from '../sql-dialect.ts'

/**
 * What the coordinator knows of objects' sizes (issue #11, ADR 0012 "Usage plausibility,
 * live"): one row per (zone, path, observer). `observer` is a node id — the bytes it
 * billed and the responses it counted for the object, summed — or `@origin`, the size
 * the coordinator measured at the zone's origin (`requests` 1). `updated_at` lets old
 * rows be pruned. Never edit once shipped.
 */
export function createObjectSizesMigration(dialect: SqlDialect): Migration {
  const int64 = dialect === 'postgres' ? sql`bigint` : sql`integer`
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('object_sizes')
        .addColumn('zone', 'text', (column) => column.notNull())
        .addColumn('path', 'text', (column) => column.notNull())
        .addColumn('observer', 'text', (column) => column.notNull())
        .addColumn('bytes', int64, (column) => column.notNull())
        .addColumn('requests', int64, (column) => column.notNull())
        .addColumn('updated_at', int64, (column) => column.notNull())
        .addPrimaryKeyConstraint('object_sizes_pk', ['zone', 'path', 'observer'])
        .execute()
      await db.schema.createIndex('object_sizes_updated').on('object_sizes').column('updated_at').execute()
    },
  }
}
