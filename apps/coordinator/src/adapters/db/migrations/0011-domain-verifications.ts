import type { Kysely } from 'kysely'
import { sql } from 'kysely'
import type { Migration } from 'kysely/migration'
import type { SqlDialect } from '../sql-dialect.ts'

/**
 * Custom domains proven by their owner (issue #9): a zone's custom domain is served only
 * once the zone's owner showed control of it (an HTTP challenge token). Keyed by the
 * zone's immutable id, so a domain moved to another zone, or a zone name taken again,
 * must prove control again. Never edit once shipped.
 */
export function createDomainVerificationsMigration(dialect: SqlDialect): Migration {
  const timestampMs = dialect === 'postgres' ? sql`bigint` : sql`integer`
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('domain_verifications')
        .addColumn('zone_id', 'text', (column) => column.notNull())
        .addColumn('hostname', 'text', (column) => column.notNull())
        .addColumn('verified_at', timestampMs, (column) => column.notNull())
        .addPrimaryKeyConstraint('domain_verifications_pk', ['zone_id', 'hostname'])
        .execute()
    },
  }
}
