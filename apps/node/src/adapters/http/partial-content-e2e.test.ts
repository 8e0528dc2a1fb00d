import assert from 'node:assert/strict'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { after, before, describe, it } from 'node:test'
import { parseRange } from '../../cdn/policy/index.ts'
import { send, startScriptedOrigin, startTestNode } from '../../testing/cache-server-fixtures.ts'
import type { ScriptedOrigin, TestNode } from '../../testing/cache-server-fixtures.ts'

const MiB = 1024 * 1024

/** A representation whose byte at offset i is i mod 251, so any slice can be checked. */
function bytesOf(start: number, end: number): Buffer {
  return Buffer.from(Array.from({ length: end - start + 1 }, (_, index) => (start + index) % 251))
}

/**
 * RFC 9111 §3.3/§3.4 and RFC 9110 §14 on real sockets: a Range miss goes to the origin
 * with its Range, the origin's 206 is stored as a part, a later range inside the part
 * is a hit, a range outside it goes to the origin, parts are never mixed across validators.
 */
describe('partial content: storing 206 parts and serving ranges from them', () => {
  let origin: ScriptedOrigin
  let node: TestNode
  let counter = 0
  const ranges = new Map<string, (string | undefined)[]>()
  const etags = new Map<string, string>()

  /** An origin that answers Range requests with a 206 of the current representation. */
  function serveRanges(path: string, sizeBytes: number): void {
    ranges.set(path, [])
    origin.route(path, (req: IncomingMessage, res: ServerResponse) => {
      ranges.get(path)?.push(req.headers.range)
      const etag = etags.get(path) ?? '"a"'
      const common = { 'cache-control': 'max-age=3600', etag, 'content-type': 'application/octet-stream' }
      const decision = parseRange(req.headers.range, sizeBytes)
      if (decision.kind === 'partial') {
        const body = bytesOf(decision.start, decision.end)
        res.writeHead(206, { ...common, 'content-range': `bytes ${decision.start}-${decision.end}/${sizeBytes}`, 'content-length': String(body.length) }).end(body)
        return
      }
      if (decision.kind === 'unsatisfiable') {
        res.writeHead(416, { ...common, 'content-range': `bytes */${sizeBytes}` }).end()
        return
      }
      res.writeHead(200, { ...common, 'content-length': String(sizeBytes) }).end(bytesOf(0, sizeBytes - 1))
    })
  }
  const get = (path: string, range?: string) => send(node.node.url, path, range === undefined ? {} : { headers: { range } })

  before(async () => {
    origin = await startScriptedOrigin()
    node = await startTestNode(origin.url)
  })
  after(async () => {
    await node.stop()
    await origin.close()
  })

  it('forwards a Range miss to the origin as it is and relays its 206', async () => {
    const path = `/big-${counter++}`
    serveRanges(path, 2 * MiB)
    const miss = await get(path, 'bytes=100-199')
    assert.equal(miss.status, 206)
    assert.equal(miss.headers['content-range'], `bytes 100-199/${2 * MiB}`)
    assert.deepEqual(miss.body, bytesOf(100, 199))
    assert.deepEqual(ranges.get(path), ['bytes=100-199'])
    assert.match(String(miss.headers['cache-status']), /fwd=uri-miss; fwd-status=206; stored/)
  })

  it('answers a later range inside the stored part as a hit, without asking the origin', async () => {
    const path = `/big-${counter++}`
    serveRanges(path, 2 * MiB)
    await get(path, 'bytes=100-199')
    for (const [range, start, end] of [['bytes=100-199', 100, 199], ['bytes=150-160', 150, 160], ['bytes=199-199', 199, 199]] as const) {
      const hit = await get(path, range)
      assert.equal(hit.status, 206)
      assert.equal(hit.headers['content-range'], `bytes ${start}-${end}/${2 * MiB}`)
      assert.equal(hit.headers['content-length'], String(end - start + 1))
      assert.deepEqual(hit.body, bytesOf(start, end))
      assert.match(String(hit.headers['cache-status']), /; hit;/)
    }
    assert.deepEqual(ranges.get(path), ['bytes=100-199'])
  })

  it('sends a range the part does not hold to the origin, with its Range', async () => {
    const path = `/big-${counter++}`
    serveRanges(path, 2 * MiB)
    await get(path, 'bytes=100-199')
    const outside = await get(path, 'bytes=150-250')
    assert.deepEqual(outside.body, bytesOf(150, 250))
    assert.deepEqual(ranges.get(path), ['bytes=100-199', 'bytes=150-250'])
  })

  it('never answers a request without Range from a part', async () => {
    const path = `/small-${counter++}`
    serveRanges(path, 1000)
    await get(path, 'bytes=0-9')
    const whole = await get(path)
    assert.equal(whole.status, 200)
    assert.deepEqual(whole.body, bytesOf(0, 999))
    assert.deepEqual(ranges.get(path), ['bytes=0-9', undefined])
  })

  it('fills a small object whole once a part has told its length, then serves every range from it', async () => {
    const path = `/small-${counter++}`
    serveRanges(path, 1000)
    await get(path, 'bytes=0-9')
    const uncovered = await get(path, 'bytes=500-599')
    assert.equal(uncovered.status, 206)
    assert.deepEqual(uncovered.body, bytesOf(500, 599))
    const later = await get(path, 'bytes=-10')
    assert.deepEqual(later.body, bytesOf(990, 999))
    assert.match(String(later.headers['cache-status']), /; hit/)
    assert.deepEqual(ranges.get(path), ['bytes=0-9', undefined])
  })

  it('never combines parts with different validators (RFC 9111 §3.4)', async () => {
    const path = `/big-${counter++}`
    serveRanges(path, 2 * MiB)
    etags.set(path, '"a"')
    await get(path, 'bytes=0-99')
    // The representation changes; the next part carries another strong validator.
    etags.set(path, '"b"')
    const second = await get(path, 'bytes=100-199')
    assert.equal(second.headers.etag, '"b"')
    // Neither the "a" part nor a mix of both may answer: bytes 0-199 come from the origin.
    const spanning = await get(path, 'bytes=0-199')
    assert.equal(spanning.headers.etag, '"b"')
    // The "b" part (0-199) answers from now on; the "a" bytes are gone.
    const first = await get(path, 'bytes=0-99')
    assert.equal(first.headers.etag, '"b"')
    assert.match(String(first.headers['cache-status']), /; hit/)
    assert.deepEqual(ranges.get(path), ['bytes=0-99', 'bytes=100-199', 'bytes=0-199'])
  })

  it('relays but does not store a 206 whose body length disagrees with its Content-Range', async () => {
    const path = `/broken-${counter++}`
    origin.route(path, (_req, res) => res.writeHead(206, { 'cache-control': 'max-age=3600', 'content-range': 'bytes 4-9/10', 'content-length': '5' }).end('01234'))
    const first = await get(path, 'bytes=-5')
    assert.equal(first.status, 206)
    assert.equal(first.body.toString(), '01234')
    await get(path, 'bytes=-5')
    assert.equal(origin.count(path), 2)
  })

  it('combines adjacent parts with the same strong validator into one, and serves ranges across them', async () => {
    const path = `/big-${counter++}`
    serveRanges(path, 2 * MiB)
    await get(path, 'bytes=100-199')
    await get(path, 'bytes=200-299')
    await get(path, 'bytes=0-99')
    for (const [range, start, end] of [['bytes=0-299', 0, 299], ['bytes=150-250', 150, 250]] as const) {
      const hit = await get(path, range)
      assert.equal(hit.status, 206)
      assert.equal(hit.headers['content-range'], `bytes ${start}-${end}/${2 * MiB}`)
      assert.deepEqual(hit.body, bytesOf(start, end))
      assert.match(String(hit.headers['cache-status']), /; hit/)
    }
    assert.deepEqual(ranges.get(path), ['bytes=100-199', 'bytes=200-299', 'bytes=0-99'])
  })

  it('relays the origin\'s 416 to a forwarded Range without storing it', async () => {
    const path = `/small-${counter++}`
    serveRanges(path, 1000)
    const unsatisfiable = await get(path, 'bytes=5000-')
    assert.equal(unsatisfiable.status, 416)
    const whole = await get(path)
    assert.equal(whole.status, 200)
    assert.deepEqual(ranges.get(path), ['bytes=5000-', undefined])
  })

  it('does not store a chunked 206 whose body is not the length its Content-Range names', async () => {
    const path = `/chunked-${counter++}`
    // No Content-Length: the mismatch shows only once the body has been read.
    origin.route(path, (_req, res) => res.writeHead(206, { 'cache-control': 'max-age=3600', 'content-range': 'bytes 4-9/10' }).end('01234'))
    assert.equal((await get(path, 'bytes=4-9')).body.toString(), '01234')
    assert.equal((await get(path, 'bytes=4-9')).body.toString(), '01234')
    assert.equal(origin.count(path), 2)
  })
})
