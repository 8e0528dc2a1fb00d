import { randomBytes } from 'node:crypto'
import { connect as connectHttp2 } from 'node:http2'
import type { ClientHttp2Session } from 'node:http2'
import { createServer } from 'node:net'
import type { AddressInfo, Server, Socket } from 'node:net'
import {
  DATA_HELLO_BYTES,
  DATA_KEY_BYTES,
  DATA_SESSION_ID_BYTES,
  dataGrantHeaders,
  isDataHelloAuthentic,
  parseTunnelOpening,
  readTunnelFrame,
  TUNNEL_CHALLENGE_HEADER,
  TUNNEL_DATA_GRANT_PATH,
  TUNNEL_HELLO_PATH,
  verifyTunnelHello,
} from '@meson/protocol'
import type { DataHello } from '@meson/protocol'
import { DataCounterWindow } from '../../proxy/data-counter-window.ts'
import type { ExitPool } from '../../proxy/exit-pool.ts'
import { ExitTunnel } from './exit-tunnel.ts'

/** What the gateway knows of an authenticated node: whose it is and where it egresses. */
export interface AuthorizedExit {
  readonly operatorId: string
  readonly country: string | undefined
}

export interface TunnelListenerOptions {
  readonly host: string
  readonly port: number
  readonly pool: ExitPool<ExitTunnel>
  /** Registered node with this key? Undefined refuses the tunnel. */
  readonly authorizeExit: (nodeId: string, publicKey: string, remoteAddress: string) => Promise<AuthorizedExit | undefined>
  readonly helloTimeoutMs?: number
  readonly streamResponseTimeoutMs?: number
  /** Liveness: a tunnel that does not answer a PING within this is dropped. */
  readonly pingIntervalMs?: number
  readonly onEvent?: (event: 'exit-connected' | 'exit-disconnected' | 'exit-refused', nodeId: string | undefined) => void
  /**
   * Data connections granted to each exit: `idle` kept ready by the node, `max` open at
   * once (beyond, streams use HTTP/2). `idle` 0 grants none: every stream is HTTP/2.
   */
  readonly dataConnections?: { readonly idle: number; readonly max: number }
}

/** Default data-connection grant: 8 ready, up to 512 open per exit. */
export const DEFAULT_DATA_CONNECTIONS = { idle: 8, max: 512 } as const

/** A granted tunnel session, as its data connections find it. */
interface DataSession {
  readonly tunnel: ExitTunnel
  readonly key: Uint8Array
  readonly counters: DataCounterWindow
}

const STREAM_WINDOW_BYTES = 1 << 20
const SESSION_WINDOW_BYTES = 16 << 20
const MAX_HELLO_BYTES = 4096

/**
 * Accepts node tunnels: TCP from the node, the gateway speaks HTTP/2 as the client on
 * it. The first stream is the hello (challenge → signed answer); an exit joins the pool
 * only once its key checks out and the node is registered, and is then granted data
 * connections (a session id and key; the node dials them to this same port). A tunnel
 * that closes or stops answering PINGs leaves the pool, and its streams and data
 * connections fail at once.
 */
export class TunnelListener {
  readonly #options: TunnelListenerOptions
  readonly #server: Server
  readonly #sessions = new Set<ClientHttp2Session>()
  readonly #dataSessions = new Map<string, DataSession>()
  readonly #pending = new Set<Socket>()

  constructor(options: TunnelListenerOptions) {
    this.#options = options
    this.#server = createServer({ noDelay: true }, (socket) => this.#accept(socket))
  }

