import { createServer } from 'node:http'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { ADMIN_PATH_PREFIX, handleAdminRequest } from './admin-routes.ts'
import type { AdminRoutesContext } from './admin-routes.ts'
import type { CacheContext } from './cache-context.ts'
import type { ClientLimits, ExtraConnections } from './client-limits.ts'
import { handleCacheableRequest } from './cacheable-request-handler.ts'
import { sendErrorResponse } from './error-response.ts'
import { originFormOf } from './request-target.ts'
import { serveFreshMemoryHit } from './fresh-hit-fast-path.ts'
import { guardRequests } from './request-guard.ts'
import type { UnexpectedErrorReporter } from './request-guard.ts'
import { forwardUnsafeRequest } from './unsafe-request-forwarder.ts'

export interface CacheServerParameters {
  readonly context: CacheContext
  readonly admin: AdminRoutesContext
  readonly limits: ClientLimits
  /** Serve `/_meson/*` on this server (false when they have a port of their own). */
  readonly servesAdminRoutes: boolean
  /**
   * Asked first for every well-formed request (coordinator mode: `/z/<zone>/…` and the
   * identity callback); true means it took the request and answers it itself.
   */
  readonly route?: (req: IncomingMessage, res: ServerResponse) => boolean
  /** Learns of throws no handler caught (the client got a 500); defaults to `context.onBackgroundError`. */
  readonly onUnexpectedError?: UnexpectedErrorReporter
}

/** A listening HTTP server with a bounded, graceful close. */
export interface ListeningServer {
  readonly server: Server
  readonly url: string
  /** Stops accepting, lets in-flight responses finish for up to `graceMs`, then cuts the rest. */
  close(graceMs: number): Promise<void>
}

/** Creates the node's caching reverse-proxy server on `node:http` (not listening yet). */
export function createCacheServer(parameters: CacheServerParameters): Server {
  const { context, admin, limits } = parameters
  const report = parameters.onUnexpectedError ?? context.onBackgroundError
  const server = createServer(
    {
      maxHeaderSize: limits.maxHeaderSizeBytes,
      // Node refuses headersTimeout > requestTimeout; a request can't outlive its headers.
      headersTimeout: Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs),
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      // The header/request timeouts are only enforced on this tick (30 s by default).
      connectionsCheckingInterval: Math.max(10, Math.min(1000, Math.floor(limits.headersTimeoutMs / 4))),
      noDelay: true,
      // A request without Content-Length or Transfer-Encoding has no body (RFC 9112 §6.3),
      // so Node hands it over already ended instead of running the Readable life cycle
      // (resume, read, 'end', 'close') for nothing: about a fifth of the per-request
      // cost of a small cache hit. Handlers must not wait for events of such a request.
      optimizeEmptyRequests: true,
    },
    // Synchronous up to the fast path: a cache hit costs no promise and no closure.
    guardRequests((req, res) => routeRequest(req, res), report),
  )
  // Node keeps at most this many header fields and drops the rest silently; one more
  // than the limit lets us tell "too many" apart and answer 431 (RFC 6585 §5).
  server.maxHeadersCount = limits.maxHeaderCount + 1
  server.on('clientError', answerClientError)
  keepAnsweringHalfClosedClients(server)

  function routeRequest(req: IncomingMessage, res: ServerResponse): void {
    if (req.rawHeaders.length / 2 > limits.maxHeaderCount) {
      res.shouldKeepAlive = false
      sendErrorResponse(res, 'HEADERS_TOO_LARGE', `At most ${limits.maxHeaderCount} header fields are accepted.`)
      return
    }
    const method = req.method ?? 'GET'
    const url = originFormOf(req.url ?? '/')
    if (url === undefined) {
      sendErrorResponse(res, 'BAD_REQUEST', 'Only origin-form and http(s) absolute-form request targets are accepted.')
      return
    }
    // Everything after this reads the origin-form (RFC 9112 §3.2.2, request-target.ts).
    req.url = url
    if (parameters.route?.(req, res) === true) return
    if (parameters.servesAdminRoutes && url.startsWith(ADMIN_PATH_PREFIX)) {
      settle(res, handleAdminRequest(admin, req, res))
      return
    }
    if (method === 'GET' || method === 'HEAD') {
      if (serveFreshMemoryHit(context, req, res, method === 'HEAD', url)) return
      settle(res, handleCacheableRequest(context, req, res, method))
      return
    }
    settle(res, forwardUnsafeRequest(context, req, res))
  }

  function settle(res: ServerResponse, work: Promise<void>): void {
    work.catch((error: unknown) => {
      report(error)
      if (!res.writableEnded) sendErrorResponse(res, 'INTERNAL', 'Internal error.')
    })
  }
  return server
}

