import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { after, describe, it } from 'node:test'
import pg from 'pg'
import { openDatabase, openStores } from './open-store.ts'
import { dropTestSchemas, IS_CI, TEST_PG_URL, whyPostgresUnreachable } from '../../testing/postgres-test-support.ts'

/*
 * kysely's own introspector reads the catalog of EVERY schema (with a per-column
 * function call) before its migrator takes its lock. When another schema (another
 * coordinator's, a parallel test file's) was dropped or altered during that read,
 * PostgreSQL failed it with 3F000, 42P01 or 42703 for a name that was not ours. The
 * store now introspects its own schema only (postgres-schema-introspector.ts), and the
 * migration still retries on the vanished-schema codes (migrate-to-latest.ts).
 * The first case makes the race on purpose: one connection keeps creating and dropping
 * schemas full of tables while stores are opened in fresh schemas (a build without
 * either guard failed there in 2 of 3 runs). The second keeps adding and dropping a
 * column in another schema's tables: kysely's introspector failed on the vanished
 * column with 42703 (CI saw it once), which the retry does not cover; ours never reads
 * those tables.
 */

const runId = randomBytes(4).toString('hex')
const opened: string[] = []
const churned: string[] = []
const OPENS = 12
const TABLES_PER_CHURN_SCHEMA = 12

const unreachable = await whyPostgresUnreachable()

if (unreachable !== undefined && IS_CI) {
  it('reaches PostgreSQL (required in CI)', () => {
    assert.fail(`PostgreSQL at MESON_TEST_PG_URL is unreachable: ${unreachable}`)
  })
} else if (unreachable !== undefined) {
  describe('PostgreSQL migration race', { skip: `PostgreSQL unreachable (${unreachable})` }, () => {
    it('opens stores while other schemas are dropped')
  })
} else {
  after(() => dropTestSchemas([...opened, ...churned]))

  const eachTable = (statement: (table: string) => string): string => Array.from({ length: TABLES_PER_CHURN_SCHEMA }, (_, index) => statement(`t${String(index)}`)).join(' ')
  const createTables = (schema: string): string => eachTable((table) => `create table "${schema}".${table} (id serial primary key, v text);`)

  /**
   * Opens OPENS stores, each in a fresh schema, while another connection runs `round`
   * again and again; returns how many rounds ran meanwhile.
   */
  async function openWhileChurning(name: string, round: (churn: pg.Client, index: number) => Promise<void>): Promise<number> {
    const churn = new pg.Client({ connectionString: TEST_PG_URL })
    await churn.connect()
    const churning = new AbortController()
    let rounds = 0
    const churnLoop = (async () => {
      while (!churning.signal.aborted) {
        await round(churn, rounds)
        rounds += 1
      }
    })()
    try {
      for (let index = 0; index < OPENS; index += 1) {
        const schema = `meson_race_${runId}_${name}_${String(index)}`
        opened.push(schema)
        const stores = await openStores({ url: TEST_PG_URL, schema })
        assert.equal(stores.store.dialect, 'postgres')
        await stores.close()
      }
    } finally {
      churning.abort()
      await churnLoop
      await churn.end()
    }
    return rounds
  }

  describe('PostgreSQL migration while other schemas come and go', () => {
    it(`opens ${String(OPENS)} stores in fresh schemas while another connection creates and drops schemas of tables`, async () => {
      const dropped = await openWhileChurning('dropping', async (churn, round) => {
        const schema = `meson_churn_${runId}_${String(round)}`
        churned.push(schema)
        await churn.query(`create schema "${schema}"; ${createTables(schema)}`)
        await churn.query(`drop schema "${schema}" cascade`)
      })
      // The race was really run: schemas were dropped while the stores were opened.
      assert.ok(dropped >= OPENS, `only ${String(dropped)} schemas were dropped during ${String(OPENS)} opens`)
    })

    it(`opens ${String(OPENS)} stores in fresh schemas while another connection adds and drops columns in another schema`, async () => {
      const other = `meson_churn_${runId}_columns`
      churned.push(other)
      const altered = await openWhileChurning('altering', async (churn, round) => {
        if (round === 0) await churn.query(`create schema "${other}"; ${createTables(other)}`)
        await churn.query(eachTable((table) => `alter table "${other}".${table} add column kind text;`))
        await churn.query(eachTable((table) => `alter table "${other}".${table} drop column kind;`))
      })
      assert.ok(altered >= OPENS, `only ${String(altered)} rounds of column changes ran during ${String(OPENS)} opens`)
    })

    it('introspects the tables of its own schema only, kysely\'s own tables on request', async () => {
      const schema = `meson_race_${runId}_introspect`
      opened.push(schema)
      const database = await openDatabase({ url: TEST_PG_URL, schema })
      try {
        const all = await database.db.introspection.getTables({ withInternalKyselyTables: true })
        const names = all.map((table) => table.name)
        assert.ok(names.includes('ledger_transactions') && names.includes('kysely_migration'), names.join(', '))
        assert.deepEqual([...new Set(all.map((table) => table.schema))], [schema])
        const ledger = all.find((table) => table.name === 'ledger_transactions')
        assert.ok(ledger !== undefined && ledger.columns.some((column) => column.name === 'kind' && !column.isNullable))
        const own = await database.db.introspection.getTables()
        assert.ok(!own.some((table) => table.name.startsWith('kysely_')))
        assert.equal(own.length, all.length - 2)
      } finally {
        await database.db.destroy()
      }
    })
  })
}
