import assert from 'node:assert/strict'
import { after, before, beforeEach, describe, it } from 'node:test'
import { createManualClock, send, startScriptedOrigin, startTestNode } from '../../testing/cache-server-fixtures.ts'
import type { ManualClock, ScriptedOrigin, TestNode } from '../../testing/cache-server-fixtures.ts'

describe('stored header fields and 304 freshening, end to end (RFC 9111 §3.1, §3.2, §4.3.4)', () => {
  let origin: ScriptedOrigin
  let clock: ManualClock
  let node: TestNode
  let counter = 0
  const path = (name: string) => `/${name}-${counter++}`

  before(async () => {
    origin = await startScriptedOrigin()
    clock = createManualClock()
    node = await startTestNode(origin.url, { clock })
  })
  after(async () => {
    await node.stop()
    await origin.close()
  })
  beforeEach(() => clock.advance(1000))

  it('§4.3.4: a 304 without validators answering our own conditional freshens the one stored response', async () => {
    const p = path('no-validator-304')
    origin.route(p, (req, res) => {
      if (req.headers['if-none-match'] === '"v1"') return res.writeHead(304, { 'cache-control': 'max-age=100', 'x-new': 'yes' }).end()
      res.writeHead(200, { 'cache-control': 'max-age=1', etag: '"v1"' }).end('body-v1')
    })
    await send(node.node.url, p)
    clock.advance(5000)
    const revalidated = await send(node.node.url, p)
    assert.equal(revalidated.status, 200)
    assert.equal(revalidated.body.toString(), 'body-v1')
    assert.equal(revalidated.headers['x-new'], 'yes')
    assert.equal(revalidated.headers['cache-status'], 'meson; fwd=stale; fwd-status=304; ttl=100')
    // Freshened, not repeated unconditionally: two origin requests, the second conditional.
    assert.equal(origin.count(p), 2)
    assert.match(String((await send(node.node.url, p)).headers['cache-status']), /; hit; ttl=100/)
  })

  it('§4.3.4: a 304 naming another ETag is not taken; the request is repeated unconditionally', async () => {
    const p = path('other-etag-304')
    let version = 1
    origin.route(p, (req, res) => {
      if (req.headers['if-none-match'] !== undefined) return res.writeHead(304, { etag: '"other"' }).end()
      res.writeHead(200, { 'cache-control': 'max-age=1', etag: `"v${version}"` }).end(`body-v${version}`)
    })
    await send(node.node.url, p)
    version = 2
    clock.advance(5000)
    assert.equal((await send(node.node.url, p)).body.toString(), 'body-v2')
    assert.equal(origin.count(p), 3)
  })

  it('§3.2: Content-MD5 is not taken from a 304', async () => {
    const p = path('md5')
    origin.route(p, (req, res) => {
      if (req.headers['if-none-match'] !== undefined) return res.writeHead(304, { etag: '"m"', 'content-md5': 'bm90LXRoaXMtb25l' }).end()
      res.writeHead(200, { 'cache-control': 'max-age=1', etag: '"m"', 'content-md5': 'c3RvcmVk' }).end('stored')
    })
    await send(node.node.url, p)
    clock.advance(5000)
    const revalidated = await send(node.node.url, p)
    assert.equal(revalidated.headers['content-md5'], 'c3RvcmVk')
    assert.equal(origin.count(p), 2)
  })

  it('§3.1: keeps the Content-Range of a stored response', async () => {
    const p = path('content-range')
    origin.route(p, (_req, res) => res.writeHead(200, { 'cache-control': 'max-age=60', 'content-range': 'bytes 0-4/5' }).end('abcde'))
    await send(node.node.url, p)
    const hit = await send(node.node.url, p)
    assert.match(String(hit.headers['cache-status']), /; hit/)
    assert.equal(hit.headers['content-range'], 'bytes 0-4/5')
  })

  it('§3.1: replaces a stored Content-Range when this hop answers a Range itself', async () => {
    const p = path('content-range-206')
    origin.route(p, (_req, res) => res.writeHead(200, { 'cache-control': 'max-age=60', 'content-range': 'bytes 0-4/5' }).end('abcde'))
    await send(node.node.url, p)
    const partial = await send(node.node.url, p, { headers: { range: 'bytes=1-2' } })
    assert.equal(partial.status, 206)
    assert.equal(partial.headers['content-range'], 'bytes 1-2/5')
    assert.equal(partial.body.toString(), 'bc')
  })

  for (const [name, sizeBytes] of [['from memory', 26], ['from disk', 3 * 1024 * 1024]] as const) {
    it(`RFC 9110 §14.6: answers a multi-range request on a stored object with multipart/byteranges (${name})`, async () => {
      const p = path('multipart')
      const body = Buffer.alloc(sizeBytes)
      for (let index = 0; index < sizeBytes; index += 1) body[index] = 97 + (index % 26)
      origin.route(p, (_req, res) => res.writeHead(200, { 'cache-control': 'max-age=60', 'content-type': 'text/plain', 'content-length': String(sizeBytes) }).end(body))
      await send(node.node.url, p)
      const answer = await send(node.node.url, p, { headers: { range: 'bytes=0-1, 5-6' } })
      assert.equal(answer.status, 206)
      const boundary = /^multipart\/byteranges; boundary=([0-9a-f]+)$/.exec(String(answer.headers['content-type']))?.[1]
      assert.ok(boundary)
      assert.equal(answer.headers['content-range'], undefined)
      assert.equal(Number(answer.headers['content-length']), answer.body.length)
      assert.equal(
        answer.body.toString('latin1'),
        `--${boundary}\r\nContent-Type: text/plain\r\nContent-Range: bytes 0-1/${sizeBytes}\r\n\r\nab` +
          `\r\n--${boundary}\r\nContent-Type: text/plain\r\nContent-Range: bytes 5-6/${sizeBytes}\r\n\r\nfg\r\n--${boundary}--\r\n`,
      )
      assert.equal(origin.count(p), 1)
    })
  }
})
