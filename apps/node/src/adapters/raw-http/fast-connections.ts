import type { Server } from 'node:http'
import type { Socket } from 'node:net'
import { BaseError } from '@meson/protocol'
import { ADMIN_PATH_PREFIX } from '../http/admin-routes.ts'
import type { ClientLimits, ExtraConnections } from '../http/client-limits.ts'
import { parsePlainRequestHead } from './plain-request-head.ts'
import type { PlainRequestLimits } from './plain-request-head.ts'
import { RawClientError } from './raw-client-error.ts'
import type { RawHitFraming, RawHitSource } from './raw-fresh-hit.ts'

export interface FastConnectionsParameters {
  /** The bytes of a hit for a plain request, or undefined for node:http (standalone: `rawFreshHitSource`; CDN mode: `rawZoneHitSource`). */
  readonly answer: RawHitSource
  readonly limits: ClientLimits
  /** `/_meson/*` is served on this server, so such requests go to node:http. */
  readonly servesAdminRoutes: boolean
  /** Learns of a throw while a connection's bytes were handled (the client got a 500). */
  readonly onUnexpectedError?: (error: unknown) => void
}

/** The fast connections of one server, for its graceful close. */
export interface FastConnections extends ExtraConnections {
  /** Stops answering on fast connections: idle ones are closed, ones with a request pending are handed to node:http. */
  closeIdle(): void
  /** Cuts every fast connection still open (the end of the shutdown grace). */
  closeAll(): void
  /** Connections the fast path still owns. */
  readonly openCount: number
}

/** The server's connection listener is not the single one node:http installs; the fast path cannot sit in front of it. */
export class FastConnectionsSetupError extends BaseError {
  override readonly name = 'FastConnectionsSetupError'
  constructor() {
    super('FAST_CONNECTIONS_SETUP', 'The server must have exactly one connection listener (node:http\'s) to put fast connections in front of it.')
  }
}

/**
 * Puts a connection-level fast path in front of a node:http server: each new connection
 * is read here first, and complete plain GET/HEAD requests for fresh in-memory hits are
 * answered with one precomputed buffer each (pipelined in order). At the first request
 * that is anything else (a miss, a stale entry, any field or byte outside the strict
 * grammar of `parsePlainRequestHead`), the unconsumed bytes are put back
 * (`socket.unshift`) and the connection goes to node:http's own connection listener,
 * for good: node:http then parses strictly from a request boundary, so the two parsers
 * never disagree about where a request ends. Timeouts mirror node:http's: the headers
 * timeout (408, through the server's `clientError`), the idle keep-alive timeout plus
 * `keepAliveTimeoutBuffer`, and an inactivity timeout while a response waits on a slow
 * reader, whose requests are not read meanwhile (backpressure).
 *
 * Differences from node:http, on purpose: none in the bytes of a response; an incomplete
 * head that never ends a line is judged at its first CR/LF, so a bad byte in it is
 * answered then (or at the headers timeout) rather than at once.
 */
export function installFastConnections(server: Server, parameters: FastConnectionsParameters): FastConnections {
  const listeners = server.listeners('connection')
  const nodeConnectionListener = listeners[0]
  if (listeners.length !== 1 || nodeConnectionListener === undefined) throw new FastConnectionsSetupError()
  // node:http's listener, taken off so it only sees the connections handed to it.
  server.removeAllListeners('connection')

  const { limits } = parameters
  const connections = new Set<FastConnection>()
  const shared: SharedState = {
    server,
    answer: parameters.answer,
    servesAdminRoutes: parameters.servesAdminRoutes,
    // Shorter than node:http's limit, so whatever it would refuse as too large is its call.
    parseLimits: { maxHeadBytes: Math.min(limits.maxHeaderSizeBytes, 8192), maxHeaderCount: limits.maxHeaderCount },
    headersTimeoutMs: Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs),
    idleTimeoutMs: limits.keepAliveTimeoutMs + server.keepAliveTimeoutBuffer,
    keepAlive: { isClose: false, keepAliveTimeoutSeconds: Math.floor(limits.keepAliveTimeoutMs / 1000) },
    close: { isClose: true, keepAliveTimeoutSeconds: Math.floor(limits.keepAliveTimeoutMs / 1000) },
    isClosing: false,
    connections,
    handOver: (socket) => {
      Reflect.apply(nodeConnectionListener, server, [socket])
    },
    onUnexpectedError: parameters.onUnexpectedError ?? (() => undefined),
  }
  server.on('connection', (socket: Socket) => {
    connections.add(new FastConnection(shared, socket))
  })
  // One sweep for all connections, like node:http's connectionsCheckingInterval: a
  // request costs a number assignment, not a timer re-arm.
  const sweep = setInterval(() => {
    const nowMs = Date.now()
    for (const connection of connections) connection.checkDeadline(nowMs)
  }, Math.max(10, Math.min(1000, Math.floor(shared.headersTimeoutMs / 4))))
  sweep.unref()
  server.once('close', () => clearInterval(sweep))

  return {
    closeIdle() {
      shared.isClosing = true
      for (const connection of connections) connection.closeIfIdle()
    },
    closeAll() {
      for (const connection of connections) connection.destroy()
    },
    get openCount() {
      return connections.size
    },
  }
}

