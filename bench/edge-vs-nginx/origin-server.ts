import { createHash } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import type { BenchObject } from './bench-objects.ts'

/** The path prefix whose answers wait `slowDelayMs` (cache-miss latency and collapsing). */
export const SLOW_PATH_PREFIX = '/slow/'
/** Answers 204 without being cached; used to wait until a proxy is up without warming it. */
export const READY_PATH = '/__ready'

/** The origin both caches sit in front of; it counts the requests that reach it. */
export interface OriginServer {
  readonly port: number
  /** Requests that reached the origin for this exact path (query included). */
  hitsFor(path: string): number
  close(): Promise<void>
}

export interface StartOriginServerParameters {
  readonly objects: readonly BenchObject[]
  readonly slowDelayMs: number
}

interface Representation {
  readonly body: Buffer
  readonly etag: string
}

// A fixed date so both caches see the same validators in every run.
const LAST_MODIFIED = 'Mon, 03 Nov 2025 10:00:00 GMT'
const CACHE_CONTROL = 'public, max-age=3600'

function representationOf(body: Buffer): Representation {
  return { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` }
}

/** Deterministic, incompressible-enough bytes; content never matters, only the size. */
function fillBytes(sizeBytes: bigint, seed: string): Buffer {
  const body = Buffer.alloc(Number(sizeBytes))
  let block = createHash('sha256').update(seed).digest()
  for (let offset = 0; offset < body.length; offset += block.length) {
    block.copy(body, offset)
    block = createHash('sha256').update(block).digest()
  }
  return body
}

function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
  // RFC 9110 §13.1.2: weak comparison, `*` matches any current representation.
  if (header === undefined) return false
  return header.split(',').some((candidate) => {
    const tag = candidate.trim().replace(/^W\//, '')
    return tag === '*' || tag === etag
  })
}

function answer(request: IncomingMessage, response: ServerResponse, representation: Representation): void {
  response.setHeader('Cache-Control', CACHE_CONTROL)
  response.setHeader('ETag', representation.etag)
  response.setHeader('Last-Modified', LAST_MODIFIED)
  response.setHeader('Content-Type', 'application/octet-stream')
  if (matchesIfNoneMatch(request.headers['if-none-match'], representation.etag)) {
    response.writeHead(304).end()
    return
  }
  response.setHeader('Content-Length', representation.body.length)
  response.writeHead(200)
  response.end(request.method === 'HEAD' ? undefined : representation.body)
}

/** Starts the origin on a random loopback port. */
export async function startOriginServer(parameters: StartOriginServerParameters): Promise<OriginServer> {
  const objects = new Map(parameters.objects.map((object) => [object.path, representationOf(fillBytes(object.sizeBytes, object.path))]))
  const hits = new Map<string, number>()

  const server = createServer((request, response) => {
    const path = request.url ?? '/'
    if (path === READY_PATH) {
      response.writeHead(204, { 'Cache-Control': 'no-store' }).end()
      return
    }
    hits.set(path, (hits.get(path) ?? 0) + 1)
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { Allow: 'GET, HEAD' }).end()
      return
    }
    const object = objects.get(path)
    if (object !== undefined) {
      answer(request, response, object)
      return
    }
    if (path.startsWith(SLOW_PATH_PREFIX)) {
      void sleep(parameters.slowDelayMs).then(() => {
        answer(request, response, representationOf(Buffer.from(`slow object ${path}\n`.padEnd(1024, '.'))))
      })
      return
    }
    response.writeHead(404, { 'Cache-Control': 'no-store' }).end()
  })
  // Longer than the caches' upstream keep-alive, so the origin never closes an idle
  // connection just as a cache reuses it.
  server.keepAliveTimeout = 75_000

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  const { port } = server.address() as AddressInfo // listen() on a TCP port yields AddressInfo

  return {
    port,
    hitsFor: (path) => hits.get(path) ?? 0,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
