/**
 * Test support (not production code): a bounded, deterministic fuzz of a server's HTTP
 * parsing and routing (issue #9), over raw loopback sockets. Every request is written,
 * then the socket is half-closed (`shutdown(SHUT_WR)`), and whatever comes back is kept.
 */
import { connect } from 'node:net'

/** One raw exchange: what was sent and what came back before the server closed or the wait ran out. */
export interface FuzzExchange {
  readonly request: string
  readonly response: string
}

/** A stack trace line as V8 prints it ("    at fn (file:line:col)"), or a file path with a line number. */
const STACK_TRACE = /\n\s+at [^\n]*(?:\(|\s)(?:file:\/\/|node:|\/)[^\n]*:\d+:\d+|\.ts:\d+:\d+/

/** True if a response looks like it leaks a stack trace. */
export function leaksStackTrace(response: string): boolean {
  return STACK_TRACE.test(response)
}

/** A small seeded PRNG (mulberry32), so a failing case can be reproduced from its seed. */
function createRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE', 'CONNECT', 'G\u0000T', 'get', '']
const TARGETS = [
  '/', '//', '///', '*', 'http://example.com/z/demo/a', 'http://127.0.0.1/healthz', 'example.com:443', '/z/', '/z//', '/z/demo', '/z/demo/', '/z/demo//',
  '/z/demo/../../v1/me', '/z/demo/%2e%2e/%2e%2e/v1/me', '/./v1/zones', '/v1/../healthz', '/%', '/%zz', '/%c0%af', '/%00', '/z/%00/a', '/z/DEMO/a',
  '/z/demo/é', '/z/demo/\u0001', '/z/demo/a?mt=', '/z/demo/a?mt=x.y', '/v1/zones/%ff', '/v1/nodes/usage', '/v1/openapi.json', '/metrics', '/healthz?x=%',
  '/.well-known/meson-challenge/x', `/z/demo/${'a'.repeat(3000)}`, '/z/demo/a\\b', '/z/demo/a#frag', '/?' + '&'.repeat(500),
]
const HOSTS: readonly (readonly string[])[] = [[], [''], ['localhost'], ['127.0.0.1'], ['a', 'b'], ['[::1'], ['a b'], ['example.com:99999'], ['cdn.example.com'], ['\u00e9.example'], [':'], ['x'.repeat(300)]]
const EXTRA_HEADERS = [
  '', 'Via: 1.1 meson\r\n', 'Transfer-Encoding: chunked\r\n', 'Transfer-Encoding: gzip, chunked\r\nContent-Length: 5\r\n', 'Content-Length: -1\r\n', 'Content-Length: 5\r\nContent-Length: 6\r\n',
  'Content-Type: application/json\r\nContent-Length: 1\r\n', 'Authorization: Bearer \u0001\r\n', 'Authorization: Basic\r\n', 'X-Forwarded-For: not-an-ip\r\n', 'Range: bytes=9-1\r\n', 'Expect: 100-continue\r\n',
  'Referer: http://[\r\n', ' folded: header\r\n', 'Bad Header\r\n', 'Connection: keep-alive, upgrade\r\nUpgrade: websocket\r\n',
]
const VERSIONS = ['HTTP/1.1', 'HTTP/1.0', 'HTTP/2.0', 'HTTP/1.1 extra', 'HTTX/1.1', '']
const BODIES = ['', '{', '{}', '0\r\n\r\n', 'zz\r\n', '\u0000\u0001\u0002']

function pick<T>(random: () => number, items: readonly T[]): T {
  const item = items[Math.floor(random() * items.length)]
  if (item === undefined) throw new RangeError('empty list')
  return item
}

/** `count` odd requests, built from `seed`; deterministic. */
export function buildFuzzRequests(count: number, seed: number, options: { readonly zone?: string } = {}): string[] {
  const random = createRandom(seed)
  const requests: string[] = []
  for (let index = 0; index < count; index++) {
    let target = pick(random, TARGETS)
    if (options.zone !== undefined) target = target.replaceAll('/z/demo', `/z/${options.zone}`)
    const hostLines = pick(random, HOSTS).map((host) => `Host: ${host}\r\n`).join('')
    const line = `${pick(random, METHODS)} ${target} ${pick(random, VERSIONS)}`.trimEnd()
    requests.push(`${line}\r\n${hostLines}${pick(random, EXTRA_HEADERS)}\r\n${pick(random, BODIES)}`)
  }
  return requests
}

/** Sends one raw request, half-closes, and collects the reply (at most `waitMs`, then the socket is dropped). */
export function exchangeRaw(port: number, request: string | Buffer, waitMs = 3_000): Promise<FuzzExchange> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port })
    const chunks: Buffer[] = []
    const done = (): void => {
      clearTimeout(timer)
      socket.destroy()
      resolve({ request: request.toString(), response: Buffer.concat(chunks).toString('latin1') })
    }
    const timer = setTimeout(done, waitMs)
    socket.on('data', (chunk: Buffer) => chunks.push(chunk))
    socket.on('error', done)
    socket.on('close', done)
    socket.on('connect', () => {
      socket.end(request)
    })
  })
}

/** Runs every request against `port`, `concurrency` sockets at a time. */
export async function fuzzServer(port: number, requests: readonly string[], concurrency = 16): Promise<FuzzExchange[]> {
  const exchanges: FuzzExchange[] = []
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < requests.length) {
      const request = requests[next++]
      if (request === undefined) return
      exchanges.push(await exchangeRaw(port, Buffer.from(request, 'utf8')))
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  return exchanges
}
