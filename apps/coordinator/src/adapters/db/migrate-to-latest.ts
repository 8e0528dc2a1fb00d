import { sql } from 'kysely'
import type { Kysely } from 'kysely'
import { Migrator } from 'kysely/migration'
import type { Migration, MigrationProvider, MigrationResultSet } from 'kysely/migration'
import { StoreError } from '../../store/store-error.ts'
import type { DatabaseSchema } from './database-schema.ts'
import { createInitialMigration } from './migrations/0001-initial.ts'
import type { SqlDialect } from './sql-dialect.ts'
import type { StoreLogger } from './store-logger.ts'

/**
 * All migrations, in order. Names sort lexicographically (kysely runs them by
 * name), hence the zero-padded prefix. Append only; never edit or reorder.
 */
function listMigrations(dialect: SqlDialect): Record<string, Migration> {
  return {
    '0001-initial': createInitialMigration(dialect),
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
    options.dialect === 'sqlite'
      ? await migrateSqliteImmediately(db, provider)
      : await new Migrator({
          db,
          provider,
          ...(options.schema === undefined ? {} : { migrationTableSchema: options.schema }),
        }).migrateToLatest()
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
