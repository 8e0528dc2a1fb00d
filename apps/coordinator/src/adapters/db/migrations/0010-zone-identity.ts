import type { Kysely } from 'kysely'
import type { Migration } from 'kysely/migration'

/**
 * Zone identity (issue #9): an issued ticket remembers the immutable id of the zone it
 * was issued for, so usage on a ticket of a deleted zone is never billed to a later zone
 * that took the same name. Nullable: tickets written before this migration have none
 * (and expire within minutes). Never edit once shipped.
 */
export function createZoneIdentityMigration(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('issued_tickets').addColumn('zone_id', 'text').execute()
    },
  }
}
