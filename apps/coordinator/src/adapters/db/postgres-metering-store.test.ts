import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { after, describe, it } from 'node:test'
import { runMeteringStoreContract } from '../../metering/metering-store.contract.ts'
import { dropTestSchemas, IS_CI, TEST_PG_URL, whyPostgresUnreachable } from '../../testing/postgres-test-support.ts'
import { openStores } from './open-store.ts'

/* The MeteringStore contract on a real PostgreSQL, one schema per test, dropped at the end. */

const runId = randomBytes(4).toString('hex')
const schemas: string[] = []
const unreachable = await whyPostgresUnreachable()

if (unreachable !== undefined && IS_CI) {
  it('reaches PostgreSQL (required in CI)', () => {
    assert.fail(`PostgreSQL at MESON_TEST_PG_URL is unreachable: ${unreachable}`)
  })
} else if (unreachable !== undefined) {
  describe('PostgreSQL metering store', { skip: `PostgreSQL unreachable (${unreachable}); set MESON_TEST_PG_URL to run these tests` }, () => {
    it('runs the MeteringStore contract')
  })
} else {
  after(() => dropTestSchemas(schemas))
  runMeteringStoreContract('PostgreSQL', () => {
    const schema = `meson_metering_test_${runId}_${schemas.length + 1}`
    schemas.push(schema)
    return openStores({ url: TEST_PG_URL, schema })
  })
}
