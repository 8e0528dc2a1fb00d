import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Store } from '../store/store.ts'
import type { CoordinatorStores } from '../store/coordinator-stores.ts'
import { createStores, openDatabase } from '../adapters/db/open-store.ts'
import type { OpenedDatabase } from '../adapters/db/open-store.ts'
import { dropTestSchemas, TEST_PG_URL, whyPostgresUnreachable } from './postgres-test-support.ts'

export { TEST_PG_URL }

/**
 * Test support (not a test): the real stores the API suite runs against. SQLite lives in
 * a temp dir; PostgreSQL in a schema of its own per run, dropped at the end.
 */

export interface TestStore {
  /** The same as `stores.store`. */
  readonly store: Store
  /** Every store of the coordinator on the test database. */
  readonly stores: CoordinatorStores
  /** The database under them, for tests that build a store with hooks of their own. */
  readonly database: OpenedDatabase
  /** Closes the store and removes what it left behind. */
  readonly dispose: () => Promise<void>
}

export interface TestStoreBackend {
  readonly name: 'SQLite' | 'PostgreSQL'
  /** A reason to skip (no server, outside CI), or undefined when the backend runs. */
  readonly skipReason: string | undefined
  /** Set when the backend is missing in CI, where that is a failure. */
  readonly failReason: string | undefined
  readonly open: () => Promise<TestStore>
}

async function dropSchema(schema: string): Promise<void> {
  await dropTestSchemas([schema])
}

const sqliteBackend: TestStoreBackend = {
  name: 'SQLite',
  skipReason: undefined,
  failReason: undefined,
  open: async () => {
    const dir = await mkdtemp(join(tmpdir(), 'meson-api-'))
    const database = await openDatabase({ url: `sqlite:${join(dir, 'coordinator.db')}` })
    const stores = createStores(database, { now: () => new Date() })
    return {
      store: stores.store,
      stores,
      database,
      dispose: async () => {
        await stores.close()
        await rm(dir, { recursive: true, force: true })
      },
    }
  },
}

/** Both backends; PostgreSQL is probed once (skipped outside CI when unreachable). */
export async function findTestStoreBackends(): Promise<readonly TestStoreBackend[]> {
  const unreachable = await whyPostgresUnreachable()
  const isCi = process.env['CI'] === 'true'
  const postgresBackend: TestStoreBackend = {
    name: 'PostgreSQL',
    skipReason: unreachable !== undefined && !isCi ? `PostgreSQL unreachable (${unreachable}); set MESON_TEST_PG_URL to run these tests` : undefined,
    failReason: unreachable !== undefined && isCi ? `PostgreSQL at MESON_TEST_PG_URL is unreachable: ${unreachable}` : undefined,
    open: async () => {
      const schema = `meson_api_test_${randomBytes(6).toString('hex')}`
      const database = await openDatabase({ url: TEST_PG_URL, schema })
      const stores = createStores(database, { now: () => new Date() })
      return {
        store: stores.store,
        stores,
        database,
        dispose: async () => {
          await stores.close()
          await dropSchema(schema)
        },
      }
    },
  }
  return [sqliteBackend, postgresBackend]
}