/** Creates the admin-only server for `--admin-port`. */
export function createAdminServer(admin: AdminRoutesContext, limits: ClientLimits, onUnexpectedError: UnexpectedErrorReporter = () => undefined): Server {
  const server = createServer(
    {
      maxHeaderSize: limits.maxHeaderSizeBytes,
      headersTimeout: Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs),
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      connectionsCheckingInterval: Math.max(10, Math.min(1000, Math.floor(limits.headersTimeoutMs / 4))),
    },
    guardRequests((req, res) => {
      if (!(req.url ?? '').startsWith(ADMIN_PATH_PREFIX)) return sendErrorResponse(res, 'NOT_FOUND', 'Only /_meson/* is served on the admin port.')
      return handleAdminRequest(admin, req, res)
    }, onUnexpectedError),
  )
  server.on('clientError', answerClientError)
  keepAnsweringHalfClosedClients(server)
  return server
}

/**
 * A client may send its request and then shut its sending side (`shutdown(SHUT_WR)`,
 * `socket.end()`); it still waits for the answer. node:http by default aborts the
 * request and ends the socket on that FIN, so an answer still on its way (an origin
 * fetch) is lost; `httpAllowHalfOpen` makes it finish the response, then close. A
 * `CONNECT` (no listener: node:http would drop the socket silently) gets a 405.
 */
function keepAnsweringHalfClosedClients(server: Server): void {
  // A real node:http Server field that @types/node does not declare.
  Reflect.set(server, 'httpAllowHalfOpen', true)
  server.on('connect', (_req: IncomingMessage, socket: Socket) => {
    socket.on('error', () => undefined)
    if (socket.writable) socket.end('HTTP/1.1 405 Method Not Allowed\r\nAllow: GET, HEAD, POST, PUT, DELETE, OPTIONS\r\nConnection: close\r\nContent-Length: 0\r\n\r\n')
    socket.destroySoon()
  })
}

/**
 * Malformed, oversized or too-slow requests: answer with a short status line where the
 * socket can still take one, then close. Never a stack trace, never a hang.
 */
function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  if (!socket.writable || socket.destroyed) {
    socket.destroy()
    return
  }
  const status =
    error.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large'
    : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout'
    : '400 Bad Request'
  socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)
  socket.destroySoon()
}

/** Listens and resolves with the URL clients use; `fastConnections` are closed along with the server's own. */
export async function listenServer(server: Server, host: string, port: number, fastConnections?: ExtraConnections): Promise<ListeningServer> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const address = server.address() as AddressInfo
  const hostText = address.family === 'IPv6' ? `[${address.address}]` : address.address
  return {
    server,
    url: `http://${hostText}:${address.port}`,
    close: (graceMs) => closeGracefully(server, graceMs, fastConnections),
  }
}

async function closeGracefully(server: Server, graceMs: number, fastConnections: ExtraConnections | undefined): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()))
  // close() stops accepting and drops idle keep-alive connections; busy ones finish
  // their response, and get `Connection: close` from Node since the server is closing.
  // Fast connections with a request pending are handed to node:http first, so it does.
  fastConnections?.closeIdle()
  server.closeIdleConnections()
  const timer = setTimeout(() => {
    fastConnections?.closeAll()
    server.closeAllConnections()
  }, graceMs)
  await closed
  clearTimeout(timer)
}
