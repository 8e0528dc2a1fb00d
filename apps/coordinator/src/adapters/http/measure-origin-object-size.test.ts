import assert from 'node:assert/strict'
import { createServer } from 'node:http'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { after, before, describe, it } from 'node:test'
import { createMeasureOriginObjectSize, sizeOfRangedAnswer } from './measure-origin-object-size.ts'
import { createOriginAgents } from './routes/routing/fetch-from-origin.ts'

/** What one origin path answers: a handler per request, and the requests it saw. */
type Handler = (request: IncomingMessage, response: ServerResponse) => void

const BIG = 64 * 1024 * 1024
/** Resolves when the origin sees the connection of the ignored-range GET closed by the measurer. */
let ignoredRangeClosed: Promise<void> = Promise.resolve()

const HANDLERS: Record<string, Handler> = {
  '/head-ok': (request, response) => response.writeHead(200, { 'content-length': '1234' }).end(request.method === 'HEAD' ? undefined : Buffer.alloc(1234)),
  // An object store that refuses HEAD but honours ranges.
  '/no-head': (request, response) => {
    if (request.method === 'HEAD') return void response.writeHead(405, { allow: 'GET', 'content-length': '0' }).end()
    assert.equal(request.headers.range, 'bytes=0-0')
    response.writeHead(206, { 'content-range': 'bytes 0-0/987654321', 'content-length': '1' }).end('x')
  },
  // A dynamic handler: HEAD without a length, GET ignores the range and sends a large 200
  // with a length; its body must never be read in full.
  '/no-length': (request, response) => {
    if (request.method === 'HEAD') return void response.writeHead(200, { 'transfer-encoding': 'chunked' }).end()
    ignoredRangeClosed = new Promise((resolve) => request.socket.once('close', () => resolve()))
    response.writeHead(200, { 'content-length': String(BIG) })
    response.write(Buffer.alloc(16 * 1024))
    // The rest never comes: a reader that waited for the whole body would hang until the timeout.
  },
  '/empty': (request, response) => {
    if (request.method === 'HEAD') return void response.writeHead(501).end()
    response.writeHead(416, { 'content-range': 'bytes */0', 'content-length': '0' }).end()
  },
  // No size anywhere: HEAD without a length, GET chunked without a range.
  '/unsized': (request, response) => {
    if (request.method === 'HEAD') return void response.writeHead(200, { 'transfer-encoding': 'chunked' }).end()
    response.writeHead(200, { 'transfer-encoding': 'chunked' }).end('abc')
  },
  '/gone': (_request, response) => response.writeHead(404, { 'content-length': '0' }).end(),
  '/moved': (_request, response) => response.writeHead(301, { location: '/head-ok', 'content-length': '0' }).end(),
  '/bad-range': (request, response) => {
    if (request.method === 'HEAD') return void response.writeHead(405).end()
    response.writeHead(206, { 'content-range': 'bytes 0-0/*', 'content-length': '1' }).end('x')
  },
}

describe('createMeasureOriginObjectSize (an origin on 127.0.0.1)', () => {
  let origin: Server
  let base = ''
  const seen: string[] = []
  const agents = createOriginAgents()
  // A timeout far beyond the tests': a socket closed during a test was closed by the measurer, not by its timeout.
  const measure = createMeasureOriginObjectSize({ timeoutMs: 600_000, agents })

  before(async () => {
    origin = createServer((request, response) => {
      seen.push(`${request.method ?? ''} ${request.url ?? ''}`)
      const handler = HANDLERS[request.url ?? '']
      if (handler === undefined) return void response.writeHead(500).end()
      handler(request, response)
    })
    await new Promise<void>((resolve) => origin.listen(0, '127.0.0.1', resolve))
    base = `http://127.0.0.1:${String((origin.address() as AddressInfo).port)}` // TCP: an AddressInfo.
  })

  after(async () => {
    agents.destroy()
    origin.closeAllConnections()
    await new Promise<void>((resolve) => origin.close(() => resolve()))
  })

  const measured = async (path: string): Promise<{ size: bigint | undefined; requests: string[] }> => {
    seen.length = 0
    const size = await measure(base, path)
    return { size, requests: [...seen] }
  }

  it("takes a 200 HEAD's Content-Length and asks nothing more", async () => {
    assert.deepEqual(await measured('/head-ok'), { size: 1234n, requests: ['HEAD /head-ok'] })
  })

  it("asks for one byte when HEAD is refused, and reads the size from the 206's Content-Range", async () => {
    assert.deepEqual(await measured('/no-head'), { size: 987_654_321n, requests: ['HEAD /no-head', 'GET /no-head'] })
  })

  it('takes the length of a 200 that ignored the range without reading its body', { timeout: 30_000 }, async () => {
    // The origin never sends the rest of the 64 MiB: resolving at all shows the body was not awaited.
    assert.deepEqual(await measured('/no-length'), { size: BigInt(BIG), requests: ['HEAD /no-length', 'GET /no-length'] })
    // And it hangs up rather than leave a pooled socket half-way through 64 MiB.
    await ignoredRangeClosed
  })

  it("sizes an empty object from a 416's Content-Range", async () => {
    assert.deepEqual(await measured('/empty'), { size: 0n, requests: ['HEAD /empty', 'GET /empty'] })
  })

  it('leaves an object unsized when neither answer gives a size', async () => {
    assert.deepEqual(await measured('/unsized'), { size: undefined, requests: ['HEAD /unsized', 'GET /unsized'] })
    assert.deepEqual(await measured('/bad-range'), { size: undefined, requests: ['HEAD /bad-range', 'GET /bad-range'] })
  })

  it('does not ask again for an object that is not there or has moved (redirects are not followed)', async () => {
    assert.deepEqual(await measured('/gone'), { size: undefined, requests: ['HEAD /gone'] })
    assert.deepEqual(await measured('/moved'), { size: undefined, requests: ['HEAD /moved'] })
  })

  it('gives undefined for an origin that makes no URL, without asking anyone', async () => {
    assert.equal(await measure('not a url', '/x'), undefined)
  })
})

describe('sizeOfRangedAnswer', () => {
  const show = (value: unknown): string => (value === undefined ? 'none' : JSON.stringify(value))
  const cases: [number, unknown, unknown, bigint | undefined][] = [
    [206, 'bytes 0-0/5', '1', 5n],
    [206, ' bytes 0-0/5 ', '1', 5n],
    [416, 'bytes */0', '0', 0n],
    [206, 'bytes 0-0/*', '1', undefined],
    [206, 'bytes 0-0/-5', '1', undefined],
    [206, 'bytes 0-0/5x', '1', undefined],
    [206, 'items 0-0/5', '1', undefined],
    [206, 'bytes 0-0/1234567890123456789', '1', undefined],
    [206, undefined, '1', undefined],
    [206, ['bytes 0-0/5'], '1', undefined],
    [200, undefined, '77', 77n],
    [200, undefined, '+77', undefined],
    [200, undefined, '7 7', undefined],
    [200, undefined, undefined, undefined],
    [500, 'bytes 0-0/5', '1', undefined],
    [304, undefined, '5', undefined],
  ]
  for (const [status, contentRange, contentLength, expected] of cases) {
    it(`${String(status)} ${show(contentRange)} ${show(contentLength)} → ${String(expected)}`, () => {
      assert.equal(sizeOfRangedAnswer(status, contentRange, contentLength), expected)
    })
  }
})
