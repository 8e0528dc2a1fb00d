import type { Kysely } from 'kysely'
import type { Migration } from 'kysely/migration'

/**
 * A usage batch keeps why it was implausible (issue #11, ADR 0012 "Usage plausibility,
 * live"): `implausible` is the flag's JSON (reason and measurements), written in the
 * batch's own transaction, so a crash between the batch's commit and the flag's delivery
 * to the rewards store loses nothing — the coordinator delivers it again at start. Null
 * for a plausible batch. Never edit once shipped.
 */
export function createUsageBatchFlagsMigration(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('usage_batches').addColumn('implausible', 'text').execute()
      await db.schema.createIndex('usage_batches_received_at').on('usage_batches').column('received_at').execute()
    },
  }
}
