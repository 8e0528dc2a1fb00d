import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { after, describe, it } from 'node:test'
import { runProxyStoreContract } from '../../proxy/proxy-store.contract.ts'
import { openProxyTestStores } from '../../testing/open-proxy-test-stores.ts'
import { dropTestSchemas, IS_CI, TEST_PG_URL, whyPostgresUnreachable } from '../../testing/postgres-test-support.ts'

/* The ProxyStore contract on a real PostgreSQL, one schema per store, dropped at the end. */

const runId = randomBytes(4).toString('hex')
const schemas: string[] = []
const unreachable = await whyPostgresUnreachable()

if (unreachable !== undefined && IS_CI) {
  it('reaches PostgreSQL (required in CI)', () => {
    assert.fail(`PostgreSQL at MESON_TEST_PG_URL is unreachable: ${unreachable}`)
  })
} else if (unreachable !== undefined) {
  describe('PostgreSQL proxy store', { skip: `PostgreSQL unreachable (${unreachable}); set MESON_TEST_PG_URL to run these tests` }, () => {
    it('runs the ProxyStore contract')
  })
} else {
  after(() => dropTestSchemas(schemas))
  runProxyStoreContract('PostgreSQL', () => {
    const schema = `meson_proxy_test_${runId}_${schemas.length + 1}`
    schemas.push(schema)
    return openProxyTestStores({ url: TEST_PG_URL, schema })
  })
}
