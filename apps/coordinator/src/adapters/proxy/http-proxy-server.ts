import { createServer, request as httpRequest } from 'node:http'
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import type { AddressInfo } from 'node:net'
import { Duplex } from 'node:stream'
import { parseHostPort } from '@meson/protocol'
import { endToEndHeaders, parseAbsoluteTarget, unsupportedTransferCoding } from '../../proxy/http-proxy-request.ts'
import type { ProxyAuthResult } from '../../proxy/proxy-credentials.ts'
import type { MeteredConnection } from '../../proxy/proxy-meter.ts'
import { openProxiedStream } from './open-proxied-stream.ts'
import type { ProxyFailure, ProxyRouting } from './open-proxied-stream.ts'
import { httpStatusOf, PROXY_ERROR_HEADER } from './proxy-failure-replies.ts'
import { relayMetered } from './relay-metered.ts'

export interface HttpProxyServerOptions {
  readonly host: string
  readonly port: number
  readonly routing: ProxyRouting
  readonly authenticate: (username: string, password: string) => Promise<ProxyAuthResult>
  readonly flushIntervalMs: number
  /** Request line + headers, at most (431 above); also bounds a CONNECT line. */
  readonly maxHeaderSizeBytes: number
  readonly onError: (error: unknown) => void
}

/** RFC 9110 §11.7.1: `Proxy-Authorization: Basic base64(user:pass)`. */
function readBasicCredentials(headers: IncomingHttpHeaders): { readonly username: string; readonly password: string } | undefined {
  const value = headers['proxy-authorization']
  const match = typeof value === 'string' ? /^Basic\s+([A-Za-z0-9+/=]{1,1024})\s*$/i.exec(value) : null
  if (match === null) return undefined
  const text = Buffer.from(match[1] ?? '', 'base64').toString('utf8')
  const colon = text.indexOf(':')
  return colon <= 0 ? undefined : { username: text.slice(0, colon), password: text.slice(colon + 1) }
}

const AUTH_REQUIRED = 'HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="meson", charset="UTF-8"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n'

function failureHead(reason: ProxyFailure): string {
  const status = httpStatusOf(reason)
  return `HTTP/1.1 ${status} ${status === 402 ? 'Payment Required' : status === 403 ? 'Forbidden' : status === 400 ? 'Bad Request' : 'Bad Gateway'}\r\n${PROXY_ERROR_HEADER}: ${reason}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`
}

