import { createHash } from 'node:crypto'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { guardRequestHandler } from './guard-request-handler.ts'

/** A small origin for the demo network: a page, a stylesheet and two binary objects. */
export interface SampleOrigin {
  readonly url: string
  /** Requests the origin has answered, so the demo can show the cache at work. */
  requestCount(): number
  close(): Promise<void>
}

interface SampleObject {
  readonly body: Buffer
  readonly contentType: string
  readonly cacheControl: string
}

function deterministicBytes(sizeBytes: number, seed: string): Buffer {
  const out = Buffer.alloc(sizeBytes)
  let block = createHash('sha256').update(seed).digest()
  for (let offset = 0; offset < sizeBytes; offset += block.length) {
    block.copy(out, offset)
    block = createHash('sha256').update(block).digest()
  }
  return out
}

function sampleObjects(): ReadonlyMap<string, SampleObject> {
  const page = '<!doctype html><title>Meson demo origin</title><link rel="stylesheet" href="/style.css"><h1>Hello from the origin</h1>\n'
  return new Map<string, SampleObject>([
    ['/', { body: Buffer.from(page), contentType: 'text/html; charset=utf-8', cacheControl: 'public, max-age=60' }],
    ['/index.html', { body: Buffer.from(page), contentType: 'text/html; charset=utf-8', cacheControl: 'public, max-age=60' }],
    ['/style.css', { body: Buffer.from('h1 { font-family: sans-serif; }\n'), contentType: 'text/css', cacheControl: 'public, max-age=3600' }],
    ['/assets/4k.bin', { body: deterministicBytes(4096, '4k'), contentType: 'application/octet-stream', cacheControl: 'public, max-age=3600' }],
    ['/assets/1m.bin', { body: deterministicBytes(1024 * 1024, '1m'), contentType: 'application/octet-stream', cacheControl: 'public, max-age=3600' }],
  ])
}

/**
 * The object path of a request target: origin-form as sent, without the query. Never
 * `new URL(target, base)`: a target like `//x` parses as a scheme-relative URL (host
 * "x"), and `//` throws, which once took the whole demo down (issue #9).
 */
export function objectPathOf(target: string | undefined): string {
  const text = target ?? '/'
  const query = text.indexOf('?')
  return query === -1 ? text : text.slice(0, query)
}

/** Starts the sample origin on loopback; `port` 0 picks a free port. */
export async function startSampleOrigin(options: { port: number; host?: string; onError?: (error: unknown) => void }): Promise<SampleOrigin> {
  const objects = sampleObjects()
  const etags = new Map([...objects].map(([path, object]) => [path, `"${createHash('sha256').update(object.body).digest('hex').slice(0, 16)}"`]))
  let requests = 0
  const onError = options.onError ?? ((error: unknown) => process.stderr.write(`sample origin: request failed: ${error instanceof Error ? error.message : String(error)}\n`))
  const server = createServer(guardRequestHandler((req, res) => {
    requests += 1
    const path = objectPathOf(req.url)
    const object = objects.get(path)
    const etag = etags.get(path)
    if (object === undefined || etag === undefined || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(object === undefined ? 404 : 405, { 'content-type': 'text/plain', 'cache-control': 'public, max-age=10' })
      res.end(object === undefined ? 'not found\n' : 'method not allowed\n')
      return
    }
    const headers = { 'content-type': object.contentType, 'cache-control': object.cacheControl, etag }
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, headers)
      res.end()
      return
    }
    res.writeHead(200, { ...headers, 'content-length': object.body.length })
    res.end(req.method === 'HEAD' ? undefined : object.body)
  }, onError))
  // Malformed requests never reach the handler: answer 400 and close, as Node does by default.
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n')
    else socket.destroy()
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port, options.host ?? '127.0.0.1', () => {
      server.off('error', reject)
      resolve()
    })
  })
  const address: AddressInfo | string | null = server.address()
  if (address === null || typeof address === 'string') throw new Error('the sample origin is not bound to a TCP port')
  return {
    url: `http://127.0.0.1:${address.port}`,
    requestCount: () => requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
