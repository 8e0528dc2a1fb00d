import { createServer } from 'node:http'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { parseProbeObjectPath, probeOriginBody } from '../probes/probe-origin-body.ts'

/**
 * Test support (not a test): a stand-in edge node on 127.0.0.1 that serves probe-origin
 * objects (`/<token>/<size>`, with Range) honestly or as a cheat:
 * - `honest`: the origin's exact bytes;
 * - `wrong-bytes`: every `wrongEvery`-th object served is garbled (every byte changed);
 * - `canned`: answers every request with the same recorded body (a node that replays
 *   a probe answer instead of fetching the fresh object).
 */
export type CheatMode = 'honest' | 'wrong-bytes' | 'canned'

export interface CheatingNode {
  readonly url: string
  readonly served: () => number
  close(): Promise<void>
}

export async function startCheatingNode(mode: CheatMode, options: { readonly wrongEvery?: number } = {}): Promise<CheatingNode> {
  let served = 0
  const canned = probeOriginBody('canned-answer-000000', 1024)
  const server: Server = createServer((request, response) => {
    const object = parseProbeObjectPath(new URL(request.url ?? '/', 'http://node').pathname, 64 * 1024 * 1024)
    if (object === undefined) {
      response.writeHead(request.url === '/' ? 200 : 404).end()
      return
    }
    served += 1
    let body = mode === 'canned' ? canned : probeOriginBody(object.token, object.sizeBytes)
    if (mode === 'wrong-bytes' && served % (options.wrongEvery ?? 3) === 0 && body.length > 0) {
      body = body.map((byte) => byte ^ 0x5a)
    }
    const range = /^bytes=(\d+)-(\d+)$/.exec(request.headers.range ?? '')
    if (range?.[1] !== undefined && range[2] !== undefined) {
      const start = Number(range[1])
      const end = Math.min(Number(range[2]), body.length - 1)
      response.writeHead(206, { 'content-range': `bytes ${start}-${end}/${body.length}`, 'content-length': end - start + 1 }).end(body.subarray(start, end + 1))
      return
    }
    response.writeHead(200, { 'content-length': body.length }).end(body)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    served: () => served,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}

/** A seeded random source (mulberry32), so probe plans in tests are reproducible. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}
