import type { ClientHttp2Session, ClientHttp2Stream } from 'node:http2'
import type { Socket } from 'node:net'
import type { Duplex } from 'node:stream'
import { buildDataRequest, parseDataReply, parseTunnelRefusal, readTunnelFrame, TUNNEL_EXIT_ADDRESS_HEADER, TUNNEL_REFUSAL_HEADER } from '@meson/protocol'
import type { TunnelRefusal } from '@meson/protocol'

/** Why opening a stream through an exit failed; 'tunnel-lost' means the exit, not the target. */
export type OpenStreamRefusal = TunnelRefusal | 'tunnel-lost'

export type OpenStreamResult =
  | { readonly ok: true; readonly stream: Duplex; readonly exitAddress: string; readonly carrier: 'data' | 'http2' }
  | { readonly ok: false; readonly reason: OpenStreamRefusal }

/** A reply is `status | u8 | text`. */
const MAX_REPLY_BYTES = 258

interface IdleDataConnection {
  readonly socket: Socket
  readonly onIdleData: () => void
}

/**
 * The gateway's handle on one node's tunnel: the authenticated HTTP/2 control session
 * and the data connections the node dialed for it. A proxied stream takes an idle data
 * connection when there is one (raw bytes after a small request/reply, TCP's own flow
 * control) and an HTTP/2 CONNECT stream otherwise. Closing the tunnel, or its control
 * session dropping, closes every data connection with it.
 */
export class ExitTunnel {
  readonly nodeId: string
  readonly #session: ClientHttp2Session
  readonly #responseTimeoutMs: number
  readonly #maxDataConnections: number
  readonly #idle: IdleDataConnection[] = []
  readonly #dataConnections = new Set<Socket>()

  constructor(nodeId: string, session: ClientHttp2Session, options: { readonly responseTimeoutMs: number; readonly maxDataConnections: number }) {
    this.nodeId = nodeId
    this.#session = session
    this.#responseTimeoutMs = options.responseTimeoutMs
    this.#maxDataConnections = options.maxDataConnections
    session.once('close', () => this.#closeDataConnections())
  }

  /** Data connections waiting for a stream. */
  get idleDataConnections(): number {
    return this.#idle.length
  }

  /** Takes an authenticated data connection into the idle pool; false (and closed) when over the limit or closed. */
  addDataConnection(socket: Socket): boolean {
    if (this.#session.closed || this.#session.destroyed || this.#dataConnections.size >= this.#maxDataConnections) {
      socket.destroy()
      return false
    }
    this.#dataConnections.add(socket)
    socket.on('error', () => undefined)
    socket.setKeepAlive(true, 15_000)
    // While idle the exit has nothing to say: a byte now is a protocol error.
    const entry: IdleDataConnection = { socket, onIdleData: () => socket.destroy() }
    socket.on('data', entry.onIdleData)
    socket.resume()
    socket.once('close', () => {
      this.#dataConnections.delete(socket)
      const index = this.#idle.indexOf(entry)
      if (index >= 0) this.#idle.splice(index, 1)
    })
    this.#idle.push(entry)
    return true
  }

  /**
   * Opens one proxied stream to `host:port` through the exit: on an idle data connection
   * if any (one that dies before answering is skipped), else an HTTP/2 CONNECT stream.
   */
  async open(authority: string): Promise<OpenStreamResult> {
    for (let entry = this.#idle.pop(); entry !== undefined; entry = this.#idle.pop()) {
      entry.socket.off('data', entry.onIdleData)
      if (entry.socket.destroyed) continue
      const opened = await this.#openOnData(entry.socket, authority)
      if (opened !== undefined) return opened
    }
    return this.#openOnStream(authority)
  }

  async #openOnData(socket: Socket, authority: string): Promise<OpenStreamResult | undefined> {
    socket.write(buildDataRequest(authority))
    const reply = await readTunnelFrame(socket, parseDataReply, { maxBytes: MAX_REPLY_BYTES, timeoutMs: this.#responseTimeoutMs })
    if (reply?.ok === true) return { ok: true, stream: socket, exitAddress: reply.exitAddress, carrier: 'data' }
    const closedFirst = socket.destroyed || socket.readableEnded
    socket.destroy()
    if (reply !== undefined) return { ok: false, reason: reply.reason }
    return closedFirst ? undefined : { ok: false, reason: 'connect-failed' }
  }

  /** Opens one HTTP/2 CONNECT stream to `host:port` through the exit (RFC 9113 §8.5). */
  #openOnStream(authority: string): Promise<OpenStreamResult> {
    return new Promise((resolve) => {
      if (this.#session.closed || this.#session.destroyed) {
        resolve({ ok: false, reason: 'tunnel-lost' })
        return
      }
      let stream: ClientHttp2Stream
      try {
        stream = this.#session.request({ ':method': 'CONNECT', ':authority': authority }, { endStream: false })
      } catch {
        resolve({ ok: false, reason: 'tunnel-lost' })
        return
      }
      let settled = false
      const settle = (result: OpenStreamResult): void => {
        if (settled) return
        settled = true
        clearTimeout(timer)
        resolve(result)
      }
      const timer = setTimeout(() => {
        stream.close()
        settle({ ok: false, reason: 'connect-failed' })
      }, this.#responseTimeoutMs)
      stream.on('error', () => settle({ ok: false, reason: 'tunnel-lost' }))
      stream.once('close', () => settle({ ok: false, reason: 'tunnel-lost' }))
      stream.once('response', (headers) => {
        const status = headers[':status']
        if (status === 200) {
          const address = headers[TUNNEL_EXIT_ADDRESS_HEADER]
          settle({ ok: true, stream, exitAddress: typeof address === 'string' ? address : '', carrier: 'http2' })
          return
        }
        settle({ ok: false, reason: parseTunnelRefusal(headers[TUNNEL_REFUSAL_HEADER]) })
        stream.close()
      })
    })
  }

  /** Closes the tunnel; every stream and data connection on it fails at once. */
  close(): void {
    this.#session.destroy()
    this.#closeDataConnections()
  }

  #closeDataConnections(): void {
    for (const socket of this.#dataConnections) socket.destroy()
  }
}
