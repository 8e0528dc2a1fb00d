import assert from 'node:assert/strict'
import type { OutgoingHttpHeaders } from 'node:http'
import { describe, it } from 'node:test'
import { eventually, send, useScriptedNode } from '../../testing/cache-server-fixtures.ts'
import type { ManualClock, ScriptedOrigin, TestNode } from '../../testing/cache-server-fixtures.ts'

/**
 * RFC 9111 validation, Vary and invalidation, and RFC 9110 conditionals, ranges and HEAD
 * on stored responses, checked from outside as the http-tests cache-tests suite does: a
 * real origin on loopback, a real standalone node (fast connections on).
 */
describe('validation, conditional, range and invalidation conformance (RFC 9111 §4, RFC 9110 §13, §14)', () => {
  let origin: ScriptedOrigin
  let clock: ManualClock
  let node: TestNode
  let base: string
  let counter = 0
  const path = (name: string) => `/valid-${name}-${counter++}`
  const httpDate = (offsetSeconds: number) => new Date(clock.nowMs() + offsetSeconds * 1000).toUTCString()
  const serve = (p: string, status: number, headers: OutgoingHttpHeaders, body = 'abcdefghij') => {
    origin.route(p, (_req, res) => res.writeHead(status, headers).end(body))
  }

  useScriptedNode((world) => {
    ;({ origin, clock, node } = world)
    base = node.node.url
  })

  describe('revalidation (§4.3)', () => {
    it('validates with If-Modified-Since when only Last-Modified is stored, and a 304 updates the stored fields (§4.3.1, §4.3.4)', async () => {
      const p = path('lm')
      const lastModified = httpDate(-3600)
      origin.route(p, (req, res) => {
        if (req.headers['if-modified-since'] === lastModified) {
          res.writeHead(304, { 'cache-control': 'max-age=100', 'x-version': 'two', 'last-modified': lastModified }).end()
          return
        }
        res.writeHead(200, { 'cache-control': 'max-age=10', 'last-modified': lastModified, 'x-version': 'one' }).end('lm body')
      })
      await send(base, p)
      clock.advance(20_000)
      const revalidated = await send(base, p)
      assert.equal(origin.lastHeaders.get(p)?.['if-modified-since'], lastModified)
      assert.equal(revalidated.status, 200)
      assert.equal(revalidated.body.toString(), 'lm body')
      assert.equal(revalidated.headers['x-version'], 'two')
      clock.advance(50_000)
      const hit = await send(base, p)
      assert.equal(origin.count(p), 2, 'the 304 gave the stored response max-age=100')
      assert.equal(hit.headers['x-version'], 'two')
      assert.equal(hit.headers['cache-control'], 'max-age=100')
    })

    it('sends the stored ETag as it is in If-None-Match, weak or not (§4.3.1)', async () => {
      const p = path('weak')
      origin.route(p, (req, res) => {
        if (req.headers['if-none-match'] === 'W/"w1"') return void res.writeHead(304, { etag: 'W/"w1"' }).end()
        res.writeHead(200, { 'cache-control': 'max-age=1', etag: 'W/"w1"' }).end('weak')
      })
      await send(base, p)
      clock.advance(5000)
      const response = await send(base, p)
      assert.equal(response.body.toString(), 'weak')
      assert.match(String(response.headers['cache-status']), /fwd-status=304/)
    })

    for (const [name, cacheControl] of [['private', 'private, max-age=600'], ['no-store', 'no-store, max-age=600']] as const) {
      for (const isBackground of [false, true]) {
        it(`drops a stored response that a ${isBackground ? 'background ' : ''}304 marks ${name}: no other client gets it (§3, §4.3.4)`, async () => {
          const p = path(`304-${name}`)
          let notModified = 0
          origin.route(p, (req, res) => {
            if (req.headers['if-none-match'] === '"s1"') {
              notModified++
              return void res.writeHead(304, { etag: '"s1"', 'cache-control': cacheControl }).end()
            }
            res.writeHead(200, { 'cache-control': `max-age=1${isBackground ? ', stale-while-revalidate=600' : ''}`, etag: '"s1"' }).end(`full ${origin.count(p)}`)
          })
          await send(base, p)
          clock.advance(5000)
          const revalidated = await send(base, p)
          assert.equal(revalidated.body.toString(), 'full 1', 'the client that validated gets the stored body')
          await eventually(() => notModified === 1)
          // The entry is removed after the validating client was answered (a background
          // refresh's only after it ends): from then on every request reaches the origin.
          // Before the fix the freshened copy (max-age=600) was a hit for everybody.
          await eventually(async () => {
            const before = origin.count(p)
            await send(base, p)
            return origin.count(p) > before
          })
        })
      }
    }

    const qualified: ReadonlyArray<readonly [string, string]> = [
      ['no-cache="a, b"', 'no-cache="a, b", max-age=600'],
      ['private="a, b"', 'private="a, b", max-age=600'],
      ['no-cache="a" and private="b" together', 'no-cache="a", max-age=600, private="b"'],
    ]
    for (const [name, cacheControl] of qualified) {
      it(`stores a response with ${name} without the listed fields and reuses the rest (§5.2.2.4, §5.2.2.7)`, async () => {
        const p = path('qualified')
        serve(p, 200, { 'cache-control': cacheControl, a: '1', b: '2', c: '3' })
        const miss = await send(base, p)
        assert.equal(miss.headers.a, '1', 'the client that caused the fill gets every field')
        const hit = await send(base, p)
        assert.equal(origin.count(p), 1)
        assert.equal(hit.headers.a, undefined)
        assert.equal(hit.headers.b, undefined)
        assert.equal(hit.headers.c, '3')
      })
    }

    it('stores a response with Set-Cookie when a qualified no-cache leaves the cookie out, and never replays the cookie', async () => {
      const p = path('cookie')
      serve(p, 200, { 'cache-control': 'max-age=600, no-cache="Set-Cookie"', 'set-cookie': 'session=one' })
      assert.equal((await send(base, p)).headers['set-cookie']?.[0], 'session=one')
      const hit = await send(base, p)
      assert.equal(origin.count(p), 1)
      assert.equal(hit.headers['set-cookie'], undefined)
    })

    it('keeps a qualified no-cache field out of the store when a 304 brings it (§4.3.4)', async () => {
      const p = path('qualified-304')
      origin.route(p, (req, res) => {
        if (req.headers['if-none-match'] === '"q"') return void res.writeHead(304, { etag: '"q"', 'cache-control': 'max-age=600, no-cache="x-secret"', 'x-secret': 'new' }).end()
        res.writeHead(200, { 'cache-control': 'max-age=1', etag: '"q"' }).end('q')
      })
      await send(base, p)
      clock.advance(5000)
      await send(base, p)
      const hit = await send(base, p)
      assert.equal(origin.count(p), 2)
      assert.equal(hit.headers['x-secret'], undefined)
    })

    it('revalidates a no-cache response on every request, even when fresh (§5.2.2.4)', async () => {
      const p = path('no-cache')
      origin.route(p, (req, res) => {
        if (req.headers['if-none-match'] === '"nc"') return void res.writeHead(304, { etag: '"nc"' }).end()
        res.writeHead(200, { 'cache-control': 'max-age=600, no-cache', etag: '"nc"' }).end('nc')
      })
      await send(base, p)
      const second = await send(base, p)
      const third = await send(base, p)
      assert.equal(origin.count(p), 3)
      assert.equal(second.body.toString(), 'nc')
      assert.equal(third.body.toString(), 'nc')
    })
  })

  describe('client conditionals answered from the cache (RFC 9110 §13.1, §13.2)', () => {
    const stored = (p: string) => serve(p, 200, { 'cache-control': 'max-age=600', etag: '"v1"', 'last-modified': httpDate(-3600), date: httpDate(0) })
    const cases: ReadonlyArray<readonly [string, Record<string, string>, number]> = [
      ['If-None-Match with the same strong tag', { 'if-none-match': '"v1"' }, 304],
      ['If-None-Match with the weak form of the tag (weak comparison)', { 'if-none-match': 'W/"v1"' }, 304],
      ['If-None-Match with a list holding the tag', { 'if-none-match': '"a", "v1" , "b"' }, 304],
      ['If-None-Match: *', { 'if-none-match': '*' }, 304],
      ['If-None-Match with another tag', { 'if-none-match': '"v2"' }, 200],
      ['If-None-Match with another tag beats a matching If-Modified-Since', { 'if-none-match': '"v2"', 'if-modified-since': 'DATE+0' }, 200],
      ['If-Modified-Since at Last-Modified', { 'if-modified-since': 'DATE-3600' }, 304],
      ['If-Modified-Since before Last-Modified', { 'if-modified-since': 'DATE-7200' }, 200],
      ['If-Modified-Since that is not a date', { 'if-modified-since': 'yesterday' }, 200],
    ]
    for (const [name, conditionals, expected] of cases) {
      it(`${name} → ${expected}`, async () => {
        const p = path('cond')
        stored(p)
        await send(base, p)
        const headers: Record<string, string> = {}
        for (const [field, value] of Object.entries(conditionals)) {
          const offset = /^DATE([+-]\d+)$/.exec(value)?.[1]
          headers[field] = offset === undefined ? value : httpDate(Number(offset))
        }
        const response = await send(base, p, { headers })
        assert.equal(response.status, expected)
        assert.equal(origin.count(p), 1)
        if (expected === 304) {
          assert.equal(response.body.length, 0)
          // RFC 9110 §15.4.5: a 304 carries the fields a 200 would have that describe caching.
          assert.equal(response.headers.etag, '"v1"')
          assert.equal(response.headers['cache-control'], 'max-age=600')
        }
      })
    }

    it('answers If-Modified-Since from the stored Date when the response has no Last-Modified (RFC 9111 §4.3.2)', async () => {
      const p = path('ims-date')
      serve(p, 200, { 'cache-control': 'max-age=600', date: httpDate(-60) })
      await send(base, p)
      assert.equal((await send(base, p, { headers: { 'if-modified-since': httpDate(-60) } })).status, 304)
      assert.equal((await send(base, p, { headers: { 'if-modified-since': httpDate(-120) } })).status, 200)
      assert.equal(origin.count(p), 1)
    })

    for (const [name, conditional] of [['If-Match', { 'if-match': '"v1"' }], ['If-Unmodified-Since', { 'if-unmodified-since': 'Thu, 01 Jan 2015 00:00:00 GMT' }]] as const) {
      it(`sends ${name} to the origin as it is, never evaluating it against a stored response (RFC 9111 §4.3.2)`, async () => {
        const p = path('origin-only')
        origin.route(p, (req, res) => {
          if (req.headers['if-match'] !== undefined || req.headers['if-unmodified-since'] !== undefined) return void res.writeHead(412).end()
          res.writeHead(200, { 'cache-control': 'max-age=600', etag: '"v1"', 'last-modified': 'Thu, 01 Jan 2015 00:00:00 GMT' }).end('stored')
        })
        await send(base, p)
        const response = await send(base, p, { headers: conditional })
        assert.equal(response.status, 412, 'the origin\'s answer, not one the cache computed (it would say 200)')
        assert.equal(origin.count(p), 2)
        assert.equal(origin.lastHeaders.get(p)?.[name.toLowerCase()], Object.values(conditional)[0])
        assert.equal((await send(base, p)).body.toString(), 'stored', 'the stored response is untouched')
        assert.equal(origin.count(p), 2)
      })
    }

    for (const status of [404, 410, 301]) {
      it(`ignores preconditions on a stored ${status}: the answer would not be 2xx (RFC 9110 §13.2.1)`, async () => {
        const p = path(`cond${status}`)
        serve(p, status, { 'cache-control': 'max-age=600', etag: '"gone"', 'last-modified': httpDate(-3600), location: '/elsewhere' }, 'not here')
        await send(base, p)
        for (const headers of [{ 'if-none-match': '*' }, { 'if-none-match': '"gone"' }, { 'if-modified-since': httpDate(0) }]) {
          const response = await send(base, p, { headers })
          assert.equal(response.status, status, JSON.stringify(headers))
        }
        assert.equal(origin.count(p), 1)
      })
    }
  })

  describe('Range on a stored response (RFC 9110 §14)', () => {
    const stored = (p: string) => serve(p, 200, { 'cache-control': 'max-age=600', etag: '"r1"', 'last-modified': httpDate(-3600), date: httpDate(0) }, '0123456789')
    const cases: ReadonlyArray<readonly [string, Record<string, string>, number, string, string | undefined]> = [
      ['a single range', { range: 'bytes=2-4' }, 206, '234', 'bytes 2-4/10'],
      ['an open range', { range: 'bytes=7-' }, 206, '789', 'bytes 7-9/10'],
      ['a suffix range', { range: 'bytes=-3' }, 206, '789', 'bytes 7-9/10'],
      ['a suffix longer than the body', { range: 'bytes=-30' }, 206, '0123456789', 'bytes 0-9/10'],
      ['a last-pos past the end (clamped)', { range: 'bytes=8-100' }, 206, '89', 'bytes 8-9/10'],
      ['an unsatisfiable range', { range: 'bytes=10-20' }, 416, '', 'bytes */10'],
      ['an unknown range unit', { range: 'pages=1-2' }, 200, '0123456789', undefined],
      ['an invalid range', { range: 'bytes=5-2' }, 200, '0123456789', undefined],
      ['If-Range with the strong ETag', { range: 'bytes=0-1', 'if-range': '"r1"' }, 206, '01', 'bytes 0-1/10'],
      ['If-Range with another ETag', { range: 'bytes=0-1', 'if-range': '"r2"' }, 200, '0123456789', undefined],
      ['If-Range with a weak ETag', { range: 'bytes=0-1', 'if-range': 'W/"r1"' }, 200, '0123456789', undefined],
      ['If-Range with the Last-Modified date', { range: 'bytes=0-1', 'if-range': 'LM' }, 206, '01', 'bytes 0-1/10'],
    ]
    for (const [name, requestHeaders, status, body, contentRange] of cases) {
      it(`${name} → ${status}`, async () => {
        const p = path('range')
        stored(p)
        const lastModified = httpDate(-3600)
        await send(base, p)
        const headers = Object.fromEntries(Object.entries(requestHeaders).map(([field, value]) => [field, value === 'LM' ? lastModified : value]))
        const response = await send(base, p, { headers })
        assert.equal(response.status, status)
        assert.equal(response.body.toString(), body)
        assert.equal(response.headers['content-range'], contentRange)
        assert.equal(origin.count(p), 1)
      })
    }

    it('ignores Range on a HEAD: range handling is defined for GET only (RFC 9110 §14.2)', async () => {
      const p = path('head-range')
      stored(p)
      await send(base, p)
      for (const range of ['bytes=0-1', 'bytes=50-60', 'bytes=0-1,4-5']) {
        const response = await send(base, p, { method: 'HEAD', headers: { range } })
        assert.equal(response.status, 200, range)
        assert.equal(response.headers['content-length'], '10')
        assert.equal(response.headers['content-range'], undefined)
      }
      assert.equal(origin.count(p), 1)
    })
  })

  describe('HEAD (RFC 9110 §9.3.2, RFC 9111 §4)', () => {
    it('answers HEAD from a stored GET with the same fields and no body', async () => {
      const p = path('head')
      serve(p, 200, { 'cache-control': 'max-age=600', 'content-type': 'text/plain', etag: '"h"' })
      await send(base, p)
      const get = await send(base, p)
      const head = await send(base, p, { method: 'HEAD' })
      assert.equal(head.status, 200)
      assert.equal(head.body.length, 0)
      assert.equal(head.headers['content-length'], get.headers['content-length'])
      assert.equal(head.headers.etag, '"h"')
      assert.equal(origin.count(p), 1)
    })
    it('does not store the answer to a HEAD miss for a later GET', async () => {
      const p = path('head-miss')
      serve(p, 200, { 'cache-control': 'max-age=600' })
      await send(base, p, { method: 'HEAD' })
      const get = await send(base, p)
      assert.equal(get.body.toString(), 'abcdefghij')
      assert.equal(origin.count(p), 2)
    })
  })

  describe('Vary (§4.1)', () => {
    it('matches request fields case-insensitively by name and needs absent to match absent', async () => {
      const p = path('vary')
      origin.route(p, (req, res) => res.writeHead(200, { 'cache-control': 'max-age=600', vary: 'X-Lang, X-Mode' }).end(`${String(req.headers['x-lang'] ?? '-')}/${String(req.headers['x-mode'] ?? '-')}`))
      assert.equal((await send(base, p, { headers: { 'x-lang': 'en' } })).body.toString(), 'en/-')
      assert.equal((await send(base, p, { headers: { 'X-LANG': 'en' } })).body.toString(), 'en/-')
      assert.equal(origin.count(p), 1)
      assert.equal((await send(base, p, { headers: { 'x-lang': 'en', 'x-mode': '' } })).body.toString(), 'en/')
      assert.equal((await send(base, p, { headers: { 'x-lang': 'fr' } })).body.toString(), 'fr/-')
      assert.equal((await send(base, p)).body.toString(), '-/-')
      assert.equal(origin.count(p), 4)
      assert.equal((await send(base, p, { headers: { 'x-lang': 'en' } })).body.toString(), 'en/-')
      assert.equal((await send(base, p, { headers: { 'x-lang': 'fr' } })).body.toString(), 'fr/-')
      assert.equal(origin.count(p), 4, 'each variant stays stored')
    })
    it('never reuses a response with Vary: * among other names (§4.1)', async () => {
      const p = path('vary-star')
      serve(p, 200, { 'cache-control': 'max-age=600', vary: 'accept, *' })
      await send(base, p)
      await send(base, p)
      assert.equal(origin.count(p), 2)
    })
  })

  describe('invalidation by unsafe methods (§4.4)', () => {
    // MKCOL stands for a method whose safety the cache does not know (node:http's parser
    // refuses method names it has no entry for, such as FOO, with a 400 before the cache).
    const invalidating = ['POST', 'PUT', 'DELETE', 'PATCH', 'MKCOL']
    for (const method of invalidating) {
      it(`${method} with a 2xx invalidates the target URI`, async () => {
        const p = path(`inv-${method}`)
        origin.route(p, (req, res) => {
          if (req.method !== 'GET') return void res.writeHead(204).end()
          res.writeHead(200, { 'cache-control': 'max-age=600' }).end(`v${origin.count(p)}`)
        })
        await send(base, p)
        await send(base, p, { method, body: 'x' })
        assert.equal((await send(base, p)).body.toString(), 'v3')
      })
    }
    it('does not invalidate on an error status (§4.4 "non-error status code")', async () => {
      const p = path('inv-error')
      origin.route(p, (req, res) => {
        if (req.method !== 'GET') return void res.writeHead(409).end()
        res.writeHead(200, { 'cache-control': 'max-age=600' }).end('kept')
      })
      await send(base, p)
      await send(base, p, { method: 'POST', body: 'x' })
      await send(base, p)
      assert.equal(origin.count(p), 2)
    })
    it('invalidates same-origin Location and Content-Location, never another origin\'s (§4.4)', async () => {
      const target = path('inv-target')
      const located = path('inv-location')
      const contentLocated = path('inv-content-location')
      const elsewhere = path('inv-elsewhere')
      for (const p of [located, contentLocated, elsewhere]) serve(p, 200, { 'cache-control': 'max-age=600' })
      origin.route(target, (_req, res) => res.writeHead(201, { location: located, 'content-location': `${origin.url}${contentLocated}` }).end())
      const other = path('inv-other')
      origin.route(other, (_req, res) => res.writeHead(200, { location: `http://other.invalid${elsewhere}` }).end())
      for (const p of [located, contentLocated, elsewhere]) await send(base, p)
      await send(base, target, { method: 'POST', body: 'x' })
      await send(base, other, { method: 'POST', body: 'x' })
      for (const p of [located, contentLocated, elsewhere]) await send(base, p)
      assert.equal(origin.count(located), 2)
      assert.equal(origin.count(contentLocated), 2)
      assert.equal(origin.count(elsewhere), 1)
    })
  })
})
