import { Kysely, SqliteDialect } from 'kysely'
import type { CoordinatorStores } from '../../store/coordinator-stores.ts'
import type { Store } from '../../store/store.ts'
import { StoreError } from '../../store/store-error.ts'
import type { DatabaseSchema } from './database-schema.ts'
import { KyselyDomainVerificationStore } from './kysely-domain-verification-store.ts'
import { KyselyFleetStore } from './kysely-fleet-store.ts'
import { KyselyIpfsZoneStore } from './kysely-ipfs-zone-store.ts'
import { KyselyStorageSegmentStore } from './kysely-storage-segment-store.ts'
import { KyselyProxyStore } from './kysely-proxy-store.ts'
import { KyselyRewardsStore } from './kysely-rewards-store.ts'
import { KyselySettlementStore } from './kysely-settlement-store.ts'
import { LedgerEarningsSource } from './ledger-earnings-source.ts'
import { KyselyMeteringStore } from './kysely-metering-store.ts'
import { KyselyStore } from './kysely-store.ts'
import { KyselyZoneStore } from './kysely-zone-store.ts'
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

/** A migrated database and its dialect, for the stores that share it. */
export interface OpenedDatabase {
  readonly db: Kysely<DatabaseSchema>
  readonly dialect: SqlDialect
}

/** Opens every store of the coordinator on one database (see {@link openDatabase}). */
export async function openStores(options: OpenStoreOptions): Promise<CoordinatorStores> {
  return createStores(await openDatabase(options), { now: options.now ?? (() => new Date()) })
}

/** The accounts/ledger store alone (its contract suite needs no other). */
export async function openStore(options: OpenStoreOptions): Promise<Store> {
  return (await openStores(options)).store
}

/** The stores on an open database; closing them destroys it. */
export function createStores(database: OpenedDatabase, options: { readonly now: () => Date }): CoordinatorStores {
  const store = new KyselyStore(database.db, { dialect: database.dialect, now: options.now })
  return {
    store,
    zones: new KyselyZoneStore(database.db, { now: options.now }),
    fleet: new KyselyFleetStore(database.db, { now: options.now }),
    metering: new KyselyMeteringStore(database.db, { dialect: database.dialect, now: options.now }),
    domains: new KyselyDomainVerificationStore(database.db),
    proxy: new KyselyProxyStore(database.db),
    rewards: new KyselyRewardsStore(database.db, { dialect: database.dialect }),
    ipfsZones: new KyselyIpfsZoneStore(database.db),
    storageSegments: new KyselyStorageSegmentStore(database.db),
    settlement: new KyselySettlementStore(database.db, { now: options.now }),
    earnings: new LedgerEarningsSource(database.db),
    close: () => store.close(),
  }
}

/**
 * Opens the coordinator's database: picks the dialect from the URL and runs pending
 * migrations. Throws `StoreError` with code `STORE_URL_INVALID`,
 * `STORE_OPTION_UNSUPPORTED`, `STORE_UNAVAILABLE` or `MIGRATION_FAILED`.
 */
export async function openDatabase(options: OpenStoreOptions): Promise<OpenedDatabase> {
  const parsed = parseStoreUrl(options.url)
  if (!parsed.ok) throw new StoreError('STORE_URL_INVALID', 'The store URL is not valid.', { details: parsed.reason })
  const { location } = parsed

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
  return { db, dialect: location.dialect }
}
