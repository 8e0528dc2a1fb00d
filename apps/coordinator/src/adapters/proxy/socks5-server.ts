import { createServer } from 'node:net'
import type { AddressInfo, Server, Socket } from 'node:net'
import type { ProxyAuthResult } from '../../proxy/proxy-credentials.ts'
import {
  buildSocksReply,
  parseSocksGreeting,
  parseSocksRequest,
  parseSocksUserPass,
  SOCKS_METHOD_NONE_ACCEPTABLE,
  SOCKS_METHOD_USERNAME_PASSWORD,
  SOCKS_REPLY,
} from '../../proxy/socks5-messages.ts'
import { openProxiedStream } from './open-proxied-stream.ts'
import type { ProxyRouting } from './open-proxied-stream.ts'
import { socksReplyOf } from './proxy-failure-replies.ts'
import { relayMetered } from './relay-metered.ts'

export interface Socks5ServerOptions {
  readonly host: string
  readonly port: number
  readonly routing: ProxyRouting
  readonly authenticate: (username: string, password: string) => Promise<ProxyAuthResult>
  readonly flushIntervalMs: number
  /** The whole handshake must arrive within this. */
  readonly handshakeTimeoutMs: number
  readonly onError: (error: unknown) => void
}

/** Longest handshake message: a request with a 255-byte domain is 262 bytes; RFC 1929 is 513. */
const MAX_HANDSHAKE_BYTES = 1024

/**
 * The SOCKS5 front end (RFC 1928) with username/password (RFC 1929), CONNECT only, IPv4,
 * IPv6 and domain targets; a domain travels to the exit unresolved (socks5h, remote DNS).
 * Hand-written (ADR 0011): the handshake is three small messages, and routing, billing
 * and the reply code must be decided between the request and the reply.
 */
export class Socks5Server {
  readonly #options: Socks5ServerOptions
  readonly #server: Server
  readonly #sockets = new Set<Socket>()

