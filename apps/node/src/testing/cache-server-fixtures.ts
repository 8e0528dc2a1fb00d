import { mkdtemp, rm } from 'node:fs/promises'
import { createServer, request as httpRequest } from 'node:http'
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, beforeEach } from 'node:test'
import { loadNodeConfig } from '../config/config.ts'
import type { NodeConfig } from '../config/config.ts'
import { startNode } from '../main.ts'
import type { RunningNode } from '../main.ts'

/** Test support for the server's tests (not a test file itself). */

export type OriginHandler = (req: IncomingMessage, res: ServerResponse) => void

/** A local origin whose answers each test scripts per path; it counts what it saw. */
export interface ScriptedOrigin {
  readonly url: string
  /** Requests seen per path (with query). */
  readonly counts: Map<string, number>
  /** Request header fields of the last request per path. */
  readonly lastHeaders: Map<string, IncomingHttpHeaders>
  route(path: string, handler: OriginHandler): void
  count(path: string): number
  close(): Promise<void>
}

export async function startScriptedOrigin(): Promise<ScriptedOrigin> {
  const routes = new Map<string, OriginHandler>()
  const counts = new Map<string, number>()
  const lastHeaders = new Map<string, IncomingHttpHeaders>()
  const server: Server = createServer((req, res) => {
    const path = req.url ?? '/'
    counts.set(path, (counts.get(path) ?? 0) + 1)
    lastHeaders.set(path, req.headers)
    // No automatic Date: the tests' clock is fake, and a real Date would add apparent age.
    res.sendDate = false
    const handler = routes.get(path) ?? routes.get('*')
    if (handler === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain' })
      res.end('no such route')
      return
    }
    handler(req, res)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    counts,
    lastHeaders,
    route: (path, handler) => void routes.set(path, handler),
    count: (path) => counts.get(path) ?? 0,
    close: () => {
      server.closeAllConnections()
      return new Promise((resolve) => server.close(() => resolve()))
    },
  }
}

/** A clock the test moves by hand. */
export interface ManualClock {
  nowMs(): number
  advance(ms: number): void
}

export function createManualClock(startMs = 1_700_000_000_000): ManualClock {
  let now = startMs
  return { nowMs: () => now, advance: (ms) => void (now += ms) }
}

/** A node in standalone mode over a fresh temp data dir, with test-sized limits. */
export interface TestNode {
  readonly node: RunningNode
  readonly dataDir: string
  readonly config: NodeConfig
  stop(): Promise<void>
}

export async function startTestNode(
  originUrl: string,
  options: { readonly clock?: ManualClock; readonly flags?: Partial<Record<keyof NodeConfig, string>>; readonly dataDir?: string } = {},
): Promise<TestNode> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'meson-node-test-')))
  const config = loadNodeConfig({
    env: {},
    flags: {
      originUrl,
      port: '0',
      host: '127.0.0.1',
      dataDir,
      cacheSizeBytes: '64MiB',
      memoryCacheBytes: '8MiB',
      maxObjectSizeBytes: '16MiB',
      adminToken: 'test-admin-token',
      originTimeoutMs: '2000',
      originIdleTimeoutMs: '2000',
      shutdownGraceMs: '500',
      ...options.flags,
    },
  })
  const node = await startNode(config, options.clock === undefined ? {} : { clock: options.clock })
  return {
    node,
    dataDir,
    config,
    stop: async () => {
      await node.stop()
      if (options.dataDir === undefined) await rm(dataDir, { recursive: true, force: true })
    },
  }
}

/** A response read to its end, or how it ended early. */
export interface ClientResponse {
  readonly status: number
  readonly headers: IncomingHttpHeaders
  readonly body: Buffer
  /** The connection broke before the body was complete. */
  readonly isAborted: boolean
}

/** One request on a fresh connection (no pooling, so tests never share sockets). */
export function send(
  baseUrl: string,
  path: string,
  options: { readonly method?: string; readonly headers?: Record<string, string>; readonly body?: string } = {},
): Promise<ClientResponse> {
  return new Promise((resolve, reject) => {
    const url = new URL(baseUrl)
    const req = httpRequest({ host: url.hostname, port: url.port, path, method: options.method ?? 'GET', headers: options.headers, agent: false }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      const finish = (isAborted: boolean) => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), isAborted })
      res.on('end', () => finish(!res.complete))
      res.on('error', () => finish(true))
    })
    req.on('error', reject)
    req.end(options.body)
  })
}

/** Waits until `check` holds, polling; for effects of background work (never a timing assertion). */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time')
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

export function removeDir(dir: string): Promise<void> {
  return rm(dir, { recursive: true, force: true })
}

/** The `error.code` of a JSON error body, or undefined. */
export function errorCodeOf(response: ClientResponse): string | undefined {
  const parsed: unknown = JSON.parse(response.body.toString())
  if (typeof parsed !== 'object' || parsed === null || !('error' in parsed)) return undefined
  const error: unknown = parsed.error
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' ? error.code : undefined
}

/** The origin, clock and node of {@link useScriptedNode}, set before the suite's first test. */
export interface ScriptedNodeWorld {
  readonly origin: ScriptedOrigin
  readonly clock: ManualClock
  readonly node: TestNode
}

/**
 * Registers the hooks most cache suites share: before them, a scripted origin and a
 * standalone node on a manual clock (handed to `onReady`); after them, both stopped;
 * before each test, the clock one second on, so entries of one test age apart from the next.
 */
export function useScriptedNode(onReady: (world: ScriptedNodeWorld) => void): void {
  let world: ScriptedNodeWorld | undefined
  before(async () => {
    const origin = await startScriptedOrigin()
    const clock = createManualClock()
    world = { origin, clock, node: await startTestNode(origin.url, { clock }) }
    onReady(world)
  })
  after(async () => {
    await world?.node.stop()
    await world?.origin.close()
  })
  beforeEach(() => world?.clock.advance(1000))
}
