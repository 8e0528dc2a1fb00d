import assert from 'node:assert/strict'
import type { OutgoingHttpHeaders } from 'node:http'
import { describe, it } from 'node:test'
import { send, useScriptedNode } from '../../testing/cache-server-fixtures.ts'
import type { ManualClock, ScriptedOrigin, TestNode } from '../../testing/cache-server-fixtures.ts'

/**
 * RFC 9111 freshness and storage, checked from outside as the http-tests cache-tests
 * suite does: a real origin on loopback, a real standalone node (fast connections on),
 * the node's clock moved by hand. Each case asks twice (or more) and counts what the
 * origin saw: a reuse is a second request the origin never got.
 */
describe('freshness and storage conformance (RFC 9111 §3, §4.2, §5.2)', () => {
  let origin: ScriptedOrigin
  let clock: ManualClock
  let node: TestNode
  let base: string
  let counter = 0
  const path = (name: string) => `/fresh-${name}-${counter++}`
  const httpDate = (offsetSeconds: number) => new Date(clock.nowMs() + offsetSeconds * 1000).toUTCString()
  /** Routes `p` to answer `status` with `headers` (a function is called per request) and a numbered body. */
  const serve = (p: string, status: number, headers: OutgoingHttpHeaders | (() => OutgoingHttpHeaders)) => {
    origin.route(p, (_req, res) => {
      res.writeHead(status, typeof headers === 'function' ? headers() : headers)
      res.end(status === 204 || status === 304 ? undefined : `body ${origin.count(p)}`)
    })
  }
  /** Asks twice, `gapSeconds` apart, and returns how many requests reached the origin. */
  const twice = async (p: string, gapSeconds = 0, requestHeaders: Record<string, string> = {}) => {
    await send(base, p, { headers: requestHeaders })
    clock.advance(gapSeconds * 1000)
    const second = await send(base, p, { headers: requestHeaders })
    return { second, originRequests: origin.count(p) }
  }

  useScriptedNode((world) => {
    ;({ origin, clock, node } = world)
    base = node.node.url
  })

  describe('explicit freshness (§4.2.1)', () => {
    const cases: ReadonlyArray<readonly [string, () => OutgoingHttpHeaders, number, boolean]> = [
      ['max-age is fresh before it runs out', () => ({ 'cache-control': 'max-age=30' }), 10, true],
      ['max-age is stale after it runs out', () => ({ 'cache-control': 'max-age=30' }), 31, false],
      ['s-maxage is used over max-age by a shared cache', () => ({ 'cache-control': 'max-age=1, s-maxage=60' }), 10, true],
      ['s-maxage=0 overrides a long max-age', () => ({ 'cache-control': 'max-age=3600, s-maxage=0' }), 0, false],
      ['Expires − Date gives the lifetime', () => ({ date: httpDate(0), expires: httpDate(30) }), 10, true],
      ['Expires − Date runs out', () => ({ date: httpDate(0), expires: httpDate(30) }), 31, false],
      ['Expires without Date is measured from the response time', () => ({ expires: httpDate(30) }), 10, true],
      ['an Expires in the past is stale', () => ({ date: httpDate(0), expires: httpDate(-30) }), 0, false],
      ['Expires: 0 (an invalid date) is already expired (§5.3)', () => ({ date: httpDate(0), expires: '0' }), 0, false],
      ['max-age wins over an Expires in the past', () => ({ 'cache-control': 'max-age=60', date: httpDate(0), expires: httpDate(-30) }), 10, true],
      ['an invalid Date counts as the response time (no apparent age)', () => ({ 'cache-control': 'max-age=60', date: 'yesterday' }), 10, true],
      ['a Date an hour ago ages the response (apparent age)', () => ({ 'cache-control': 'max-age=60', date: httpDate(-3600) }), 0, false],
      ['an origin Age counts against max-age', () => ({ 'cache-control': 'max-age=60', age: '50' }), 15, false],
      ['an origin Age below max-age leaves it fresh', () => ({ 'cache-control': 'max-age=60', age: '10' }), 15, true],
      ['an invalid origin Age is ignored (§5.1)', () => ({ 'cache-control': 'max-age=60', age: 'soon' }), 10, true],
    ]
    for (const [name, headers, gap, isReused] of cases) {
      it(name, async () => {
        const p = path('explicit')
        serve(p, 200, headers)
        const { second, originRequests } = await twice(p, gap)
        assert.equal(second.status, 200)
        assert.equal(originRequests, isReused ? 1 : 2, isReused ? 'expected a hit' : 'expected the origin to be asked again')
      })
    }

    it('records the time a response without Date was received as its Date, and never changes it on hits (RFC 9110 §6.6.1)', async () => {
      const p = path('no-date')
      serve(p, 200, { 'cache-control': 'max-age=600' })
      const received = httpDate(0)
      const miss = await send(base, p)
      clock.advance(30_000)
      // A precondition sends the request down the general path; a plain GET takes the fast one.
      const hit = await send(base, p, { headers: { 'if-none-match': '"other"' } })
      clock.advance(30_000)
      const plainHit = await send(base, p)
      assert.equal(origin.count(p), 1)
      assert.equal(miss.headers.date, received)
      assert.equal(hit.headers.date, received)
      assert.equal(plainHit.headers.date, received)
      assert.equal(plainHit.headers.age, '60')
    })

    const delayed: ReadonlyArray<readonly [string, number | undefined, string]> = [
      ['age_value + response_delay when it is the larger', undefined, '15'],
      ['apparent_age (response_time − Date) when it is the larger', -30, '35'],
    ]
    for (const [name, dateOffset, expectedAge] of delayed) {
      it(`takes corrected_initial_age as ${name} (§4.2.3)`, async () => {
        const p = path('delay')
        origin.route(p, (_req, res) => {
          // The origin takes 5 s on the node's clock: response_delay = 5 s.
          const headers: OutgoingHttpHeaders = { 'cache-control': 'max-age=600', age: '10' }
          if (dateOffset !== undefined) headers.date = httpDate(dateOffset)
          clock.advance(5000)
          res.writeHead(200, headers).end('slow')
        })
        await send(base, p)
        const hit = await send(base, p)
        assert.equal(origin.count(p), 1)
        assert.equal(hit.headers.age, expectedAge)
      })
    }

    it('adds the origin Age to the resident time in the Age it sends (§4.2.3, §5.1)', async () => {
      const p = path('age')
      serve(p, 200, { 'cache-control': 'max-age=600', age: '100' })
      await send(base, p)
      clock.advance(20_000)
      const hit = await send(base, p)
      assert.equal(hit.headers.age, '120')
      assert.match(String(hit.headers['cache-status']), /; hit; ttl=480$/)
    })
  })

  describe('heuristic freshness (§4.2.2) and statuses cacheable by default (RFC 9110 §15.1)', () => {
    const heuristic = () => ({ date: httpDate(0), 'last-modified': httpDate(-100 * 24 * 3600) })
    for (const status of [200, 203, 204, 300, 301, 308, 404, 405, 410, 414, 501]) {
      it(`reuses a ${status} with only a Last-Modified`, async () => {
        const p = path(`h${status}`)
        serve(p, status, heuristic)
        const { second, originRequests } = await twice(p, 60)
        assert.equal(second.status, status)
        assert.equal(originRequests, 1)
      })
    }
    for (const status of [201, 202, 302, 303, 307, 400, 403, 409, 500, 502, 503]) {
      it(`does not reuse a ${status} with only a Last-Modified`, async () => {
        const p = path(`n${status}`)
        serve(p, status, heuristic)
        const { second, originRequests } = await twice(p, 1)
        assert.equal(second.status, status)
        assert.equal(originRequests, 2)
      })
    }
    for (const status of [203, 299, 302, 303, 307, 400, 499, 500, 502, 503, 504, 599]) {
      it(`reuses a ${status} with an explicit max-age while fresh, and not once stale (§3: any final status with explicit freshness)`, async () => {
        const p = path(`x${status}`)
        serve(p, status, { 'cache-control': 'max-age=60' })
        const { second, originRequests } = await twice(p, 10)
        assert.equal(second.status, status)
        assert.equal(originRequests, 1)
        clock.advance(60_000)
        assert.equal((await send(base, p)).status, status)
        assert.equal(origin.count(p), 2)
      })
    }
    it('heuristic lifetime is a fraction of Date − Last-Modified (10 %)', async () => {
      const p = path('fraction')
      serve(p, 200, () => ({ date: httpDate(0), 'last-modified': httpDate(-1000) }))
      await send(base, p)
      clock.advance(90_000)
      await send(base, p)
      assert.equal(origin.count(p), 1, 'fresh at 90 s of 100 s')
      clock.advance(20_000)
      await send(base, p)
      assert.equal(origin.count(p), 2, 'stale at 110 s of 100 s')
    })
    it('sends no Content-Length in a 204 served from the cache (RFC 9110 §8.6)', async () => {
      const p = path('204')
      serve(p, 204, { 'cache-control': 'max-age=60' })
      await send(base, p)
      const hit = await send(base, p)
      assert.equal(hit.status, 204)
      assert.equal(origin.count(p), 1)
      assert.equal(hit.headers['content-length'], undefined)
      assert.equal(hit.body.length, 0)
    })
  })

  describe('CDN-Cache-Control, the field targeted at CDNs (RFC 9213 §2.1, §3)', () => {
    const cases: ReadonlyArray<readonly [string, () => OutgoingHttpHeaders, number, boolean]> = [
      ['its max-age makes a response fresh', () => ({ 'cdn-cache-control': 'max-age=60' }), 10, true],
      ['its max-age=0 is stale even with a future Expires', () => ({ 'cdn-cache-control': 'max-age=0', date: httpDate(0), expires: httpDate(3600) }), 0, false],
      ['an origin Age beyond its max-age is stale', () => ({ 'cdn-cache-control': 'max-age=60', date: httpDate(0), age: '120' }), 0, false],
      ['its short max-age beats a long Cache-Control max-age', () => ({ 'cache-control': 'max-age=3600', 'cdn-cache-control': 'max-age=1' }), 10, false],
      ['its long max-age beats a short Cache-Control max-age', () => ({ 'cache-control': 'max-age=1', 'cdn-cache-control': 'max-age=3600' }), 10, true],
      ['its max-age beats an invalid Expires', () => ({ 'cdn-cache-control': 'max-age=60', date: httpDate(0), expires: '0' }), 10, true],
      ['its private is not stored, whatever Cache-Control says', () => ({ 'cdn-cache-control': 'private', 'cache-control': 'max-age=10000', date: httpDate(0), expires: httpDate(10000) }), 0, false],
      ['its no-cache is not reused, whatever Cache-Control says', () => ({ 'cdn-cache-control': 'no-cache', 'cache-control': 'max-age=10000' }), 0, false],
      ['its no-cache with a max-age of its own is revalidated (the plain-hit fast path too)', () => ({ 'cdn-cache-control': 'max-age=600, no-cache' }), 0, false],
      ['its no-store is not stored, whatever Cache-Control says', () => ({ 'cdn-cache-control': 'no-store', 'cache-control': 'max-age=10000' }), 0, false],
      ['its max-age stores a response Cache-Control says no-store to', () => ({ 'cdn-cache-control': 'max-age=10000', 'cache-control': 'no-store' }), 10, true],
      ['an invalid field (unknown type) is ignored: Cache-Control applies', () => ({ 'cdn-cache-control': 'max-age=10000, &&&&&', 'cache-control': 'no-store' }), 0, false],
      ['an invalid field (a String max-age) is ignored: Cache-Control applies', () => ({ 'cdn-cache-control': 'max-age="10000"', 'cache-control': 'no-store' }), 0, false],
    ]
    for (const [name, headers, gap, isReused] of cases) {
      it(name, async () => {
        const p = path('cdn-cc')
        serve(p, 200, headers)
        const { second, originRequests } = await twice(p, gap)
        assert.equal(originRequests, isReused ? 1 : 2, isReused ? 'expected a hit' : 'expected the origin to be asked again')
        assert.ok(second.headers['cdn-cache-control'] !== undefined, 'the field is forwarded')
      })
    }
  })

  describe('Cache-Control parsing robustness (§5.2, §4.2.1)', () => {
    const cases: ReadonlyArray<readonly [string, string | string[], boolean]> = [
      ['directive names in any case', 'MAX-AGE=60', true],
      ['a quoted max-age', 'max-age="60"', true],
      ['duplicate max-age: the first wins', 'max-age=60, max-age=0', true],
      ['two Cache-Control lines are one list', ['public', 'max-age=60'], true],
      ['no-store on a second line still forbids storing', ['max-age=60', 'no-store'], false],
      ['a non-numeric max-age is stale', 'max-age=soon', false],
      ['a negative max-age is stale', 'max-age=-60', false],
      ['a fractional max-age is stale', 'max-age=60.5', false],
      ['a max-age beyond 2^31 is capped, not wrapped', 'max-age=99999999999999999999', true],
      ['a comma inside a quoted argument does not split the list', 'private="x, max-age=60"', false],
      ['a max-age with leading zeros', 'max-age=0060', true],
      ['a single-quoted max-age is invalid', "max-age='60'", false],
      ['a space before "=" makes max-age invalid', 'max-age =60', false],
      ['a space after "=" makes max-age invalid', 'max-age= 60', false],
      ['max-age inside another directive\'s quoted argument is not read', 'ext="max-age=60", max-age=1', false],
      ['unknown directives are ignored', 'foo=bar, max-age=60, baz', true],
      ['empty list members are ignored', ', ,max-age=60,,', true],
      ['no-cache with a field list is reused (the fields are not stored)', 'max-age=60, no-cache="x-foo"', true],
      ['no-cache listing a field the cache needs is read as unqualified', 'max-age=60, no-cache="content-length"', false],
      ['max-age=0 is never a hit', 'max-age=0', false],
    ]
    for (const [name, cacheControl, isReused] of cases) {
      it(name, async () => {
        const p = path('cc')
        // setHeader takes several lines as an array (OutgoingHttpHeaders types Cache-Control as one string).
        origin.route(p, (_req, res) => {
          res.setHeader('cache-control', cacheControl)
          res.writeHead(200).end('cc')
        })
        const { originRequests } = await twice(p, 10)
        assert.equal(originRequests, isReused ? 1 : 2, isReused ? 'expected a hit' : 'expected the origin to be asked again')
      })
    }
  })

  describe('no-store, private, no-cache, must-revalidate (§5.2.1, §5.2.2)', () => {
    it('does not store a response to a request with no-store (§5.2.1.5)', async () => {
      const p = path('req-no-store')
      serve(p, 200, { 'cache-control': 'max-age=60' })
      await send(base, p, { headers: { 'cache-control': 'no-store' } })
      await send(base, p)
      assert.equal(origin.count(p), 2)
    })
    it('revalidates a fresh response for a request with no-cache (§5.2.1.4)', async () => {
      const p = path('req-no-cache')
      serve(p, 200, { 'cache-control': 'max-age=60' })
      const { originRequests } = await twice(p, 0, { 'cache-control': 'no-cache' })
      assert.equal(originRequests, 2)
    })
    it('treats Pragma: no-cache as no-cache without Cache-Control (RFC 7234 §5.4)', async () => {
      const p = path('pragma')
      serve(p, 200, { 'cache-control': 'max-age=60' })
      await send(base, p)
      await send(base, p, { headers: { pragma: 'no-cache' } })
      assert.equal(origin.count(p), 2)
    })
    it('ignores Pragma when the request has Cache-Control', async () => {
      const p = path('pragma-cc')
      serve(p, 200, { 'cache-control': 'max-age=60' })
      await send(base, p)
      await send(base, p, { headers: { pragma: 'no-cache', 'cache-control': 'max-stale' } })
      assert.equal(origin.count(p), 1)
    })
    it('revalidates for a request max-age older than the response (§5.2.1.1)', async () => {
      const p = path('req-max-age')
      serve(p, 200, { 'cache-control': 'max-age=60' })
      await send(base, p)
      clock.advance(10_000)
      await send(base, p, { headers: { 'cache-control': 'max-age=5' } })
      assert.equal(origin.count(p), 2)
      await send(base, p, { headers: { 'cache-control': 'max-age=5' } })
      assert.equal(origin.count(p), 2, 'the refreshed response is young enough')
    })
    it('serves a stale response within a request max-stale, unless must-revalidate (§5.2.1.2, §5.2.2.2)', async () => {
      const plain = path('max-stale')
      const strict = path('must-revalidate')
      serve(plain, 200, { 'cache-control': 'max-age=10' })
      serve(strict, 200, { 'cache-control': 'max-age=10, must-revalidate' })
      await send(base, plain)
      await send(base, strict)
      clock.advance(30_000)
      await send(base, plain, { headers: { 'cache-control': 'max-stale=60' } })
      await send(base, strict, { headers: { 'cache-control': 'max-stale=60' } })
      assert.equal(origin.count(plain), 1)
      assert.equal(origin.count(strict), 2)
    })
    it('does not serve a must-revalidate response stale when the origin is gone: an error instead (§5.2.2.2)', async () => {
      const p = path('mr-down')
      let isDown = false
      origin.route(p, (req, res) => {
        if (isDown) {
          req.socket.destroy()
          return
        }
        res.writeHead(200, { 'cache-control': 'max-age=10, must-revalidate, stale-if-error=600' }).end('kept')
      })
      await send(base, p)
      clock.advance(30_000)
      isDown = true
      const response = await send(base, p, { headers: { 'cache-control': 'max-stale=600' } })
      assert.ok(response.status >= 500, `got ${response.status}`)
      assert.notEqual(response.body.toString(), 'kept')
    })
    it('never stores a private response, even with s-maxage (§5.2.2.7)', async () => {
      const p = path('private')
      serve(p, 200, { 'cache-control': 'private, s-maxage=60' })
      const { originRequests } = await twice(p)
      assert.equal(originRequests, 2)
    })
  })
})
