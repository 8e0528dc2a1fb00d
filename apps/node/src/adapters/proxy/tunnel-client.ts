import { randomInt } from 'node:crypto'
import { lookup } from 'node:dns/promises'
import { createServer } from 'node:http2'
import type { Http2Server, IncomingHttpHeaders, ServerHttp2Stream } from 'node:http2'
import { connect } from 'node:net'
import type { Socket } from 'node:net'
import { parseDataGrant, publicKeyToString, signTunnelHello, TUNNEL_CHALLENGE_HEADER, TUNNEL_CONTROL_MAGIC, TUNNEL_DATA_GRANT_PATH, TUNNEL_HELLO_PATH } from '@meson/protocol'
import type { ExitPolicy, ResolveHostName } from '@meson/protocol'
import { backoffDelayMs } from '../../link/backoff-delay.ts'
import type { BackoffPolicy } from '../../link/backoff-delay.ts'
import type { NodeIdentity } from '../../identity/node-identity.ts'
import { ExitByteCounter } from '../../proxy/exit-byte-counter.ts'
import { ExitMonthFile, loadExitMonth } from './exit-month-file.ts'
import { TokenBucket } from '../../proxy/token-bucket.ts'
import { ExitDataPool } from './exit-data-pool.ts'
import { serveExitDataConnection, serveExitStream } from './exit-stream.ts'
import type { ExitStreamDependencies } from './exit-stream.ts'

/** Tunnel reconnects: 250 ms doubling to 30 s, equal jitter. */
export const TUNNEL_BACKOFF: BackoffPolicy = { initialDelayMs: 250, maxDelayMs: 30_000, multiplier: 2 }

/** HTTP/2 settings of the tunnel: many streams, windows large enough for bulk transfers. */
const STREAM_WINDOW_BYTES = 1 << 20
const SESSION_WINDOW_BYTES = 16 << 20

export interface ProxyTunnelClientOptions {
  readonly gateway: { readonly host: string; readonly port: number }
  readonly identity: NodeIdentity
  readonly policy: ExitPolicy
  readonly resolve?: ResolveHostName
  readonly dial?: ExitStreamDependencies['dial']
  readonly now?: () => number
  readonly random?: () => number
  readonly connectTimeoutMs?: number
  readonly backoff?: BackoffPolicy
  readonly onState?: (state: 'connected' | 'disconnected', detail?: unknown) => void
  /** Where the monthly byte counter is kept across restarts (none: in memory only). */
  readonly monthFile?: string
}

async function resolveAll(hostName: string): Promise<readonly string[]> {
  const answers = await lookup(hostName, { all: true, order: 'verbatim' })
  return answers.map((answer) => answer.address)
}

/**
 * The node's end of the proxy tunnel: one outbound control connection to the gateway
 * (the node needs no open port), on which it serves HTTP/2 — the signed hello, the
 * gateway's data grant, and CONNECT streams when no data connection is idle — plus the
 * pool of outbound data connections the grant allows, one per proxied stream.
 * Reconnects with capped, jittered backoff; when the control connection drops, every
 * stream and data connection dies with it, and their target sockets are closed.
 */
export class ProxyTunnelClient {
  readonly #options: ProxyTunnelClientOptions
  readonly #server: Http2Server
  readonly #counter: ExitByteCounter
  readonly #monthFile: ExitMonthFile | undefined
  readonly #buckets: { readonly up: TokenBucket; readonly down: TokenBucket } | undefined
  readonly #dependencies: ExitStreamDependencies
  #socket: Socket | undefined
  #dataPool: ExitDataPool | undefined
  #timer: NodeJS.Timeout | undefined
  #attempt = 0
  #stopped = true