/** A 4xx/5xx the client can read: the reason in `Meson-Proxy-Error` and a one-line text body; the connection closes. */
function refuseWithMessage(response: ServerResponse, status: number, message: string): void {
  const body = `${message}\n`
  response.writeHead(status, { [PROXY_ERROR_HEADER]: 'bad-request', 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': String(Buffer.byteLength(body)), Connection: 'close' })
  response.end(body)
}

/** A Duplex over the tunnel stream that counts bytes both ways (plain-HTTP requests use node:http on it). */
function countingDuplex(stream: Duplex, meter: MeteredConnection, flush: () => void): Duplex {
  const duplex = new Duplex({
    write(chunk: Buffer, _encoding, callback) {
      if (meter.add('up', chunk.length)) flush()
      stream.write(chunk, callback)
    },
    final(callback) {
      stream.end(callback)
    },
    read() {
      stream.resume()
    },
    destroy(error, callback) {
      stream.destroy()
      callback(error)
    },
  })
  stream.on('data', (chunk: Buffer) => {
    if (meter.add('down', chunk.length)) flush()
    if (!duplex.push(chunk)) stream.pause()
  })
  stream.once('end', () => duplex.push(null))
  stream.once('error', (error: Error) => duplex.destroy(error))
  stream.once('close', () => duplex.destroy())
  return duplex
}

/**
 * The HTTP proxy front end: `CONNECT host:port` (RFC 9110 §9.3.6) for TLS tunnels and
 * absolute-URI requests (RFC 9112 §3.2.2) for plain HTTP; `Proxy-Authorization: Basic`
 * with the routing username, 407 + `Proxy-Authenticate` when missing or wrong. Refusals
 * carry a `Meson-Proxy-Error` reason. node:http parses the request head, so an
 * oversized or malformed head gets its 431/400 before any routing happens.
 */
export class HttpProxyServer {
  readonly #options: HttpProxyServerOptions
  readonly #server: Server

  constructor(options: HttpProxyServerOptions) {
    this.#options = options
    this.#server = createServer({ maxHeaderSize: options.maxHeaderSizeBytes, headersTimeout: 10_000, requestTimeout: 0, keepAliveTimeout: 5_000 })
    this.#server.on('connect', (request: IncomingMessage, socket: Socket, head: Buffer) => {
      void this.#connect(request, socket, head).catch((error: unknown) => {
        options.onError(error)
        socket.destroy()
      })
    })
    this.#server.on('request', (request: IncomingMessage, response: ServerResponse) => {
      void this.#forward(request, response).catch((error: unknown) => {
        options.onError(error)
        response.destroy()
      })
    })
    this.#server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
      if (!socket.writable) return socket.destroy()
      const status = error.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request'
      socket.end(`HTTP/1.1 ${status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`)
    })
  }

  async start(): Promise<AddressInfo> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject)
      this.#server.listen(this.#options.port, this.#options.host, () => resolve())
    })
    const address = this.#server.address()
    if (address === null || typeof address === 'string') throw new Error('the HTTP proxy is not bound to a TCP address')
    return address
  }

  async stop(): Promise<void> {
    this.#server.closeAllConnections()
    await new Promise<void>((resolve) => this.#server.close(() => resolve()))
  }

  async #authenticate(request: IncomingMessage): Promise<ProxyAuthResult | undefined> {
    const credentials = readBasicCredentials(request.headers)
    if (credentials === undefined) return undefined
    return this.#options.authenticate(credentials.username, credentials.password)
  }

  async #connect(request: IncomingMessage, socket: Socket, head: Buffer): Promise<void> {
    socket.setNoDelay(true)
    socket.on('error', () => undefined)
    // Syntax first (RFC 9112 §3.2.3: authority-form, port required): a malformed target is a 400 with or without credentials.
    const target = parseHostPort(request.url ?? '')
    if (target === undefined) return void socket.end(failureHead('bad-request'))
    const auth = await this.#authenticate(request)
    if (auth?.ok !== true) return void socket.end(AUTH_REQUIRED)
    const opened = await openProxiedStream(auth.route, target.host, target.port, this.#options.routing)
    if (!opened.ok) return void socket.end(failureHead(opened.reason))
    if (socket.destroyed) return void opened.stream.destroy()
    socket.write('HTTP/1.1 200 Connection Established\r\n\r\n')
    if (head.length > 0) {
      opened.meter.add('up', head.length)
      opened.stream.write(head)
    }
    await relayMetered(socket, opened.stream, opened.meter, { flushIntervalMs: this.#options.flushIntervalMs, onError: this.#options.onError })
  }

  async #forward(request: IncomingMessage, response: ServerResponse): Promise<void> {
    // Syntax first: an origin-form request or an unusable target is a clear 400 with or without credentials.
    const target = parseAbsoluteTarget(request.url ?? '')
    if (!target.ok) return refuseWithMessage(response, target.status, target.message)
    if (unsupportedTransferCoding(request.headers)) return refuseWithMessage(response, 501, 'Only the chunked transfer coding is supported in requests (RFC 9112 §6.1).')
    const auth = await this.#authenticate(request)
    if (auth?.ok !== true) {
      response.writeHead(407, { 'Proxy-Authenticate': 'Basic realm="meson", charset="UTF-8"', 'Content-Length': '0', Connection: 'close' })
      return void response.end()
    }
    const opened = await openProxiedStream(auth.route, target.host, target.port, this.#options.routing)
    if (!opened.ok) {
      response.writeHead(httpStatusOf(opened.reason), { [PROXY_ERROR_HEADER]: opened.reason, 'Content-Length': '0', Connection: 'close' })
      return void response.end()
    }
    const { meter } = opened
    // The client left while the stream opened: its 'close' has fired already and would never be seen below,
    // leaving the stream and the exit's target connection open until the origin gave up on them.
    if (response.destroyed || request.socket.destroyed) {
      opened.stream.destroy()
      await meter.close()
      return
    }
    const flush = (): void => {
      meter.flush().then((exhausted) => {
        if (exhausted) response.destroy()
      }, this.#options.onError)
    }
    // RFC 9110 §7.6.1 / RFC 9112 §3.2.2: only end-to-end fields travel on, with a Host made from the target.
    const headers = { host: target.hostHeader, ...endToEndHeaders(request.headers), connection: 'close' }
    const upstream = httpRequest({
      method: request.method,
      path: target.path,
      headers,
      createConnection: () => countingDuplex(opened.stream, meter, flush),
    })
    await new Promise<void>((resolve) => {
      const finish = (): void => {
        meter.close().then(() => resolve(), (error: unknown) => {
          this.#options.onError(error)
          resolve()
        })
      }
      upstream.on('response', (upstreamResponse) => {
        response.writeHead(upstreamResponse.statusCode ?? 502, endToEndHeaders(upstreamResponse.headers))
        upstreamResponse.pipe(response)
        upstreamResponse.once('error', () => response.destroy())
      })
      upstream.once('error', () => {
        if (!response.headersSent) {
          response.writeHead(502, { [PROXY_ERROR_HEADER]: 'connect-failed', 'Content-Length': '0', Connection: 'close' })
          response.end()
        } else response.destroy()
      })
      response.once('close', () => {
        upstream.destroy()
        opened.stream.destroy()
        finish()
      })
      request.pipe(upstream)
    })
  }
}
