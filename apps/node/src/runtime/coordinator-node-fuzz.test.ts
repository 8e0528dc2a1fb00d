import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { assertFuzzOutcomes, generateFuzzCases, runFuzzCases } from '../testing/request-fuzz.ts'
import { fetchOnce, startCoordinatorNodeHarness } from '../testing/coordinator-node-fixtures.ts'
import type { CoordinatorNodeHarness } from '../testing/coordinator-node-fixtures.ts'

describe('fuzzing a node in coordinator mode (zones, identity callback, admin routes)', () => {
  let harness: CoordinatorNodeHarness
  before(async () => {
    harness = await startCoordinatorNodeHarness()
    harness.origin.route('*', (req, res) => {
      req.resume()
      res.writeHead(200, { 'cache-control': 'max-age=60', 'content-length': '2' }).end('ok')
    })
  })
  after(() => harness.close())

  it('answers 2000 odd requests without a stack trace or a 500, half-closed sockets included', async () => {
    assertFuzzOutcomes(await runFuzzCases(Number(new URL(harness.node.url).port), generateFuzzCases(2000, 11)))
  })

  it('still answers /_meson/healthz and serves a zone object with a valid ticket afterwards', async () => {
    assert.equal((await fetchOnce(`${harness.node.url}/_meson/healthz`)).status, 200)
    const served = await fetchOnce(`${harness.node.url}/z/my-site/after-fuzz?mt=${harness.ticket('/after-fuzz')}`)
    assert.equal(served.status, 200)
    assert.equal(served.body.toString(), 'ok')
  })
})