  async start(): Promise<AddressInfo> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject)
      this.#server.listen(this.#options.port, this.#options.host, () => resolve())
    })
    const address = this.#server.address()
    if (address === null || typeof address === 'string') throw new Error('the tunnel listener is not bound to a TCP address')
    return address
  }

  async stop(): Promise<void> {
    for (const session of this.#sessions) session.destroy()
    for (const socket of this.#pending) socket.destroy()
    await new Promise<void>((resolve) => this.#server.close(() => resolve()))
  }

  /**
   * Every connection opens with a magic: the control connection's (HTTP/2 follows) or a
   * data connection's hello, which must name a granted session, carry its key's MAC and
   * a counter not seen before; anything else is closed.
   */
  #accept(socket: Socket): void {
    this.#pending.add(socket)
    socket.on('error', () => undefined)
    void readTunnelFrame(socket, parseTunnelOpening, { maxBytes: DATA_HELLO_BYTES, timeoutMs: this.#options.helloTimeoutMs ?? 10_000 }).then((opening) => {
      this.#pending.delete(socket)
      if (opening === undefined) return void socket.destroy()
      if (opening === 'control') return this.#acceptControl(socket)
      this.#acceptData(socket, opening)
    })
  }

  #acceptData(socket: Socket, hello: DataHello): void {
    const session = this.#dataSessions.get(hello.sessionId)
    if (session === undefined || !isDataHelloAuthentic(hello, session.key) || !session.counters.accept(hello.counter)) return void socket.destroy()
    session.tunnel.addDataConnection(socket)
  }

  /** Grants the exit its data connections over the control session. */
  #grant(session: ClientHttp2Session, tunnel: ExitTunnel): void {
    const limits = this.#options.dataConnections ?? DEFAULT_DATA_CONNECTIONS
    if (limits.idle <= 0) return
    const sessionId = randomBytes(DATA_SESSION_ID_BYTES)
    const key = randomBytes(DATA_KEY_BYTES)
    const id = sessionId.toString('base64url')
    this.#dataSessions.set(id, { tunnel, key, counters: new DataCounterWindow() })
    session.once('close', () => this.#dataSessions.delete(id))
    try {
      const stream = session.request({ ':method': 'POST', ':path': TUNNEL_DATA_GRANT_PATH, ...dataGrantHeaders({ sessionId, key, idle: limits.idle, max: limits.max }) }, { endStream: true })
      stream.on('error', () => undefined)
      stream.resume()
    } catch {
      session.destroy()
    }
  }

  #acceptControl(socket: Socket): void {
    socket.setKeepAlive(true, 15_000)
    const session = connectHttp2('http://meson-exit', {
      createConnection: () => socket,
      settings: { enablePush: false, initialWindowSize: STREAM_WINDOW_BYTES },
      maxSessionMemory: 64,
      peerMaxConcurrentStreams: 10_000,
    })
    this.#sessions.add(session)
    session.on('error', () => undefined)
    session.once('connect', () => session.setLocalWindowSize(SESSION_WINDOW_BYTES))
    let nodeId: string | undefined
    let tunnel: ExitTunnel | undefined
    const ping = setInterval(() => {
      const timer = setTimeout(() => session.destroy(), this.#options.pingIntervalMs ?? 15_000)
      try {
        session.ping(() => clearTimeout(timer))
      } catch {
        clearTimeout(timer)
      }
    }, this.#options.pingIntervalMs ?? 15_000)
    ping.unref()
    session.once('close', () => {
      clearInterval(ping)
      this.#sessions.delete(session)
      socket.destroy()
      if (nodeId !== undefined && tunnel !== undefined) {
        this.#options.pool.remove(nodeId, tunnel)
        this.#options.onEvent?.('exit-disconnected', nodeId)
      }
    })
    void this.#hello(session, socket.remoteAddress ?? '').then((authorized) => {
      if (authorized === undefined) {
        this.#options.onEvent?.('exit-refused', undefined)
        session.destroy()
        return
      }
      nodeId = authorized.nodeId
      tunnel = new ExitTunnel(authorized.nodeId, session, { responseTimeoutMs: this.#options.streamResponseTimeoutMs ?? 15_000, maxDataConnections: (this.#options.dataConnections ?? DEFAULT_DATA_CONNECTIONS).max })
      if (session.destroyed) return
      this.#grant(session, tunnel)
      this.#options.pool.add({ nodeId: authorized.nodeId, operatorId: authorized.operatorId, country: authorized.country, tunnel })
      this.#options.onEvent?.('exit-connected', authorized.nodeId)
    })
  }

  async #hello(session: ClientHttp2Session, remoteAddress: string): Promise<(AuthorizedExit & { readonly nodeId: string }) | undefined> {
    const challenge = randomBytes(32).toString('base64url')
    const body = await new Promise<string | undefined>((resolve) => {
      let stream
      try {
        stream = session.request({ ':method': 'POST', ':path': TUNNEL_HELLO_PATH, [TUNNEL_CHALLENGE_HEADER]: challenge }, { endStream: true })
      } catch {
        resolve(undefined)
        return
      }
      const timer = setTimeout(() => {
        stream.close()
        resolve(undefined)
      }, this.#options.helloTimeoutMs ?? 10_000)
      const chunks: Buffer[] = []
      let size = 0
      stream.on('error', () => undefined)
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length
        if (size > MAX_HELLO_BYTES) stream.close()
        else chunks.push(chunk)
      })
      stream.once('close', () => {
        clearTimeout(timer)
        resolve(size > MAX_HELLO_BYTES ? undefined : Buffer.concat(chunks).toString('utf8'))
      })
    })
    if (body === undefined) return undefined
    let json: unknown
    try {
      json = JSON.parse(body)
    } catch {
      return undefined
    }
    const hello = verifyTunnelHello(json, challenge)
    if (hello === undefined) return undefined
    const authorized = await this.#options.authorizeExit(hello.nodeId, hello.publicKey, remoteAddress).catch(() => undefined)
    return authorized === undefined ? undefined : { ...authorized, nodeId: hello.nodeId }
  }
}
