import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { after, describe, it } from 'node:test'
import { runSettlementStoreContract } from '../../settlement/settlement-store.contract.ts'
import { openSettlementTestStores } from '../../testing/open-settlement-test-stores.ts'
import { dropTestSchemas, IS_CI, TEST_PG_URL, whyPostgresUnreachable } from '../../testing/postgres-test-support.ts'

/* The SettlementStore contract on a real PostgreSQL, one schema per store, dropped at the end. */

const runId = randomBytes(4).toString('hex')
const schemas: string[] = []
const unreachable = await whyPostgresUnreachable()

if (unreachable !== undefined && IS_CI) {
  it('reaches PostgreSQL (required in CI)', () => {
    assert.fail(`PostgreSQL at MESON_TEST_PG_URL is unreachable: ${unreachable}`)
  })
} else if (unreachable !== undefined) {
  describe('PostgreSQL settlement store', { skip: `PostgreSQL unreachable (${unreachable}); set MESON_TEST_PG_URL to run these tests` }, () => {
    it('runs the SettlementStore contract')
  })
} else {
  after(() => dropTestSchemas(schemas))
  runSettlementStoreContract('PostgreSQL', () => {
    const schema = `meson_settlement_test_${runId}_${schemas.length + 1}`
    schemas.push(schema)
    return openSettlementTestStores({ url: TEST_PG_URL, schema })
  })
}