  constructor(options: Socks5ServerOptions) {
    this.#options = options
    // Half-open: a client may send its whole handshake and request and then shut down its
    // sending side; it must still get every reply (node would otherwise end our side at its FIN).
    this.#server = createServer({ noDelay: true, allowHalfOpen: true }, (socket) => {
      this.#sockets.add(socket)
      socket.once('close', () => this.#sockets.delete(socket))
      socket.on('error', () => undefined)
      void this.#serve(socket).catch((error: unknown) => {
        options.onError(error)
        socket.destroy()
      })
    })
  }

  async start(): Promise<AddressInfo> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject)
      this.#server.listen(this.#options.port, this.#options.host, () => resolve())
    })
    const address = this.#server.address()
    if (address === null || typeof address === 'string') throw new Error('the SOCKS5 server is not bound to a TCP address')
    return address
  }

  async stop(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy()
    await new Promise<void>((resolve) => this.#server.close(() => resolve()))
  }

  async #serve(socket: Socket): Promise<void> {
    // Replies are corked until the server waits for the client: a client that sends its
    // greeting, credentials and request at once gets the three replies in one segment.
    socket.cork()
    const reader = new HandshakeReader(socket, this.#options.handshakeTimeoutMs, () => uncorkFully(socket))
    try {
      const greeting = await reader.next(parseSocksGreeting)
      // RFC 1928 §3: a SOCKS5 greeting without the username/password method (none at all included) gets X'FF' and the close.
      if (greeting === 'bad-address-type' || (greeting === undefined && !reader.offeredNoMethods())) return void socket.destroy()
      if (greeting === undefined || !greeting.methods.includes(SOCKS_METHOD_USERNAME_PASSWORD)) return void socket.end(Uint8Array.of(0x05, SOCKS_METHOD_NONE_ACCEPTABLE))
      socket.write(Uint8Array.of(0x05, SOCKS_METHOD_USERNAME_PASSWORD))
      const credentials = await reader.next(parseSocksUserPass)
      // RFC 1929 §2: a malformed subnegotiation (wrong version, empty field) is a failure status, then the close.
      if (credentials === undefined || credentials === 'bad-address-type') {
        if (reader.malformed()) socket.end(Uint8Array.of(0x01, 0x01))
        else socket.destroy()
        return
      }
      const auth = await this.#options.authenticate(credentials.username, credentials.password)
      // RFC 1929 §2: a non-zero status means failure, and the server MUST close the connection.
      if (!auth.ok) return void socket.end(Uint8Array.of(0x01, 0x01))
      socket.write(Uint8Array.of(0x01, 0x00))
      const request = await reader.next(parseSocksRequest)
      if (request === 'bad-address-type') return void socket.end(buildSocksReply(SOCKS_REPLY.addressTypeNotSupported))
      // A malformed request (version, reserved byte, a domain no DNS name can be) is a general failure (RFC 1928 §6), then the close.
      if (request === undefined) {
        if (reader.malformed()) socket.end(buildSocksReply(SOCKS_REPLY.generalFailure))
        else socket.destroy()
        return
      }
      if (request.command !== 0x01) return void socket.end(buildSocksReply(SOCKS_REPLY.commandNotSupported))
      const opened = await openProxiedStream(auth.route, request.host, request.port, this.#options.routing)
      if (!opened.ok) return void socket.end(buildSocksReply(socksReplyOf(opened.reason)))
      if (socket.destroyed) return void opened.stream.destroy()
      const early = reader.release()
      socket.write(buildSocksReply(SOCKS_REPLY.succeeded))
      uncorkFully(socket)
      if (early.length > 0) {
        opened.meter.add('up', early.length)
        opened.stream.write(early)
      }
      // The client's FIN came during the handshake, so `pipe` will never see it: pass it on here.
      if (socket.readableEnded) opened.stream.end()
      await relayMetered(socket, opened.stream, opened.meter, { flushIntervalMs: this.#options.flushIntervalMs, onError: this.#options.onError })
    } finally {
      reader.dispose()
    }
  }
}

function uncorkFully(socket: Socket): void {
  while (socket.writableCorked > 0) socket.uncork()
}

type Parser<T> = (bytes: Uint8Array) => { readonly status: 'incomplete' } | { readonly status: 'invalid'; readonly reason: string } | { readonly status: 'ok'; readonly value: T; readonly consumed: number } | { readonly status: 'bad-address-type' }

/** Buffers handshake bytes and hands whole messages to the parsers; bounded in size and time. */
class HandshakeReader {
  readonly #socket: Socket
  readonly #timer: NodeJS.Timeout
  #buffer: Buffer = Buffer.alloc(0)
  #wake: (() => void) | undefined
  #ended = false
  #invalid = false
  readonly #beforeWait: () => void

  /** `beforeWait` runs whenever the reader must wait for more bytes (the server sends what it holds). */
  constructor(socket: Socket, timeoutMs: number, beforeWait: () => void) {
    this.#socket = socket
    this.#beforeWait = beforeWait
    this.#timer = setTimeout(() => socket.destroy(), timeoutMs)
    socket.on('data', this.#onData)
    socket.once('close', this.#onEnd)
    socket.once('end', this.#onEnd)
  }

  readonly #onData = (chunk: Buffer): void => {
    this.#buffer = Buffer.concat([this.#buffer, chunk])
    if (this.#buffer.length > MAX_HANDSHAKE_BYTES) this.#socket.destroy()
    this.#wake?.()
  }

  readonly #onEnd = (): void => {
    this.#ended = true
    this.#wake?.()
  }

  /** The last `next` returned undefined because the bytes were malformed (not because the peer left or the time ran out). */
  malformed(): boolean {
    return this.#invalid && !this.#socket.destroyed
  }

  /** The greeting read was `05 00`: SOCKS5, with no method offered. */
  offeredNoMethods(): boolean {
    return this.malformed() && this.#buffer[0] === 0x05 && this.#buffer[1] === 0x00
  }

  /** The next message, undefined if the peer sent garbage or left; 'bad-address-type' passes through. */
  async next<T>(parse: Parser<T>): Promise<T | 'bad-address-type' | undefined> {
    for (;;) {
      const parsed = parse(this.#buffer)
      this.#invalid = parsed.status === 'invalid'
      if (parsed.status === 'ok') {
        this.#buffer = this.#buffer.subarray(parsed.consumed)
        return parsed.value
      }
      if (parsed.status === 'bad-address-type') return 'bad-address-type'
      if (parsed.status === 'invalid' || this.#ended || this.#socket.destroyed) return undefined
      this.#beforeWait()
      await new Promise<void>((resolve) => (this.#wake = resolve))
      this.#wake = undefined
    }
  }

  /** Stops reading for the handshake; returns bytes the client sent ahead of the reply. */
  release(): Buffer {
    this.dispose()
    return this.#buffer
  }

  dispose(): void {
    clearTimeout(this.#timer)
    this.#socket.off('data', this.#onData)
    this.#socket.off('close', this.#onEnd)
    this.#socket.off('end', this.#onEnd)
  }
}
