import type { Server } from 'node:http'
import type { Socket } from 'node:net'
import { BaseError } from '@meson/protocol'
import { parsePlainRedirectHead } from './plain-redirect-head.ts'
import type { PlainRedirectHead } from './plain-redirect-head.ts'
import type { RawRedirect } from './redirect-route.ts'

export interface RawRedirectConnectionsParameters {
  readonly rawRedirect: RawRedirect
  /** Learns of a throw while a connection's bytes were handled (the client got a 500). */
  readonly onUnexpectedError: (error: unknown) => void
}

/** The raw connections of one server, for its close. */
export interface RawRedirectConnections {
  /** Ends every connection the raw path still owns (after what was written is sent). */
  closeAll(): void
  /** Connections the raw path still owns. */
  readonly openCount: number
}

/** The server's connection listener is not the single one node:http installs. */
export class RawRedirectSetupError extends BaseError {
  override readonly name = 'RawRedirectSetupError'
  constructor() {
    super('RAW_REDIRECT_SETUP', "The server must have exactly one connection listener (node:http's) to put the raw redirect path in front of it.")
  }
}

/**
 * Puts the redirector's raw connection path in front of a node:http server (ADR 0016
 * "redirector at line rate"). Each new connection is read here first; every complete,
 * plain `GET|HEAD` head in a received chunk (`parsePlainRedirectHead`) whose answer is a
 * 302 is answered with one `socket.write` of the bytes node:http would send (the
 * responses to a pipelined batch are corked into one write). At the first request that
 * is anything else — another route, a refusal, an origin fallback, a field or byte
 * outside the strict grammar, a head split across chunks, a client slower than our
 * answers — the unconsumed bytes are put back (`socket.unshift`) and the connection goes
 * to node:http's own connection listener for good, at a request boundary, so two parsers
 * never disagree about where a request ends.
 *
 * Because a partial head is never held here, no headers timeout is needed on this
 * side: node:http's applies from the hand-over. An idle connection is closed after the
 * server's keep-alive timeout (plus its buffer), as node:http closes its own.
 */
export function installRawRedirectConnections(server: Server, parameters: RawRedirectConnectionsParameters): RawRedirectConnections {
  const listeners = server.listeners('connection')
  const nodeConnectionListener = listeners[0]
  if (listeners.length !== 1 || nodeConnectionListener === undefined) throw new RawRedirectSetupError()
  server.removeAllListeners('connection')
  const connections = new Set<RawConnection>()
  const shared: Shared = {
    parameters,
    connections,
    idleTimeoutMs: server.keepAliveTimeout + server.keepAliveTimeoutBuffer,
    keepAliveField: `Connection: keep-alive\r\nKeep-Alive: timeout=${String(Math.floor(server.keepAliveTimeout / 1000))}\r\n\r\n`,
    handOver: (socket) => {
      Reflect.apply(nodeConnectionListener, server, [socket])
    },
  }
  server.on('connection', (socket: Socket) => {
    connections.add(new RawConnection(shared, socket))
  })
  return {
    closeAll() {
      for (const connection of connections) connection.close()
    },
    get openCount() {
      return connections.size
    },
  }
}

interface Shared {
  readonly parameters: RawRedirectConnectionsParameters
  readonly connections: Set<RawConnection>
  readonly idleTimeoutMs: number
  /** The end of a keep-alive response head, as node:http writes it. */
  readonly keepAliveField: string
  readonly handOver: (socket: Socket) => void
}

/** The bytes before Date, which is node:http's order for `writeHead(302, { location, cache-control, content-length })`. */
const HEAD_START = 'HTTP/1.1 302 Found\r\nlocation: '
const HEAD_MIDDLE = '\r\ncache-control: no-store\r\ncontent-length: 0\r\nDate: '
const CLOSE_FIELD = 'Connection: close\r\n\r\n'
const INTERNAL_ERROR_RESPONSE = 'HTTP/1.1 500 Internal Server Error\r\nConnection: close\r\nContent-Length: 0\r\n\r\n'

/** node:http's Date field value, rebuilt at most once per second. */
let dateSecond = -1
let dateText = ''
function httpDate(nowMs: number): string {
  const second = Math.floor(nowMs / 1000)
  if (second !== dateSecond) {
    dateSecond = second
    dateText = new Date(second * 1000).toUTCString()
  }
  return dateText
}

/**
 * Connections whose answers wait for the end of this event-loop turn. Writing them back
 * to back, after every ready connection was read, wakes the reader once per batch rather
 * than once per answer (ADR 0016, fourth session). Order on a connection is unchanged:
 * anything written after (node:http's answers once handed over, `end`) queues behind the
 * corked bytes, and `end` uncorks.
 */
