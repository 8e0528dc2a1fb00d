import { Kysely, SqliteDialect } from 'kysely'
import type { Store } from '../../store/store.ts'
import { StoreError } from '../../store/store-error.ts'
import type { DatabaseSchema } from './database-schema.ts'
import { KyselyStore } from './kysely-store.ts'
import { migrateToLatest } from './migrate-to-latest.ts'
import { openSqliteDatabase } from './open-sqlite-database.ts'
import { parseStoreUrl } from './parse-store-url.ts'
import { createPostgresKysely } from './create-postgres-kysely.ts'
import type { SqlDialect } from './sql-dialect.ts'
import type { StoreLogger } from './store-logger.ts'

export interface OpenStoreOptions {
  /** `postgres://…` / `postgresql://…`, `sqlite:/abs/path.db`, `sqlite::memory:`, or a file path. */
  readonly url: string
  /**
   * PostgreSQL only: the schema to live in, created if missing and put first on
   * every pooled connection's `search_path` (tests use one per run to stay apart).
   */
  readonly schema?: string
  readonly logger?: StoreLogger
  /** The clock that stamps `createdAt` and friends; tests pass a fixed one. */
  readonly now?: () => Date
}

/** The kysely instance behind each store opened here, for ports that share its connection (fleet, metering). */
const databases = new WeakMap<Store, { readonly db: Kysely<DatabaseSchema>; readonly dialect: SqlDialect }>()

/** The database of a store opened by {@link openStore}; undefined for any other Store (a fake). */
export function databaseOf(store: Store): { readonly db: Kysely<DatabaseSchema>; readonly dialect: SqlDialect } | undefined {
  return databases.get(store)
}

/**
 * Opens the coordinator's store: picks the dialect from the URL, runs pending
 * migrations, and returns a ready `Store`. Throws `StoreError` with code
 * `STORE_URL_INVALID`, `STORE_OPTION_UNSUPPORTED`, `STORE_UNAVAILABLE` or `MIGRATION_FAILED`.
 */
export async function openStore(options: OpenStoreOptions): Promise<Store> {
  const parsed = parseStoreUrl(options.url)
  if (!parsed.ok) throw new StoreError('STORE_URL_INVALID', 'The store URL is not valid.', { details: parsed.reason })
  const { location } = parsed
  const now = options.now ?? (() => new Date())

  let db: Kysely<DatabaseSchema>
  if (location.dialect === 'sqlite') {
    if (options.schema !== undefined) {
      throw new StoreError('STORE_OPTION_UNSUPPORTED', 'The schema option applies to PostgreSQL only.')
    }
    const database = openSqliteDatabase(location.path)
    db = new Kysely<DatabaseSchema>({ dialect: new SqliteDialect({ database }) })
  } else {
    db = await createPostgresKysely({
      connectionString: location.connectionString,
      schema: options.schema,
      logger: options.logger,
    })
  }

  try {
    await migrateToLatest(db, { dialect: location.dialect, schema: options.schema, logger: options.logger })
  } catch (error) {
    await db.destroy()
    throw error
  }
  const store = new KyselyStore(db, { dialect: location.dialect, now })
  databases.set(store, { db, dialect: location.dialect })
  return store
}
