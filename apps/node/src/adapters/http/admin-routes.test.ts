import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { errorCodeOf, send, startScriptedOrigin, startTestNode } from '../../testing/cache-server-fixtures.ts'
import type { ScriptedOrigin, TestNode } from '../../testing/cache-server-fixtures.ts'

describe('admin endpoints (/_meson/*)', () => {
  let origin: ScriptedOrigin
  let node: TestNode
  const auth = { authorization: 'Bearer test-admin-token', 'content-type': 'application/json' }

  before(async () => {
    origin = await startScriptedOrigin()
    node = await startTestNode(origin.url)
    origin.route('*', (_req, res) => res.writeHead(200, { 'cache-control': 'max-age=600' }).end('cached'))
  })
  after(async () => {
    await node.stop()
    await origin.close()
  })

  it('answers healthz', async () => {
    const response = await send(node.node.url, '/_meson/healthz')
    assert.equal(response.status, 200)
    assert.match(response.body.toString(), /"status":"ok"/)
  })

  it('refuses a purge without the right bearer token with 401', async () => {
    for (const headers of [{}, { authorization: 'Bearer wrong-token-value' }]) {
      const response = await send(node.node.url, '/_meson/purge', { method: 'POST', headers, body: '{"urls":["/a"]}' })
      assert.equal(response.status, 401)
      assert.equal(errorCodeOf(response), 'UNAUTHORIZED')
    }
  })

  it('refuses a malformed purge with 400', async () => {
    for (const body of ['{', '{"urls":"/a"}', '{}', '{"urls":["http://elsewhere.example/a"]}']) {
      const response = await send(node.node.url, '/_meson/purge', { method: 'POST', headers: auth, body })
      assert.equal(response.status, 400, body)
      assert.equal(errorCodeOf(response), 'INVALID_PURGE')
    }
  })

  it('purges by URL and by prefix, and the next request goes to the origin', async () => {
    for (const path of ['/p/one', '/p/two', '/q/three']) await send(node.node.url, path)
    const byUrl = await send(node.node.url, '/_meson/purge', { method: 'POST', headers: auth, body: JSON.stringify({ urls: ['/q/three'] }) })
    assert.deepEqual(JSON.parse(byUrl.body.toString()), { purged: 1 })
    const byPrefix = await send(node.node.url, '/_meson/purge', { method: 'POST', headers: auth, body: JSON.stringify({ prefixes: ['/p/'] }) })
    assert.deepEqual(JSON.parse(byPrefix.body.toString()), { purged: 2 })
    for (const path of ['/p/one', '/p/two', '/q/three']) await send(node.node.url, path)
    for (const path of ['/p/one', '/p/two', '/q/three']) assert.equal(origin.count(path), 2, path)
  })

  it('exposes Prometheus counters', async () => {
    await send(node.node.url, '/m')
    await send(node.node.url, '/m')
    const text = (await send(node.node.url, '/_meson/metrics')).body.toString()
    for (const name of ['meson_node_cache_hits_total', 'meson_node_cache_misses_total', 'meson_node_cache_stale_served_total', 'meson_node_cache_revalidations_total', 'meson_node_origin_errors_total', 'meson_node_bytes_served_total', 'meson_node_collapsed_waiters_total']) {
      assert.match(text, new RegExp(`^${name} \\d+`, 'm'), name)
    }
    assert.ok(Number(/^meson_node_cache_hits_total (\d+)/m.exec(text)?.[1]) >= 1)
  })

  it('serves admin endpoints on --admin-port only when one is set', async () => {
    const separate = await startTestNode(origin.url, { flags: { adminPort: '0' } })
    try {
      assert.notEqual(separate.node.adminUrl, separate.node.url)
      assert.equal((await send(separate.node.adminUrl, '/_meson/healthz')).status, 200)
      assert.equal((await send(separate.node.adminUrl, '/other')).status, 404)
    } finally {
      await separate.stop()
    }
  })
})
