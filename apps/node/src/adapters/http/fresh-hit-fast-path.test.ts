import assert from 'node:assert/strict'
import type { IncomingHttpHeaders } from 'node:http'
import { after, before, describe, it } from 'node:test'
import { createManualClock, send, startScriptedOrigin, startTestNode } from '../../testing/cache-server-fixtures.ts'
import type { ClientResponse, ManualClock, ScriptedOrigin, TestNode } from '../../testing/cache-server-fixtures.ts'
import { hasCacheRelevantField } from './fresh-hit-fast-path.ts'

describe('hasCacheRelevantField', () => {
  const rows: { readonly fields: readonly string[]; readonly expected: boolean }[] = [
    { fields: ['Host', 'x', 'User-Agent', 'wrk', 'Accept', '*/*'], expected: false },
    { fields: ['Accept-Encoding', 'gzip', 'Cookie', 'a=b', 'Connection', 'keep-alive', 'Accept-Ranges', 'bytes'], expected: false },
    { fields: ['Host', 'x', 'Range', 'bytes=0-1'], expected: true },
    { fields: ['if-none-match', '"a"'], expected: true },
    { fields: ['IF-MODIFIED-SINCE', 'Mon, 03 Nov 2025 10:00:00 GMT'], expected: true },
    { fields: ['If-Match', '*'], expected: true },
    { fields: ['If-Unmodified-Since', 'Mon, 03 Nov 2025 10:00:00 GMT'], expected: true },
    { fields: ['If-Range', '"a"'], expected: true },
    { fields: ['Cache-Control', 'max-age=0'], expected: true },
    { fields: ['Pragma', 'no-cache'], expected: true },
    { fields: ['Authorization', 'Bearer x'], expected: true },
    { fields: [], expected: false },
  ]
  for (const row of rows) {
    it(`${row.expected ? 'sends to the general path' : 'allows the fast path for'} [${row.fields.filter((_, index) => index % 2 === 0).join(', ')}]`, () => {
      assert.equal(hasCacheRelevantField(row.fields), row.expected)
    })
  }
})

/** The parts of a response both paths must agree on; Date is Node's own clock when the origin sent none. */
function comparable(response: ClientResponse): { status: number; headers: IncomingHttpHeaders; body: string } {
  const { date: _date, ...headers } = response.headers
  return { status: response.status, headers, body: response.body.toString('base64') }
}

describe('cache-hit fast path (end to end)', () => {
  let origin: ScriptedOrigin
  let clock: ManualClock
  let node: TestNode
  let diskNode: TestNode

  before(async () => {
    origin = await startScriptedOrigin()
    clock = createManualClock()
    node = await startTestNode(origin.url, { clock })
    // Bodies above 1 KiB never enter this node's memory tier: hits are read from disk.
    diskNode = await startTestNode(origin.url, { clock, flags: { memoryMaxObjectSizeBytes: '1KiB' } })
  })
  after(async () => {
    await node.stop()
    await diskNode.stop()
    await origin.close()
  })

  const cases: { readonly name: string; readonly status: number; readonly headers: Record<string, string | string[]>; readonly body: string }[] = [
    { name: 'plain', status: 200, headers: { 'cache-control': 'max-age=60', 'content-type': 'text/plain', etag: '"v1"', 'last-modified': 'Mon, 03 Nov 2025 10:00:00 GMT' }, body: 'hello' },
    { name: 'upstream-age-via', status: 200, headers: { 'cache-control': 'public, max-age=600', age: '17', via: '1.1 upstream', 'accept-ranges': 'none', 'set-cookie': ['a=1; Path=/', 'b=2, c; Path=/'] }, body: 'x'.repeat(3000) },
    { name: 'not-found', status: 404, headers: { 'cache-control': 'max-age=30', 'content-type': 'text/html' }, body: '<p>gone</p>' },
    { name: 'expires', status: 200, headers: { date: 'Tue, 14 Nov 2023 22:13:20 GMT', expires: 'Tue, 14 Nov 2023 23:13:20 GMT' }, body: 'e' },
  ]
  for (const testCase of cases) {
    it(`answers a plain GET and HEAD (${testCase.name}) exactly as the general path does`, async () => {
      for (const target of [node, diskNode]) {
        const path = `/fast-${testCase.name}-${target === node ? 'memory' : 'disk'}`
        origin.route(path, (_req, res) => res.writeHead(testCase.status, testCase.headers).end(testCase.body))
        const base = target.node.url
        await send(base, path)
        clock.advance(2500)
        // `max-stale` changes nothing for a fresh response (RFC 9111 §5.2.1.2) but sends the request down the general path.
        const general = { headers: { 'cache-control': 'max-stale' } }
        for (const method of ['GET', 'HEAD']) {
          const fast = await send(base, path, { method })
          const slow = await send(base, path, { method, ...general })
          assert.match(String(fast.headers['cache-status']), /^meson; hit; ttl=\d+$/)
          assert.deepEqual(comparable(fast), comparable(slow))
        }
        assert.equal(origin.count(path), 1)
      }
    })
  }

  it('counts fast hits and their bytes in the metrics', async () => {
    const path = '/fast-metrics'
    origin.route(path, (_req, res) => res.writeHead(200, { 'cache-control': 'max-age=60' }).end('0123456789'))
    await send(node.node.url, path)
    const before = await countersOf(node)
    await send(node.node.url, path)
    await send(node.node.url, path)
    await send(node.node.url, path, { method: 'HEAD' })
    const after = await countersOf(node)
    assert.equal(after.hits - before.hits, 3)
    assert.equal(after.bytes - before.bytes, 20)
  })

  it('leaves Vary, no-cache and stale entries to the general path', async () => {
    const vary = '/fast-vary'
    origin.route(vary, (req, res) => res.writeHead(200, { 'cache-control': 'max-age=60', vary: 'accept-language' }).end(`lang=${req.headers['accept-language'] ?? ''}`))
    await send(node.node.url, vary, { headers: { 'accept-language': 'fr' } })
    // The only stored variant is for "fr"; a request without the field must not get it.
    assert.equal((await send(node.node.url, vary)).body.toString(), 'lang=')
    assert.equal(origin.count(vary), 2)

    const noCache = '/fast-no-cache'
    origin.route(noCache, (_req, res) => res.writeHead(200, { 'cache-control': 'no-cache, max-age=60', etag: '"n"' }).end('n'))
    await send(node.node.url, noCache)
    await send(node.node.url, noCache)
    // RFC 9111 §5.2.2.4: validated on every use, even while fresh.
    assert.equal(origin.count(noCache), 2)

    const stale = '/fast-stale'
    origin.route(stale, (_req, res) => res.writeHead(200, { 'cache-control': 'max-age=1' }).end('s'))
    await send(node.node.url, stale)
    clock.advance(5000)
    const response = await send(node.node.url, stale)
    assert.equal(response.headers['cache-status'], 'meson; fwd=stale; fwd-status=200; stored')
    assert.equal(origin.count(stale), 2)
  })
})

async function countersOf(target: TestNode): Promise<{ hits: number; bytes: number }> {
  const text = (await send(target.node.url, '/_meson/metrics')).body.toString()
  const read = (name: string): number => Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(text)?.[1] ?? 'NaN')
  return { hits: read('meson_node_cache_hits_total'), bytes: read('meson_node_bytes_served_total') }
}
