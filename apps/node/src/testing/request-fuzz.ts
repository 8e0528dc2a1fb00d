import assert from 'node:assert/strict'
import { connect } from 'node:net'

/**
 * Test support: odd HTTP/1.1 requests for a server's fuzz test, from a seeded generator
 * (the same cases on every run), each sent on its own loopback connection. Not a test.
 */

/** A tiny seeded PRNG (mulberry32): deterministic cases, no dependency. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'TRACE', 'PATCH', 'CONNECT', 'BREW', 'get', 'G\u00e9T', '']
const TARGETS = [
  '/', '//', '///a', '//evil.example/x', '*', '/*', 'http://127.0.0.1/abs', 'http://other.example:80/', 'https://[::1]/x', 'a/b', '',
  '/./a', '/../../etc/passwd', '/a/../../b', '/%2e%2e/%2e%2e/x', '/%', '/%zz', '/%c0%af', '/%00', '/a%2Fb', '/?%', '/?a=%zz&b',
  '/\u00e9t\u00e9', '/\u{1F600}', '/a\u0001b', '/a\tb', '/a b', '/\u007f', '/_meson/', '/_meson/healthz', '/_meson/metrics?x',
  '/_meson/purge', '/_meson/identity?challenge=', '/z/', '/z//', '/z/my-site', '/z/my-site/', '/z/my-site/..%2f..%2fx', '/z/my-site/a?mt=',
  '/z/my-site/a?mt=%zz', '/z/my-site/a?mt=' + 'A'.repeat(300), '/z/%zz/a', '/z/MY-SITE/a', '/' + 'a'.repeat(3000), '/a?' + 'q'.repeat(2000),
]
const HOSTS: readonly (readonly string[])[] = [
  [], ['Host: '], ['Host: 127.0.0.1'], ['Host: 127.0.0.1', 'Host: other.example'], ['Host: [::1'], ['Host: a b'], ['Host: \u00e9.example'],
  ['Host: 127.0.0.1:99999'], ['Host: 127.0.0.1:'], ['Host: :80'], ['Host: ' + 'h'.repeat(300)], ['Host: 127.0.0.1\u0001'],
]
const EXTRA_HEADERS = [
  'Range: bytes=0-', 'Range: bytes=5-1', 'Range: bytes=-0', 'Range: bytes=0-0,1-1,2-2', 'Range: lines=1-2', 'If-None-Match: *', 'If-None-Match: W/"x", "y',
  'If-Modified-Since: 0', 'If-Range: "x"', 'Cache-Control: only-if-cached', 'Cache-Control: max-age=-1, no-cache="', 'Pragma: no-cache',
  'X-Forwarded-For: 203.0.113.1, junk', 'Authorization: Bearer ', 'Authorization: Basic \u00e9', 'Content-Length: abc', 'Content-Length: 1, 2',
  'Transfer-Encoding: chunked, gzip', 'Transfer-Encoding: identity', 'Expect: 100-continue', 'Connection: keep-alive, upgrade', 'Upgrade: websocket',
  'Accept-Encoding: ' + 'x,'.repeat(200), 'Vary: *', 'Content-Type: application/json', 'X-\u00e9: v', 'Bad Header: x', ': empty-name', 'X-Ctl: a\u0001b',
]
const VERSIONS = ['HTTP/1.1', 'HTTP/1.1', 'HTTP/1.1', 'HTTP/1.0', 'HTTP/2.0', 'HTTP/1.', 'http/1.1', 'HTTP/9.9', '']

export interface FuzzCase {
  /** The request bytes, exactly as sent (raw UTF-8 and control bytes included). */
  readonly bytes: Buffer
  /** True: `socket.end()` right after the request (a half-closed socket, SHUT_WR). */
  readonly isHalfClosed: boolean
}

