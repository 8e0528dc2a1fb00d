import { sql } from 'kysely'
import type { Kysely } from 'kysely'
import type { Migration } from 'kysely/migration'
import type { SqlDialect } from '../sql-dialect.ts'

/**
 * Rewards and probes (issue #11, ADR 0012): closed epochs (the primary key is the
 * claim: one replica closes an epoch), every node's score of an epoch with the inputs
 * it came from, each operator's earnings of an epoch by source, and probe results.
 * Never edit once shipped.
 */
export function createRewardsMigration(dialect: SqlDialect): Migration {
  const money = dialect === 'postgres' ? sql`numeric(78, 0)` : sql`text`
  const int64 = dialect === 'postgres' ? sql`bigint` : sql`integer`
  const real = dialect === 'postgres' ? sql`double precision` : sql`real`
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('epochs')
        .addColumn('id', 'text', (column) => column.primaryKey())
        .addColumn('start_ms', int64, (column) => column.notNull())
        .addColumn('end_ms', int64, (column) => column.notNull())
        .addColumn('emission', money, (column) => column.notNull())
        .addColumn('emitted', money, (column) => column.notNull())
        .addColumn('usage_paid', money, (column) => column.notNull())
        .addColumn('nodes_rewarded', 'integer', (column) => column.notNull())
        .addColumn('claimed_at', int64, (column) => column.notNull())
        .addColumn('closed_at', int64)
        .execute()
      await db.schema.createIndex('epochs_start_ms').on('epochs').column('start_ms').execute()

      await db.schema
        .createTable('epoch_node_scores')
        .addColumn('epoch_id', 'text', (column) => column.notNull())
        .addColumn('node_id', 'text', (column) => column.notNull())
        .addColumn('operator_id', 'text', (column) => column.notNull())
        .addColumn('public_ip', 'text', (column) => column.notNull())
        .addColumn('score', real, (column) => column.notNull())
        .addColumn('weight', money, (column) => column.notNull())
        .addColumn('credit', real, (column) => column.notNull())
        .addColumn('measured_mbps', real)
        .addColumn('bandwidth', real, (column) => column.notNull())
        .addColumn('storage', real, (column) => column.notNull())
        .addColumn('correctness', real, (column) => column.notNull())
        // The evidence the factors came from, flat (explained on read), and the penalties as JSON.
        .addColumn('is_online', 'integer', (column) => column.notNull())
        .addColumn('speed_probes', 'integer', (column) => column.notNull())
        .addColumn('declared_mbps', real)
        .addColumn('offered_disk_bytes', 'text', (column) => column.notNull())
        .addColumn('verified_disk_bytes', 'text')
        .addColumn('previous_credit', real)
        .addColumn('epoch_hours', real, (column) => column.notNull())
        .addColumn('content_passed', 'integer', (column) => column.notNull())
        .addColumn('content_failed', 'integer', (column) => column.notNull())
        .addColumn('usage_held', 'integer', (column) => column.notNull())
        .addColumn('penalties', 'text', (column) => column.notNull())
        .addPrimaryKeyConstraint('epoch_node_scores_pk', ['epoch_id', 'node_id'])
        .execute()
      await db.schema.createIndex('epoch_node_scores_node').on('epoch_node_scores').columns(['node_id', 'epoch_id']).execute()

      await db.schema
        .createTable('epoch_payouts')
        .addColumn('epoch_id', 'text', (column) => column.notNull())
        .addColumn('operator_id', 'text', (column) => column.notNull())
        .addColumn('source', 'text', (column) => column.notNull())
        .addColumn('amount', money, (column) => column.notNull())
        .addColumn('held_reason', 'text')
        .addPrimaryKeyConstraint('epoch_payouts_pk', ['epoch_id', 'operator_id', 'source'])
        .execute()
      await db.schema.createIndex('epoch_payouts_operator').on('epoch_payouts').columns(['operator_id', 'epoch_id']).execute()

      await db.schema
        .createTable('probe_results')
        .addColumn('id', 'text', (column) => column.primaryKey())
        .addColumn('node_id', 'text', (column) => column.notNull())
        .addColumn('kind', 'text', (column) => column.notNull())
        .addColumn('at_ms', int64, (column) => column.notNull())
        .addColumn('outcome', 'text', (column) => column.notNull())
        .addColumn('measurements', 'text', (column) => column.notNull())
        .addColumn('reason', 'text', (column) => column.notNull())
        .execute()
      await db.schema.createIndex('probe_results_at').on('probe_results').columns(['at_ms']).execute()
      await db.schema.createIndex('probe_results_node').on('probe_results').columns(['node_id', 'at_ms']).execute()
    },
  }
}