const corked: RawConnection[] = []
function flushCorked(): void {
  for (const connection of corked) if (connection.isCorked) connection.uncork()
  corked.length = 0
}

/** One connection while the raw path owns it. */
class RawConnection {
  readonly #shared: Shared
  readonly #socket: Socket
  #isCorked = false

  constructor(shared: Shared, socket: Socket) {
    this.#shared = shared
    this.#socket = socket
    socket.setNoDelay(true)
    socket.setTimeout(shared.idleTimeoutMs)
    socket.on('data', this.#onData)
    socket.on('end', this.#onEnd)
    socket.on('timeout', this.#onTimeout)
    socket.on('close', this.#onClose)
    socket.on('error', ignoreError)
  }

  get isCorked(): boolean {
    return this.#isCorked
  }

  /** Sends what this turn's requests were answered with. */
  uncork(): void {
    this.#isCorked = false
    this.#socket.uncork()
  }

  close(): void {
    this.#release()
    this.#socket.end()
    this.#socket.destroySoon()
  }

  readonly #onData = (chunk: Buffer): void => {
    try {
      this.#process(chunk)
    } catch (error) {
      // Socket events run outside any request handler: a throw here would end the process.
      this.#shared.parameters.onUnexpectedError(error)
      this.#release()
      if (this.#socket.writable) this.#socket.end(INTERNAL_ERROR_RESPONSE)
      this.#socket.destroySoon()
    }
  }

  /** The client half-closed between requests: answer nothing more, close after the writes. */
  readonly #onEnd = (): void => {
    this.#release()
    this.#socket.end()
  }

  readonly #onTimeout = (): void => {
    this.#socket.destroy()
  }

  readonly #onClose = (): void => {
    this.#shared.connections.delete(this)
  }

  #process(chunk: Buffer): void {
    const socket = this.#socket
    const { rawRedirect } = this.#shared.parameters
    let offset = 0
    let response = ''
    let isClosing = false
    while (offset < chunk.length) {
      const head = parsePlainRedirectHead(chunk, offset)
      if (head.kind !== 'plain') break
      const location = decideGuarded(rawRedirect, head, socket.remoteAddress)
      if (location === undefined) break
      response += `${HEAD_START}${location}${HEAD_MIDDLE}${httpDate(Date.now())}\r\n${head.wantsClose ? CLOSE_FIELD : this.#shared.keepAliveField}`
      offset = head.endOffset
      if (head.wantsClose) {
        // RFC 9112 §9.6: nothing after a request with `close` is read.
        isClosing = true
        break
      }
    }
    if (response.length > 0) {
      // Held until this turn of the event loop has read every ready connection
      // (see flushCorked): the answers then leave back to back.
      if (!this.#isCorked) {
        this.#isCorked = true
        socket.cork()
        corked.push(this)
        if (corked.length === 1) setImmediate(flushCorked)
      }
      socket.write(response, 'latin1')
    }
    if (isClosing) {
      this.#release()
      socket.end()
      return
    }
    // The rest (a request that is not a plain redirect, a partial head) is node:http's,
    // as is a client that does not read its answers (node:http applies backpressure).
    if (offset < chunk.length || socket.writableNeedDrain) this.#handOver(chunk.subarray(offset))
  }

  /** From here on node:http owns the connection; `rest` starts at a request boundary. */
  #handOver(rest: Buffer): void {
    const socket = this.#socket
    // Our answers go out now: node:http may destroy the socket (a 400), which drops corked bytes.
    if (this.#isCorked) this.uncork()
    this.#release()
    socket.off('error', ignoreError)
    if (rest.length > 0) socket.unshift(rest)
    this.#shared.handOver(socket)
  }

  /** Removes every listener of ours but the error guard and forgets the connection. */
  #release(): void {
    const socket = this.#socket
    socket.off('data', this.#onData)
    socket.off('end', this.#onEnd)
    socket.off('timeout', this.#onTimeout)
    socket.off('close', this.#onClose)
    socket.setTimeout(0)
    this.#shared.connections.delete(this)
  }
}

/**
 * A throw inside the decision (a broken GeoIP database, say) is node:http's to answer:
 * the request is handed over, decided again there, and a repeated throw gets the API's
 * guard — 500 INTERNAL with a request id, one log line — as on a node:http connection.
 */
function decideGuarded(rawRedirect: RawRedirect, head: PlainRedirectHead, peerAddress: string | undefined): string | undefined {
  try {
    return rawRedirect(head, peerAddress)
  } catch {
    return undefined
  }
}

/** Socket errors end in 'close', which forgets the connection; nothing else to do. */
function ignoreError(): void {}