/** `count` odd requests from `seed`; each asks the server to close afterwards (`Connection: close` or a half close). */
export function generateFuzzCases(count: number, seed: number): FuzzCase[] {
  const random = seededRandom(seed)
  const pick = <T>(items: readonly T[]): T => {
    const item = items[Math.floor(random() * items.length)]
    if (item === undefined) throw new Error('pick from an empty list')
    return item
  }
  const cases: FuzzCase[] = []
  for (let index = 0; index < count; index += 1) {
    const method = pick(METHODS)
    const target = pick(TARGETS)
    const version = pick(VERSIONS)
    const requestLine = [method, target, version].filter((part) => part !== '' || random() < 0.2).join(' ')
    // Empty lines before a request line are skipped (RFC 9112 §2.2): with nothing else
    // there is no request to answer, so every case has a request line of some sort.
    const lines = [requestLine.trim() === '' ? 'GET' : requestLine]
    lines.push(...pick(HOSTS))
    const extras = Math.floor(random() * 3)
    for (let extra = 0; extra < extras; extra += 1) lines.push(pick(EXTRA_HEADERS))
    const isHalfClosed = random() < 0.5
    if (!isHalfClosed) lines.push('Connection: close')
    const hasBody = random() < 0.15
    if (hasBody) lines.push('Content-Length: 5')
    const separator = random() < 0.1 ? '\n' : '\r\n'
    const text = lines.join(separator) + separator + separator + (hasBody ? 'hello' : '')
    cases.push({ bytes: Buffer.from(text, 'utf8'), isHalfClosed })
  }
  return cases
}

/** What came back on one connection: all bytes until the server closed it (or the bound). */
export interface FuzzOutcome {
  readonly response: string
  /** The server neither answered nor closed within the bound. */
  readonly isHung: boolean
}

/** Sends one case on its own loopback connection and reads until the server closes it. */
export function sendFuzzCase(port: number, fuzzCase: FuzzCase, boundMs = 5000): Promise<FuzzOutcome> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = []
    const socket = connect({ host: '127.0.0.1', port })
    const finish = (isHung: boolean): void => {
      clearTimeout(timer)
      socket.destroy()
      resolve({ response: Buffer.concat(chunks).toString('latin1'), isHung })
    }
    const timer = setTimeout(() => finish(chunks.length === 0), boundMs)
    socket.on('data', (chunk) => chunks.push(chunk))
    socket.on('error', () => undefined)
    socket.on('close', () => finish(false))
    socket.on('connect', () => {
      socket.write(fuzzCase.bytes)
      if (fuzzCase.isHalfClosed) socket.end()
    })
  })
}

/** Runs every case, `parallel` connections at a time. */
export async function runFuzzCases(port: number, cases: readonly FuzzCase[], parallel = 16): Promise<FuzzOutcome[]> {
  const outcomes: FuzzOutcome[] = new Array<FuzzOutcome>(cases.length)
  let next = 0
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      for (let index = next++; index < cases.length; index = next++) {
        const fuzzCase = cases[index]
        if (fuzzCase !== undefined) outcomes[index] = await sendFuzzCase(port, fuzzCase)
      }
    }),
  )
  return outcomes
}

/** A stack trace or an internal file path in a response: what no client may ever see. */
export function holdsStackTrace(response: string): boolean {
  return /\n\s*at [^\n]*[(\s][^\n]*:\d+:\d+/.test(response) || /\.ts:\d+/.test(response) || /node:internal/.test(response)
}

/** Every case answered (half-closed sockets too), no stack trace, no 500 (a 500 is a bug the guard caught). */
export function assertFuzzOutcomes(outcomes: readonly FuzzOutcome[]): void {
  const hung = outcomes.filter((outcome) => outcome.isHung).length
  assert.equal(hung, 0, `${hung} connections got neither a response nor a close`)
  const unanswered = outcomes.filter((outcome) => !outcome.response.startsWith('HTTP/1.1 '))
  assert.equal(unanswered.length, 0, `unanswered: ${JSON.stringify(unanswered.slice(0, 3))}`)
  const withStack = outcomes.filter((outcome) => holdsStackTrace(outcome.response))
  assert.equal(withStack.length, 0, `stack traces: ${JSON.stringify(withStack.slice(0, 2))}`)
  const internal = outcomes.filter((outcome) => outcome.response.startsWith('HTTP/1.1 500'))
  assert.equal(internal.length, 0, `internal errors: ${JSON.stringify(internal.slice(0, 2))}`)
}
