import type { Kysely } from 'kysely'
import type { Migration } from 'kysely/migration'

/**
 * IPFS gateway zones (#13): a zone is `type: "ipfs"` when it has a row here, holding its
 * upstream trustless gateways as a JSON array of URLs. A table of its own, not columns
 * on `zones`, so pull zones and their store stay as they are. Never edit once shipped.
 */
export function createIpfsZonesMigration(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('ipfs_zones')
        .addColumn('zone_id', 'text', (column) => column.primaryKey().references('zones.id').onDelete('cascade'))
        .addColumn('upstreams', 'text', (column) => column.notNull())
        .execute()
    },
  }
}