  constructor(options: ProxyTunnelClientOptions) {
    this.#options = options
    const monthFile = options.monthFile === undefined ? undefined : new ExitMonthFile(options.monthFile)
    this.#monthFile = monthFile
    this.#counter = new ExitByteCounter({ initial: options.monthFile === undefined ? undefined : loadExitMonth(options.monthFile), onChange: (state) => monthFile?.save(state) })
    const rate = options.policy.bandwidthBytesPerSecond
    const now = options.now ?? Date.now
    this.#buckets = rate === undefined ? undefined : { up: new TokenBucket(rate, now), down: new TokenBucket(rate, now) }
    this.#dependencies = {
      policy: options.policy,
      resolve: options.resolve ?? resolveAll,
      ...(options.dial === undefined ? {} : { dial: options.dial }),
      counter: this.#counter,
      now,
      connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
      buckets: this.#buckets,
    }
    this.#server = createServer({
      settings: { maxConcurrentStreams: 10_000, initialWindowSize: STREAM_WINDOW_BYTES },
      maxSessionMemory: 64,
    })
    this.#server.on('session', (session) => {
      session.once('connect', () => session.setLocalWindowSize(SESSION_WINDOW_BYTES))
      session.on('error', () => undefined)
    })
    this.#server.on('stream', (stream, headers) => this.#onStream(stream, headers))
  }

  /** Data connections waiting for the gateway (0 before a grant). */
  get idleDataConnections(): number {
    return this.#dataPool?.idleCount ?? 0
  }

  /** Bytes moved this month (the monthly cap's counter). */
  get counter(): ExitByteCounter {
    return this.#counter
  }

  /** Starts dialing the gateway (and keeps redialing until `stop()`). */
  start(): void {
    if (!this.#stopped) return
    this.#stopped = false
    this.#dial()
  }

  /** Closes the tunnel; streams on it end at once; the monthly counter is saved once their target sockets have closed. */
  async stop(): Promise<void> {
    this.#stopped = true
    clearTimeout(this.#timer)
    this.#socket?.destroy()
    this.#dataPool?.close()
    await new Promise<void>((resolve) => setImmediate(resolve))
    await this.#monthFile?.flush()
  }

  #dial(): void {
    if (this.#stopped) return
    const { host, port } = this.#options.gateway
    const socket = connect({ host, port, noDelay: true })
    this.#socket = socket
    socket.setKeepAlive(true, 15_000)
    socket.once('connect', () => {
      this.#attempt = 0
      this.#options.onState?.('connected')
      socket.write(TUNNEL_CONTROL_MAGIC)
      this.#server.emit('connection', socket)
    })
    socket.once('error', () => undefined)
    socket.once('close', () => {
      if (this.#socket === socket) {
        this.#socket = undefined
        this.#dataPool?.close()
        this.#dataPool = undefined
      }
      this.#options.onState?.('disconnected')
      this.#scheduleRedial()
    })
  }

  #scheduleRedial(): void {
    if (this.#stopped) return
    const delay = backoffDelayMs(this.#attempt, this.#options.backoff ?? TUNNEL_BACKOFF, this.#options.random ?? (() => randomInt(1_000_000) / 1_000_000))
    this.#attempt += 1
    this.#timer = setTimeout(() => this.#dial(), delay)
  }

  #onStream(stream: ServerHttp2Stream, headers: IncomingHttpHeaders): void {
    stream.on('error', () => undefined)
    if (headers[':method'] === 'POST' && headers[':path'] === TUNNEL_HELLO_PATH) {
      const challenge = headers[TUNNEL_CHALLENGE_HEADER]
      if (typeof challenge !== 'string') {
        stream.respond({ ':status': 400 }, { endStream: true })
        return
      }
      const { identity } = this.#options
      const hello = signTunnelHello({ challenge, nodeId: identity.nodeId, publicKey: publicKeyToString(identity.publicKey), privateKey: identity.privateKey })
      stream.respond({ ':status': 200, 'content-type': 'application/json' })
      stream.end(JSON.stringify(hello))
      return
    }
    if (headers[':method'] === 'POST' && headers[':path'] === TUNNEL_DATA_GRANT_PATH) {
      const grant = parseDataGrant(headers)
      stream.respond({ ':status': grant === undefined ? 400 : 204 }, { endStream: true })
      if (grant === undefined || this.#socket === undefined) return
      this.#dataPool?.close()
      this.#dataPool = new ExitDataPool({
        gateway: this.#options.gateway,
        grant,
        serve: (socket, authority) => serveExitDataConnection(socket, authority, this.#dependencies).catch(() => void socket.destroy()),
        backoff: this.#options.backoff ?? TUNNEL_BACKOFF,
        random: this.#options.random ?? (() => randomInt(1_000_000) / 1_000_000),
      })
      this.#dataPool.fill()
      return
    }
    void serveExitStream(stream, headers, this.#dependencies).catch(() => stream.destroy())
  }
}
