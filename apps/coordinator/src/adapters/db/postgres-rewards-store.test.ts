import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { after, describe, it } from 'node:test'
import { runRewardsStoreContract } from '../../rewards/rewards-store.contract.ts'
import { openRewardsTestStores } from '../../testing/open-rewards-test-stores.ts'
import { dropTestSchemas, IS_CI, TEST_PG_URL, whyPostgresUnreachable } from '../../testing/postgres-test-support.ts'

/* The RewardsStore contract on a real PostgreSQL, one schema per store, dropped at the end. */

const runId = randomBytes(4).toString('hex')
const schemas: string[] = []
const unreachable = await whyPostgresUnreachable()

if (unreachable !== undefined && IS_CI) {
  it('reaches PostgreSQL (required in CI)', () => {
    assert.fail(`PostgreSQL at MESON_TEST_PG_URL is unreachable: ${unreachable}`)
  })
} else if (unreachable !== undefined) {
  describe('PostgreSQL rewards store', { skip: `PostgreSQL unreachable (${unreachable}); set MESON_TEST_PG_URL to run these tests` }, () => {
    it('runs the RewardsStore contract')
  })
} else {
  after(() => dropTestSchemas(schemas))
  runRewardsStoreContract('PostgreSQL', (now) => {
    const schema = `meson_rewards_test_${runId}_${schemas.length + 1}`
    schemas.push(schema)
    return openRewardsTestStores({ url: TEST_PG_URL, schema, now })
  })
}
