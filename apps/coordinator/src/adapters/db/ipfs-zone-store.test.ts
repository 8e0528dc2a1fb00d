import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { after, describe, it } from 'node:test'
import { runIpfsZoneStoreContract } from '../../gateway/ipfs-zone-store.contract.ts'
import { openStores } from './open-store.ts'
import type { OpenStoreOptions } from './open-store.ts'
import { dropTestSchemas, IS_CI, TEST_PG_URL, whyPostgresUnreachable } from '../../testing/postgres-test-support.ts'

/* The IpfsZoneStore contract on SQLite (in memory) and on a real PostgreSQL. */

async function openPair(options: OpenStoreOptions): Promise<Awaited<ReturnType<Parameters<typeof runIpfsZoneStoreContract>[1]>>> {
  const stores = await openStores(options)
  return { store: stores.store, ipfsZones: stores.ipfsZones, close: () => stores.close() }
}

runIpfsZoneStoreContract('SQLite', () => openPair({ url: 'sqlite::memory:' }))

const runId = randomBytes(4).toString('hex')
const schemas: string[] = []
const unreachable = await whyPostgresUnreachable()
if (unreachable !== undefined && IS_CI) {
  it('reaches PostgreSQL (required in CI)', () => {
    assert.fail(`PostgreSQL at MESON_TEST_PG_URL is unreachable: ${unreachable}`)
  })
} else if (unreachable !== undefined) {
  describe('PostgreSQL ipfs zone store', { skip: `PostgreSQL unreachable (${unreachable}); set MESON_TEST_PG_URL to run these tests` }, () => {
    it('runs the IpfsZoneStore contract')
  })
} else {
  after(() => dropTestSchemas(schemas))
  runIpfsZoneStoreContract('PostgreSQL', () => {
    const schema = `meson_ipfs_test_${runId}_${schemas.length + 1}`
    schemas.push(schema)
    return openPair({ url: TEST_PG_URL, schema })
  })
}
