import pg from 'pg'

/**
 * Test support (not a test) for every suite that runs against a real PostgreSQL:
 * where it is, whether it answers, and dropping the per-run schemas afterwards.
 * Without a reachable server suites skip, except in CI, where that is a failure.
 */

export const TEST_PG_URL = process.env['MESON_TEST_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test'
export const IS_CI = process.env['CI'] === 'true'

/** Why PostgreSQL cannot be used, or undefined when it answers. */
export async function whyPostgresUnreachable(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: TEST_PG_URL, connectionTimeoutMillis: 3_000 })
  try {
    await client.connect()
    await client.query('select 1')
    return undefined
  } catch (error) {
    return error instanceof Error ? error.message : 'connection failed'
  } finally {
    await client.end().catch(() => undefined)
  }
}

/** Drops test schemas (names made by the tests: a prefix and hex, so quoting is enough). */
export async function dropTestSchemas(schemas: readonly string[]): Promise<void> {
  if (schemas.length === 0) return
  const client = new pg.Client({ connectionString: TEST_PG_URL })
  await client.connect()
  try {
    for (const schema of schemas) await client.query(`drop schema if exists "${schema}" cascade`)
  } finally {
    await client.end()
  }
}
