import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { after, describe, it } from 'node:test'
import { dropTestSchemas, IS_CI, TEST_PG_URL, whyPostgresUnreachable } from './postgres-test-support.ts'

/**
 * Test support (not a test): registers a store contract suite on a real PostgreSQL, with
 * a fresh schema per opened store (all dropped at the end). Without a reachable server the
 * suite is skipped with a message, except in CI, where that is a failure.
 */
export async function onPostgres(label: string, register: (url: string, nextSchema: () => string) => void): Promise<void> {
  const unreachable = await whyPostgresUnreachable()
  if (unreachable !== undefined && IS_CI) {
    it(`reaches PostgreSQL for the ${label} (required in CI)`, () => {
      assert.fail(`PostgreSQL at MESON_TEST_PG_URL is unreachable: ${unreachable}`)
    })
    return
  }
  if (unreachable !== undefined) {
    describe(`PostgreSQL ${label}`, { skip: `PostgreSQL unreachable (${unreachable}); set MESON_TEST_PG_URL to run these tests` }, () => {
      it(`runs the ${label} contract`)
    })
    return
  }
  const runId = randomBytes(4).toString('hex')
  const schemas: string[] = []
  after(() => dropTestSchemas(schemas))
  register(TEST_PG_URL, () => {
    const schema = `meson_${label.replace(/[^a-z]/gi, '_').toLowerCase()}_${runId}_${schemas.length + 1}`
    schemas.push(schema)
    return schema
  })
}
