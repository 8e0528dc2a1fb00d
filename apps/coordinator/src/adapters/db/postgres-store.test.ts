import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { after, describe, it } from 'node:test'
import pg from 'pg'
import { runStoreContract } from '../../store/store.contract.ts'
import { openStore } from './open-store.ts'
import { dropTestSchemas, IS_CI, TEST_PG_URL, whyPostgresUnreachable } from '../../testing/postgres-test-support.ts'

/*
 * Runs the Store contract against a real PostgreSQL. Every store of this run lives
 * in its own schema `meson_test_<run>_<n>`, all dropped at the end. Without a
 * reachable server the suite is skipped, except in CI, where that is a failure.
 */

const url = TEST_PG_URL
const isCi = IS_CI
const runId = randomBytes(4).toString('hex')
const schemas: string[] = []

function nextSchema(): string {
  const schema = `meson_test_${runId}_${schemas.length + 1}`
  schemas.push(schema)
  return schema
}

async function dropSchemas(): Promise<void> {
  await dropTestSchemas(schemas)
}

const unreachable = await whyPostgresUnreachable()

if (unreachable !== undefined && isCi) {
  it('reaches PostgreSQL (required in CI)', () => {
    assert.fail(`PostgreSQL at MESON_TEST_PG_URL is unreachable: ${unreachable}`)
  })
} else if (unreachable !== undefined) {
  describe('PostgreSQL store', { skip: `PostgreSQL unreachable (${unreachable}); set MESON_TEST_PG_URL to run these tests` }, () => {
    it('runs the Store contract')
  })
} else {
  after(dropSchemas)

  runStoreContract('PostgreSQL', () => openStore({ url, schema: nextSchema() }))

  describe('PostgreSQL store schemas', () => {
    it('keeps its data and runs migrations once when reopened', async () => {
      const schema = nextSchema()
      const applied: string[] = []
      const logger = { info: (fields: object) => applied.push(JSON.stringify(fields)), error: () => undefined }
      const first = await openStore({ url, schema, logger })
      const account = await first.createAccount({ name: 'Persistent', role: 'operator' })
      await first.close()
      const second = await openStore({ url, schema, logger })
      try {
        assert.deepEqual(await second.getAccount(account.id), account)
        assert.deepEqual(applied, ['0001-initial', '0002-fleet', '0003-metering', '0010-zone-identity', '0011-domain-verifications', '0020-proxy', '0030-rewards', '0040-settlement', '0050-ipfs-zones', '0060-usage-requests-country', '0070-object-sizes', '0080-usage-batch-flags', '0090-storage-segments'].map((migration) => JSON.stringify({ migration })))
      } finally {
        await second.close()
      }
    })

    it('lets two coordinators start at once on a fresh schema', async () => {
      const schema = nextSchema()
      const stores = await Promise.all([openStore({ url, schema }), openStore({ url, schema })])
      try {
        const [a, b] = stores
        const account = await a.createAccount({ name: 'Shared', role: 'buyer' })
        assert.deepEqual(await b.getAccount(account.id), account)
      } finally {
        await Promise.all(stores.map((store) => store.close()))
      }
    })

    it('applies a transaction once when two coordinators post the same id', async () => {
      const schema = nextSchema()
      const stores = await Promise.all([openStore({ url, schema }), openStore({ url, schema })])
      try {
        const [a, b] = stores
        const tx = {
          id: 'shared-id',
          kind: 'grant',
          entries: [
            { ledgerAccount: 'system:grants', amount: -5n },
            { ledgerAccount: 'buyer:a', amount: 5n },
          ],
        }
        const results = await Promise.all([a, b, a, b].map((store) => store.postTransaction(tx)))
        assert.equal(results.filter((result) => result.status === 'applied').length, 1)
        assert.equal(await b.getBalance('buyer:a'), 5n)
      } finally {
        await Promise.all(stores.map((store) => store.close()))
      }
    })

    it('migrates into the connection\'s own schema when another schema of the database already has the migration table', async () => {
      // Another coordinator (or an old test run) lives in its own schema of this database.
      const neighbour = await openStore({ url, schema: nextSchema() })
      await neighbour.close()
      // This one is configured only by its connection's search_path, with no schema option.
      const own = nextSchema()
      const admin = new pg.Client({ connectionString: url })
      await admin.connect()
      try {
        await admin.query(`create schema "${own}"`)
      } finally {
        await admin.end()
      }
      const withSearchPath = new URL(url)
      withSearchPath.searchParams.set('options', `-c search_path=${own}`)
      const store = await openStore({ url: withSearchPath.toString() })
      try {
        const account = await store.createAccount({ name: 'In its own schema', role: 'buyer' })
        assert.deepEqual(await store.getAccount(account.id), account)
      } finally {
        await store.close()
      }
    })

    it('refuses a schema name that would need quoting', async () => {
      await assert.rejects(openStore({ url, schema: 'Bad"Name' }), { code: 'STORE_OPTION_UNSUPPORTED' })
    })

    it('says STORE_UNAVAILABLE when the server cannot be reached', async () => {
      await assert.rejects(openStore({ url: 'postgres://postgres@127.0.0.1:1/test' }), { code: 'STORE_UNAVAILABLE' })
    })
  })
}