interface SharedState {
  readonly server: Server
  readonly answer: RawHitSource
  readonly servesAdminRoutes: boolean
  readonly parseLimits: PlainRequestLimits
  readonly headersTimeoutMs: number
  readonly idleTimeoutMs: number
  readonly keepAlive: RawHitFraming
  readonly close: RawHitFraming
  isClosing: boolean
  readonly connections: Set<FastConnection>
  readonly handOver: (socket: Socket) => void
  readonly onUnexpectedError: (error: unknown) => void
}

/**
 * Connections that answered in this event-loop turn, corked: one `setImmediate` (after
 * the poll phase has read every ready connection) uncorks them all, so the answers leave
 * back to back and the reader is woken once per batch, not once per answer (as the
 * coordinator's raw redirect path does, ADR 0016). Latency cost: at most one loop turn.
 */
const corked: FastConnection[] = []
function flushCorked(): void {
  for (const connection of corked) connection.uncork()
  corked.length = 0
}

/** One connection while the fast path owns it. */
class FastConnection {
  readonly #shared: SharedState
  readonly #socket: Socket
  /** Bytes of an incomplete request (or of requests held back while the socket drains). */
  #pending: Buffer[] = []
  #pendingBytes = 0
  /** When the connection is cut: the headers deadline of a request in progress, or the idle deadline. */
  #deadlineMs: number
  #isHeadersDeadline = true
  #isWaitingForDrain = false
  #isReadEnded = false
  #isCorked = false

