import { randomInt } from 'node:crypto'
import { setTimeout } from 'node:timers/promises'
import { sql } from 'kysely'
import type { Kysely } from 'kysely'
import { Migrator } from 'kysely/migration'
import type { Migration, MigrationProvider, MigrationResultSet } from 'kysely/migration'
import { StoreError } from '../../store/store-error.ts'
import type { DatabaseSchema } from './database-schema.ts'
import { createInitialMigration } from './migrations/0001-initial.ts'
import { createFleetMigration } from './migrations/0002-fleet.ts'
import { createMeteringMigration } from './migrations/0003-metering.ts'
import { createZoneIdentityMigration } from './migrations/0010-zone-identity.ts'
import { createDomainVerificationsMigration } from './migrations/0011-domain-verifications.ts'
import { createProxyMigration } from './migrations/0020-proxy.ts'
import { createSettlementMigration } from './migrations/0040-settlement.ts'
import { createIpfsZonesMigration } from './migrations/0050-ipfs-zones.ts'
import { createRewardsMigration } from './migrations/0030-rewards.ts'
import { createUsageRequestsCountryMigration } from './migrations/0060-usage-requests-country.ts'
import { createObjectSizesMigration } from './migrations/0070-object-sizes.ts'
import { createUsageBatchFlagsMigration } from './migrations/0080-usage-batch-flags.ts'
import { createStorageSegmentsMigration } from './migrations/0090-storage-segments.ts'
import type { SqlDialect } from './sql-dialect.ts'
import type { StoreLogger } from './store-logger.ts'

/**
 * All migrations, in order. Names sort lexicographically (kysely runs them by
 * name), hence the zero-padded prefix. Append only; never edit or reorder.
 */
function listMigrations(dialect: SqlDialect): Record<string, Migration> {
  return {
    '0001-initial': createInitialMigration(dialect),
    '0002-fleet': createFleetMigration(dialect),
    '0003-metering': createMeteringMigration(dialect),
    '0010-zone-identity': createZoneIdentityMigration(),
    '0011-domain-verifications': createDomainVerificationsMigration(dialect),
    '0020-proxy': createProxyMigration(dialect),
    '0030-rewards': createRewardsMigration(dialect),
    '0040-settlement': createSettlementMigration(dialect),
    '0050-ipfs-zones': createIpfsZonesMigration(),
    '0060-usage-requests-country': createUsageRequestsCountryMigration(dialect),
    '0070-object-sizes': createObjectSizesMigration(dialect),
    '0080-usage-batch-flags': createUsageBatchFlagsMigration(),
    '0090-storage-segments': createStorageSegmentsMigration(dialect),
  }
}

/**
 * Brings the schema to the latest version, all pending migrations in one
 * transaction. Safe when several coordinators start at once:
 * - PostgreSQL: kysely's migrator holds a session advisory lock while it migrates;
 * - SQLite: kysely's SQLite migration lock is a no-op and its `begin` is deferred,
 *   so two processes could both read "nothing applied" and both run 0001 (seen in
 *   practice: "table accounts already exists"). We therefore migrate inside our own
 *   `BEGIN IMMEDIATE`, which takes the database write lock before reading the
 *   migration state; the other process waits on busy_timeout, then finds it done.
 */
export async function migrateToLatest(
  db: Kysely<DatabaseSchema>,
  options: { readonly dialect: SqlDialect; readonly schema?: string | undefined; readonly logger?: StoreLogger | undefined },
): Promise<void> {
  const provider: MigrationProvider = { getMigrations: () => Promise.resolve(listMigrations(options.dialect)) }
  const { error, results = [] } =
    options.dialect === 'sqlite' ? await migrateSqliteImmediately(db, provider) : await migratePostgres(db, provider, options.schema)
  for (const result of results) {
    if (result.status === 'Success') options.logger?.info({ migration: result.migrationName }, 'applied store migration')
  }
  if (error !== undefined) {
    const failed = results.find((result) => result.status === 'Error')
    throw new StoreError('MIGRATION_FAILED', 'The database schema could not be migrated to the latest version.', {
      details: failed === undefined ? 'before any migration ran' : `migration ${failed.migrationName} failed`,
      cause: error,
    })
  }
}

/**
 * PostgreSQL's "invalid_schema_name" and "undefined_table": a schema or a table of
 * another schema vanished while kysely read the catalog of every schema.
 */
const PG_VANISHED_CATALOG_CODES: ReadonlySet<string> = new Set(['3F000', '42P01'])
/** Parallel test files drop their schemas often; each retry waits a little longer. */
const POSTGRES_MIGRATION_ATTEMPTS = 10

function isVanishedSchemaError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' && PG_VANISHED_CATALOG_CODES.has(error.code)
}

/**
 * kysely's migrator checks for its tables with an introspection query over every
 * schema of the database; when another schema is dropped at that moment (another
 * tenant, or parallel test runs cleaning up), PostgreSQL fails that query with
 * 3F000 for a schema that is not ours, or with 42P01 for a table of a schema being
 * dropped. Nothing was migrated then, so trying again is safe; an error about our own
 * schema fails on every attempt and is reported.
 */
async function migratePostgres(db: Kysely<DatabaseSchema>, provider: MigrationProvider, schema: string | undefined): Promise<MigrationResultSet> {
  // kysely looks for its migration table in EVERY schema when it is given none, so a
  // database that holds another copy (another coordinator's schema, a test run's) made
  // it skip creating ours and then fail on "kysely_migration does not exist". Name the
  // schema we actually write to: the given one, else the connection's current schema.
  const migrationTableSchema = schema ?? (await currentSchemaOf(db))
  for (let attempt = 1; ; attempt += 1) {
    const outcome = await new Migrator({ db, provider, migrationTableSchema }).migrateToLatest()
    const nothingRan = (outcome.results ?? []).length === 0
    if (outcome.error === undefined || !nothingRan || !isVanishedSchemaError(outcome.error) || attempt >= POSTGRES_MIGRATION_ATTEMPTS) return outcome
    await setTimeout(randomInt(5, 20) * attempt)
  }
}

async function currentSchemaOf(db: Kysely<DatabaseSchema>): Promise<string> {
  const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db)
  const current = rows[0]?.schema
  if (current === undefined || current === null) {
    throw new StoreError('MIGRATION_FAILED', 'The database schema could not be migrated to the latest version.', {
      details: 'the connection has no current schema: the schemas on its search_path do not exist',
    })
  }
  return current
}

async function migrateSqliteImmediately(db: Kysely<DatabaseSchema>, provider: MigrationProvider): Promise<MigrationResultSet> {
  return db.connection().execute(async (connection) => {
    await sql`begin immediate`.execute(connection)
    let outcome: MigrationResultSet
    try {
      // The transaction is ours, so the migrator must not open one of its own.
      outcome = await new Migrator({ db: connection, provider, disableTransactions: true }).migrateToLatest()
    } catch (error) {
      await sql`rollback`.execute(connection)
      throw error
    }
    await (outcome.error === undefined ? sql`commit` : sql`rollback`).execute(connection)
    // Nothing committed when it failed: report no migration as applied.
    return outcome.error === undefined ? outcome : { error: outcome.error, results: (outcome.results ?? []).filter((r) => r.status === 'Error') }
  })
}
