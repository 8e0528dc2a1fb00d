import { CompiledQuery, Kysely, sql } from 'kysely'
import pg from 'pg'
import { StoreError } from '../../store/store-error.ts'
import type { DatabaseSchema } from './database-schema.ts'
import { CopyingClient } from './postgres-copy.ts'
import { CurrentSchemaPostgresDialect } from './postgres-schema-introspector.ts'
import type { StoreLogger } from './store-logger.ts'

/** How long to wait for a TCP connection + auth before calling PostgreSQL unreachable. */
const CONNECT_TIMEOUT_MS = 5_000
/** A schema name that is safe inside double quotes and needs no case folding. */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/
/**
 * SQLSTATEs (PostgreSQL Appendix A) of a `CREATE SCHEMA IF NOT EXISTS` that lost a
 * race with another process: IF NOT EXISTS checks before it inserts the catalog row.
 */
const DUPLICATE_SCHEMA_STATES = new Set(['42P06', '23505'])

/**
 * Creates a kysely instance over a `pg` Pool and checks that the server answers
 * (`STORE_UNAVAILABLE` otherwise). With `schema`, the schema is created if missing
 * and set as the `search_path` of every pooled connection, so unqualified table
 * names resolve inside it.
 */
export async function createPostgresKysely(options: {
  readonly connectionString: string
  readonly schema?: string | undefined
  readonly logger?: StoreLogger | undefined
}): Promise<Kysely<DatabaseSchema>> {
  const { schema, logger } = options
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
    throw new StoreError('STORE_OPTION_UNSUPPORTED', 'A schema name must be lowercase letters, digits and underscores.')
  }
  // CopyingClient: a statement given `CopyRows` runs as COPY FROM STDIN (bulk rows of an epoch close).
  const pool = new pg.Pool({ connectionString: options.connectionString, connectionTimeoutMillis: CONNECT_TIMEOUT_MS, Client: CopyingClient })
  // An idle client can die (server restart); without a listener that would crash the process.
  pool.on('error', (error) => {
    logger?.error({ err: error.message }, 'a pooled PostgreSQL connection failed')
  })
  const db = new Kysely<DatabaseSchema>({
    // Its introspector reads our schema only (the migrator's table check; see the class).
    dialect: new CurrentSchemaPostgresDialect({
      pool,
      ...(schema === undefined
        ? {}
        : {
            onCreateConnection: async (connection) => {
              // The name matched SCHEMA_NAME, so quoting it is enough.
              await connection.executeQuery(CompiledQuery.raw(`set search_path to "${schema}"`))
            },
          }),
    }),
  })

  try {
    await sql`select 1`.execute(db)
  } catch (error) {
    await db.destroy()
    // The message of a connection error may name the host but never the password.
    throw new StoreError('STORE_UNAVAILABLE', 'PostgreSQL could not be reached.', {
      details: error instanceof Error ? error.message : 'connection failed',
      cause: error,
    })
  }
  if (schema !== undefined) {
    try {
      await createSchemaIfMissing(db, schema)
    } catch (error) {
      await db.destroy()
      throw error
    }
  }
  return db
}

async function createSchemaIfMissing(db: Kysely<DatabaseSchema>, schema: string): Promise<void> {
  try {
    await db.schema.createSchema(schema).ifNotExists().execute()
  } catch (error) {
    const state = typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined
    if (typeof state !== 'string' || !DUPLICATE_SCHEMA_STATES.has(state)) throw error
  }
}