  constructor(shared: SharedState, socket: Socket) {
    this.#shared = shared
    this.#socket = socket
    // node:http applies its headers timeout to a new connection's first request too.
    this.#deadlineMs = Date.now() + shared.headersTimeoutMs
    socket.on('data', this.#onData)
    socket.on('end', this.#onEnd)
    socket.on('drain', this.#onDrain)
    socket.on('timeout', this.#onTimeout)
    socket.on('close', this.#onClose)
    socket.on('error', ignoreError)
  }

  checkDeadline(nowMs: number): void {
    if (nowMs < this.#deadlineMs) return
    if (this.#isHeadersDeadline) this.#failClient(new RawClientError('ERR_HTTP_REQUEST_TIMEOUT'))
    else this.destroy()
  }

  closeIfIdle(): void {
    if (this.#pendingBytes > 0) this.#handOver(this.#takePending())
    else if (this.#socket.writableLength === 0) this.destroy()
    else this.#endAfterWrites()
  }

  destroy(): void {
    this.#stopReading()
    this.#socket.destroy()
  }

  uncork(): void {
    if (!this.#isCorked) return
    this.#isCorked = false
    this.#socket.uncork()
  }

  readonly #onData = (chunk: Buffer): void => {
    if (this.#pendingBytes === 0) {
      this.#processGuarded(chunk)
      return
    }
    this.#pending.push(chunk)
    this.#pendingBytes += chunk.length
    // A client sending its head in pieces: look again only when a piece could decide it.
    if (!couldDecide(chunk) && this.#pendingBytes < this.#shared.parseLimits.maxHeadBytes) return
    this.#processGuarded(this.#takePending())
  }

  readonly #onDrain = (): void => {
    if (!this.#isWaitingForDrain) return
    this.#isWaitingForDrain = false
    this.#socket.setTimeout(0)
    this.#socket.resume()
    this.#processGuarded(this.#takePending())
  }

  /**
   * This path's top-level guard (socket events run outside any request handler, so a
   * throw here would end the process): a 500 without a stack trace, then close.
   */
  #processGuarded(buffer: Buffer): void {
    try {
      this.#process(buffer, 0)
    } catch (error) {
      this.#shared.onUnexpectedError(error)
      if (this.#socket.writable) this.#socket.end(INTERNAL_ERROR_RESPONSE)
      this.#socket.destroySoon()
    }
  }

  readonly #onEnd = (): void => {
    this.#isReadEnded = true
    if (this.#isWaitingForDrain) return // answered after the drain, then ended
    // node:http answers a request cut by the end of the stream with 400 (llhttp's finish()).
    if (this.#pendingBytes > 0) this.#failClient(new RawClientError('HPE_INVALID_EOF_STATE'))
    else this.#endAfterWrites()
  }

  readonly #onTimeout = (): void => {
    this.destroy()
  }

  readonly #onClose = (): void => {
    this.#shared.connections.delete(this)
  }

  #process(buffer: Buffer, startOffset: number): void {
    const shared = this.#shared
    const socket = this.#socket
    let offset = startOffset
    for (;;) {
      if (offset >= buffer.length) {
        this.#becomeIdle()
        return
      }
      if (socket.writableNeedDrain) {
        this.#waitForDrain(buffer.subarray(offset))
        return
      }
      const head = parsePlainRequestHead(buffer, offset, shared.parseLimits)
      if (head.kind === 'incomplete') {
        this.#keepPartial(buffer.subarray(offset))
        return
      }
      // Anything but a plain request, a close with requests after it, or the admin routes: node:http's call.
      if (
        head.kind === 'other' ||
        shared.isClosing ||
        (head.wantsClose && head.endOffset < buffer.length) ||
        (shared.servesAdminRoutes && head.target.startsWith(ADMIN_PATH_PREFIX))
      ) {
        this.#handOver(buffer.subarray(offset))
        return
      }
      const hit = shared.answer(head, head.wantsClose ? shared.close : shared.keepAlive, socket)
      if (hit === undefined) {
        this.#handOver(buffer.subarray(offset))
        return
      }
      if (!this.#isCorked) {
        socket.cork()
        this.#isCorked = true
        corked.push(this)
        if (corked.length === 1) setImmediate(flushCorked)
      }
      socket.write(hit.head)
      if (hit.body !== undefined) socket.write(hit.body)
      offset = head.endOffset
      if (head.wantsClose) {
        // RFC 9112 §9.6: nothing more is read after a request with `close`.
        this.#endAfterWrites()
        return
      }
    }
  }

  #becomeIdle(): void {
    this.#isHeadersDeadline = false
    if (this.#socket.writableNeedDrain) {
      this.#waitForDrain(undefined)
      return
    }
    this.#deadlineMs = Date.now() + this.#shared.idleTimeoutMs
    if (this.#isReadEnded) this.#endAfterWrites()
  }

  #keepPartial(rest: Buffer): void {
    this.#pending = [rest]
    this.#pendingBytes = rest.length
    if (!this.#isHeadersDeadline) {
      this.#isHeadersDeadline = true
      this.#deadlineMs = Date.now() + this.#shared.headersTimeoutMs
    }
    if (this.#isReadEnded) this.#failClient(new RawClientError('HPE_INVALID_EOF_STATE'))
  }

  /**
   * The client reads slower than we answer: stop reading its requests until the
   * socket drains. Meanwhile the deadline is node:http's socket inactivity timeout, so a
   * slow reader that makes progress is kept and one that never reads is cut.
   */
  #waitForDrain(rest: Buffer | undefined): void {
    this.#pending = rest === undefined ? [] : [rest]
    this.#pendingBytes = rest?.length ?? 0
    this.#isWaitingForDrain = true
    this.#isHeadersDeadline = false
    this.#deadlineMs = Number.POSITIVE_INFINITY
    this.#socket.pause()
    this.#socket.setTimeout(this.#shared.idleTimeoutMs)
  }

  #takePending(): Buffer {
    const buffer = this.#pending.length === 1 ? (this.#pending[0] ?? Buffer.alloc(0)) : Buffer.concat(this.#pending, this.#pendingBytes)
    this.#pending = []
    this.#pendingBytes = 0
    return buffer
  }

  /** From here on node:http owns the connection; `rest` starts at a request boundary. */
  #handOver(rest: Buffer): void {
    const socket = this.#socket
    this.#release()
    socket.off('error', ignoreError)
    if (rest.length > 0) socket.unshift(rest)
    this.#shared.handOver(socket)
    // Its listener does not resume a socket we paused for backpressure.
    if (socket.isPaused()) socket.resume()
  }

  #failClient(error: RawClientError): void {
    const socket = this.#socket
    this.#release()
    if (this.#shared.server.listenerCount('clientError') > 0) this.#shared.server.emit('clientError', error, socket)
    else socket.destroy()
  }

  #endAfterWrites(): void {
    // `end` flushes corked bytes itself; the flag only keeps flushCorked from a second uncork.
    this.#isCorked = false
    this.#stopReading()
    this.#deadlineMs = Number.POSITIVE_INFINITY
    // Cut a peer that never reads what is left, as node:http's socket timeout would.
    this.#socket.setTimeout(this.#shared.idleTimeoutMs)
    this.#socket.end()
  }

  #stopReading(): void {
    this.#socket.off('data', this.#onData)
    this.#socket.off('end', this.#onEnd)
    this.#socket.off('drain', this.#onDrain)
    this.#pending = []
    this.#pendingBytes = 0
    this.#isWaitingForDrain = false
  }

  /** Removes every listener of ours but the error guard and forgets the connection. */
  #release(): void {
    // Our answers go out first: node:http may write its own and destroy the socket (a 400), which drops corked bytes.
    this.uncork()
    this.#stopReading()
    this.#socket.off('timeout', this.#onTimeout)
    this.#socket.off('close', this.#onClose)
    this.#socket.setTimeout(0)
    this.#shared.connections.delete(this)
  }
}

/** Whether a piece of a head may complete or refuse it: any byte but SP..~ and HTAB (CR, LF, controls, non-ASCII). */
function couldDecide(chunk: Buffer): boolean {
  for (const byte of chunk) if ((byte < 0x20 && byte !== 0x09) || byte > 0x7e) return true
  return false
}

const INTERNAL_ERROR_RESPONSE = 'HTTP/1.1 500 Internal Server Error\r\nConnection: close\r\nContent-Length: 0\r\n\r\n'

/** Socket errors end in 'close', which forgets the connection; nothing else to do. */
function ignoreError(): void {}
