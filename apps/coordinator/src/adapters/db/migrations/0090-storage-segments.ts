import { sql } from 'kysely'
import type { Kysely } from 'kysely'
import type { Migration } from 'kysely/migration'
import type { SqlDialect } from '../sql-dialect.ts'

/**
 * Proof of storage (issue #11, ADR 0012 "Verified disk"): one row per segment of fill a
 * node was served. A segment is served once; `confirmed_at_ms` is set when the node
 * proves it wrote the whole segment, `ended_at_ms` when it released it or a storage
 * probe found it gone (`end_reason`). Only the row's existence is state: the bytes are
 * recomputed from the coordinator's key. Never edit once shipped.
 */
export function createStorageSegmentsMigration(dialect: SqlDialect): Migration {
  const int64 = dialect === 'postgres' ? sql`bigint` : sql`integer`
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('storage_segments')
        .addColumn('node_id', 'text', (column) => column.notNull())
        .addColumn('segment_index', 'integer', (column) => column.notNull())
        .addColumn('size_bytes', int64, (column) => column.notNull())
        .addColumn('issued_at_ms', int64, (column) => column.notNull())
        .addColumn('confirmed_at_ms', int64)
        .addColumn('ended_at_ms', int64)
        .addColumn('end_reason', 'text')
        .addPrimaryKeyConstraint('storage_segments_pk', ['node_id', 'segment_index'])
        .execute()
    },
  }
}
