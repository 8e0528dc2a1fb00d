import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { errorCodeOf, eventually, send, useScriptedNode } from '../../testing/cache-server-fixtures.ts'
import type { ManualClock, ScriptedOrigin, TestNode } from '../../testing/cache-server-fixtures.ts'

describe('caching reverse proxy (RFC 9111 end to end)', () => {
  let origin: ScriptedOrigin
  let clock: ManualClock
  let node: TestNode
  let base: string
  let counter = 0
  const path = (name: string) => `/${name}-${counter++}`
  const text = (status: number, headers: Record<string, string>, body: string) => (path: string) =>
    origin.route(path, (_req, res) => res.writeHead(status, headers).end(body))

  useScriptedNode((world) => {
    ;({ origin, clock, node } = world)
    base = node.node.url
  })

  it('serves a miss from the origin, then a hit from the cache', async () => {
    const p = path('a')
    text(200, { 'cache-control': 'max-age=60', 'content-type': 'text/plain' }, 'hello')(p)
    const first = await send(base, p)
    assert.equal(first.status, 200)
    assert.equal(first.body.toString(), 'hello')
    assert.equal(first.headers['cache-status'], 'meson; fwd=uri-miss; fwd-status=200; stored')
    const second = await send(base, p)
    assert.equal(second.body.toString(), 'hello')
    assert.equal(second.headers['cache-status'], 'meson; hit; ttl=60')
    assert.equal(second.headers['content-type'], 'text/plain')
    assert.equal(second.headers['content-length'], '5')
    assert.equal(origin.count(p), 1)
  })

  it('sends an Age that grows with the clock (RFC 9111 §4.2.3)', async () => {
    const p = path('age')
    text(200, { 'cache-control': 'max-age=100' }, 'x')(p)
    await send(base, p)
    clock.advance(7000)
    const hit = await send(base, p)
    assert.equal(hit.headers.age, '7')
    assert.equal(hit.headers['cache-status'], 'meson; hit; ttl=93')
    clock.advance(5000)
    assert.equal((await send(base, p)).headers.age, '12')
  })

  it('adds Via both ways and X-Forwarded-For towards the origin (RFC 9110 §7.6.3)', async () => {
    const p = path('via')
    text(200, { 'cache-control': 'max-age=60', via: '1.1 upstream' }, 'v')(p)
    const response = await send(base, p, { headers: { 'x-forwarded-for': '203.0.113.9' } })
    assert.equal(response.headers.via, '1.1 upstream, 1.1 meson')
    const seen = origin.lastHeaders.get(p) ?? {}
    assert.equal(seen.via, '1.1 meson')
    assert.equal(seen['x-forwarded-for'], '203.0.113.9, 127.0.0.1')
    assert.equal(seen.host, new URL(origin.url).host)
  })

  it('strips hop-by-hop fields both ways (RFC 9110 §7.6.1)', async () => {
    const p = path('hop')
    origin.route(p, (_req, res) => res.writeHead(200, { 'cache-control': 'max-age=60', connection: 'x-secret', 'x-secret': 's', 'keep-alive': 'timeout=5' }).end('h'))
    const response = await send(base, p, { headers: { connection: 'x-client-only', 'x-client-only': '1' } })
    assert.equal(response.headers['x-secret'], undefined)
    assert.equal(origin.lastHeaders.get(p)?.['x-client-only'], undefined)
  })

  const notStored: readonly (readonly [string, Record<string, string>])[] = [
    ['no-store', { 'cache-control': 'no-store' }],
    ['private', { 'cache-control': 'private, max-age=60' }],
    ['Vary: *', { 'cache-control': 'max-age=60', vary: '*' }],
    ['Set-Cookie without public', { 'cache-control': 'max-age=60', 'set-cookie': 'a=b' }],
  ]
  for (const [name, headers] of notStored) {
    it(`does not store a response with ${name} (RFC 9111 §3)`, async () => {
      const p = path('ns')
      text(200, headers, 'n')(p)
      await send(base, p)
      const second = await send(base, p)
      assert.equal(second.status, 200)
      assert.equal(origin.count(p), 2)
    })
  }

  it('does not reuse a response for a request with Authorization unless allowed (RFC 9111 §3.5)', async () => {
    const p = path('auth')
    text(200, { 'cache-control': 'max-age=60' }, 'secret')(p)
    await send(base, p, { headers: { authorization: 'Bearer x' } })
    await send(base, p)
    assert.equal(origin.count(p), 2)
  })

  it('keeps Vary variants apart (RFC 9111 §4.1)', async () => {
    const p = path('vary')
    origin.route(p, (req, res) => res.writeHead(200, { 'cache-control': 'max-age=60', vary: 'accept-language' }).end(`lang=${req.headers['accept-language'] ?? ''}`))
    assert.equal((await send(base, p, { headers: { 'accept-language': 'en' } })).body.toString(), 'lang=en')
    assert.equal((await send(base, p, { headers: { 'accept-language': 'fr' } })).body.toString(), 'lang=fr')
    const en = await send(base, p, { headers: { 'accept-language': 'en' } })
    assert.equal(en.body.toString(), 'lang=en')
    assert.match(String(en.headers['cache-status']), /hit/)
    assert.equal(origin.count(p), 2)
  })

  it('revalidates a stale response with its ETag and serves the 304-freshened copy (RFC 9111 §4.3)', async () => {
    const p = path('reval')
    let sawConditional = 0
    origin.route(p, (req, res) => {
      if (req.headers['if-none-match'] === '"v1"') {
        sawConditional += 1
        res.writeHead(304, { etag: '"v1"', 'cache-control': 'max-age=10' }).end()
        return
      }
      res.writeHead(200, { etag: '"v1"', 'cache-control': 'max-age=10' }).end('body-v1')
    })
    await send(base, p)
    clock.advance(11_000)
    const revalidated = await send(base, p)
    assert.equal(revalidated.status, 200)
    assert.equal(revalidated.body.toString(), 'body-v1')
    assert.equal(revalidated.headers['cache-status'], 'meson; fwd=stale; fwd-status=304; ttl=10')
    assert.equal(sawConditional, 1)
    const hit = await send(base, p)
    assert.equal(hit.headers['cache-status'], 'meson; hit; ttl=10')
    assert.equal(origin.count(p), 2)
  })

  it('replaces a stale response when the origin answers 200 to the revalidation', async () => {
    const p = path('replace')
    let version = 1
    origin.route(p, (_req, res) => res.writeHead(200, { etag: `"v${version}"`, 'cache-control': 'max-age=10' }).end(`v${version}`))
    await send(base, p)
    version = 2
    clock.advance(11_000)
    assert.equal((await send(base, p)).body.toString(), 'v2')
    await eventually(async () => (await send(base, p, { headers: { 'cache-control': 'only-if-cached' } })).body.toString() === 'v2')
  })

  it('answers If-None-Match from the cache with 304 (RFC 9110 §13.2.2; If-Match goes to the origin, validation-conformance.test.ts)', async () => {
    const p = path('cond')
    text(200, { etag: '"abc"', 'cache-control': 'max-age=60' }, 'conditional')(p)
    await send(base, p)
    const notModified = await send(base, p, { headers: { 'if-none-match': '"abc"' } })
    assert.equal(notModified.status, 304)
    assert.equal(notModified.body.length, 0)
    assert.equal(notModified.headers.etag, '"abc"')
    assert.equal(origin.count(p), 1)
  })

  it('answers a conditional miss with 304 while still storing the full response', async () => {
    const p = path('condmiss')
    text(200, { etag: '"m"', 'cache-control': 'max-age=60' }, 'full body')(p)
    const first = await send(base, p, { headers: { 'if-none-match': '"m"' } })
    assert.equal(first.status, 304)
    assert.equal(origin.lastHeaders.get(p)?.['if-none-match'], undefined)
    await eventually(async () => (await send(base, p, { headers: { 'cache-control': 'only-if-cached' } })).status === 200)
    assert.equal(origin.count(p), 1)
  })

  it('serves Range requests on a hit: 206, suffix, 416, If-Range (RFC 9110 §14)', async () => {
    const p = path('range')
    text(200, { etag: '"r"', 'cache-control': 'max-age=60' }, '0123456789')(p)
    await send(base, p)
    const partial = await send(base, p, { headers: { range: 'bytes=2-5' } })
    assert.equal(partial.status, 206)
    assert.equal(partial.body.toString(), '2345')
    assert.equal(partial.headers['content-range'], 'bytes 2-5/10')
    const suffix = await send(base, p, { headers: { range: 'bytes=-3' } })
    assert.equal(suffix.body.toString(), '789')
    const unsatisfiable = await send(base, p, { headers: { range: 'bytes=50-' } })
    assert.equal(unsatisfiable.status, 416)
    assert.equal(unsatisfiable.headers['content-range'], 'bytes */10')
    const staleValidator = await send(base, p, { headers: { range: 'bytes=0-1', 'if-range': '"old"' } })
    assert.equal(staleValidator.status, 200)
    assert.equal(staleValidator.body.toString(), '0123456789')
    assert.equal(origin.count(p), 1)
  })

  it('forwards a Range miss and stores the 206; once the part shows the object is small, one whole fill answers every later range', async () => {
    const p = path('rangemiss')
    const body = 'abcdefghijklmnopqrstuvwxyz'
    origin.route(p, (req, res) => {
      const match = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? '')
      if (match === null) return res.writeHead(200, { 'cache-control': 'max-age=60', 'content-length': String(body.length) }).end(body)
      const start = Number(match[1])
      const end = Number(match[2])
      res.writeHead(206, { 'cache-control': 'max-age=60', 'content-range': `bytes ${start}-${end}/${body.length}` }).end(body.slice(start, end + 1))
    })
    const partial = await send(base, p, { headers: { range: 'bytes=3-5' } })
    assert.equal(partial.status, 206)
    assert.equal(partial.body.toString(), 'def')
    assert.equal(partial.headers['content-range'], `bytes 3-5/${body.length}`)
    assert.equal(origin.lastHeaders.get(p)?.range, 'bytes=3-5')
    const covered = await send(base, p, { headers: { range: 'bytes=4-5' } })
    assert.equal(covered.body.toString(), 'ef')
    assert.equal(covered.headers['content-length'], '2')
    assert.equal(covered.headers['content-range'], `bytes 4-5/${body.length}`)
    assert.match(String(covered.headers['cache-status']), /; hit/)
    assert.equal(origin.count(p), 1)
    const uncovered = await send(base, p, { headers: { range: 'bytes=0-2' } })
    assert.equal(uncovered.body.toString(), 'abc')
    assert.equal(origin.count(p), 2)
    assert.equal(origin.lastHeaders.get(p)?.range, undefined)
    const hit = await send(base, p, { headers: { range: 'bytes=20-22' } })
    assert.equal(hit.body.toString(), 'uvw')
    assert.match(String(hit.headers['cache-status']), /; hit/)
    assert.equal(origin.count(p), 2)
  })

  it('answers an unsatisfiable Range miss with 416 and still stores the object (origin asked once)', async () => {
    const p = path('rangemiss416')
    text(200, { 'cache-control': 'max-age=60', 'content-length': '4' }, 'abcd')(p)
    const unsatisfiable = await send(base, p, { headers: { range: 'bytes=10-' } })
    assert.equal(unsatisfiable.status, 416)
    assert.equal(unsatisfiable.headers['content-range'], 'bytes */4')
    assert.equal((await send(base, p)).headers['cache-status'], 'meson; hit; ttl=60')
    assert.equal(origin.count(p), 1)
  })

  it('answers a Range miss on a body of unknown length with the whole 200 (RFC 9110 §14.2 "MAY ignore")', async () => {
    const p = path('rangechunked')
    origin.route(p, (_req, res) => {
      res.writeHead(200, { 'cache-control': 'max-age=60' })
      res.write('ab')
      res.end('cd')
    })
    const whole = await send(base, p, { headers: { range: 'bytes=1-2' } })
    assert.equal(whole.status, 200)
    assert.equal(whole.body.toString(), 'abcd')
    assert.equal((await send(base, p, { headers: { range: 'bytes=1-2' } })).body.toString(), 'bc')
    assert.equal(origin.count(p), 1)
  })

  it('answers HEAD from a stored GET, without a body', async () => {
    const p = path('head')
    text(200, { 'cache-control': 'max-age=60' }, 'head body')(p)
    await send(base, p)
    const head = await send(base, p, { method: 'HEAD' })
    assert.equal(head.status, 200)
    assert.equal(head.headers['content-length'], '9')
    assert.equal(head.body.length, 0)
    assert.equal(origin.count(p), 1)
  })

  it('invalidates the target of a successful POST (RFC 9111 §4.4)', async () => {
    const p = path('post')
    origin.route(p, (req, res) => {
      if (req.method === 'POST') return void req.resume().on('end', () => res.writeHead(201, {}).end('created'))
      res.writeHead(200, { 'cache-control': 'max-age=60' }).end('resource')
    })
    await send(base, p)
    const post = await send(base, p, { method: 'POST', body: 'payload' })
    assert.equal(post.status, 201)
    assert.equal(post.body.toString(), 'created')
    await send(base, p)
    assert.equal(origin.count(p), 3)
  })

  it('serves stale-while-revalidate and refreshes in the background (RFC 5861 §3)', async () => {
    const p = path('swr')
    let version = 1
    origin.route(p, (_req, res) => res.writeHead(200, { 'cache-control': 'max-age=1, stale-while-revalidate=60' }).end(`v${version}`))
    await send(base, p)
    version = 2
    clock.advance(5000)
    const stale = await send(base, p)
    assert.equal(stale.body.toString(), 'v1')
    assert.match(String(stale.headers['cache-status']), /hit; ttl=-4; detail=stale-while-revalidate/)
    await eventually(async () => (await send(base, p, { headers: { 'cache-control': 'only-if-cached' } })).body.toString() === 'v2')
    assert.equal(origin.count(p), 2)
  })

  it('serves stale-if-error when the origin fails (RFC 5861 §4)', async () => {
    const p = path('sie')
    let isDown = false
    origin.route(p, (req, res) => {
      if (isDown) return req.socket.destroy()
      res.writeHead(200, { 'cache-control': 'max-age=1, stale-if-error=600' }).end('still here')
    })
    await send(base, p)
    isDown = true
    clock.advance(10_000)
    const stale = await send(base, p)
    assert.equal(stale.status, 200)
    assert.equal(stale.body.toString(), 'still here')
    assert.match(String(stale.headers['cache-status']), /fwd=stale; ttl=-9; detail=stale-if-error/)
  })

  it('answers 502 for a stale response the origin fails to revalidate without stale-if-error', async () => {
    const p = path('noerr')
    let isDown = false
    origin.route(p, (req, res) => {
      if (isDown) return req.socket.destroy()
      res.writeHead(200, { 'cache-control': 'max-age=1' }).end('x')
    })
    await send(base, p)
    isDown = true
    clock.advance(10_000)
    const failed = await send(base, p)
    assert.equal(failed.status, 502)
    assert.equal(errorCodeOf(failed), 'ORIGIN_RESET')
  })

  it('answers only-if-cached with 504 when nothing is stored (RFC 9111 §5.2.1.7)', async () => {
    const p = path('oic')
    text(200, { 'cache-control': 'max-age=60' }, 'x')(p)
    const response = await send(base, p, { headers: { 'cache-control': 'only-if-cached' } })
    assert.equal(response.status, 504)
    assert.equal(origin.count(p), 0)
  })

  it('passes traversal-looking paths to the origin byte for byte, as ordinary paths', async () => {
    const seen: string[] = []
    origin.route('*', (req, res) => {
      seen.push(req.url ?? '')
      res.writeHead(200, { 'cache-control': 'max-age=60' }).end('ordinary')
    })
    for (const target of ['/../../etc/passwd', '/%2e%2e%2f%2e%2e%2fetc%2fpasswd', '/a/..%2f..%2fb']) {
      const response = await send(base, target)
      assert.equal(response.status, 200)
      assert.equal(response.body.toString(), 'ordinary')
    }
    assert.deepEqual(seen, ['/../../etc/passwd', '/%2e%2e%2f%2e%2e%2fetc%2fpasswd', '/a/..%2f..%2fb'])
  })
})
