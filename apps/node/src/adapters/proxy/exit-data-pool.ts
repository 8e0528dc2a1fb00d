import { connect } from 'node:net'
import type { Socket } from 'node:net'
import { buildDataHello, parseDataRequest, readTunnelFrame } from '@meson/protocol'
import type { DataGrant } from '@meson/protocol'
import { backoffDelayMs } from '../../link/backoff-delay.ts'
import type { BackoffPolicy } from '../../link/backoff-delay.ts'

export interface ExitDataPoolOptions {
  readonly gateway: { readonly host: string; readonly port: number }
  readonly grant: DataGrant
  /** Serves a data connection the gateway put to use for `authority`; resolves once the exit has answered. */
  readonly serve: (socket: Socket, authority: string) => Promise<void>
  readonly backoff: BackoffPolicy
  readonly random: () => number
}

/** How long a used data connection's replacement waits while others are idle: past the stream's first round trip. */
const REFILL_DELAY_MS = 5

/** A request is `0x01 | u16 | authority`: far below this. */
const MAX_REQUEST_BYTES = 512

/**
 * The node's pool of pre-dialed data connections for one tunnel session (ADR 0011):
 * outbound like the control connection (NAT holds), each opened with a hello bound to
 * the session's grant by an HMAC and a fresh counter. It keeps `grant.idle` connections
 * waiting for the gateway's request and at most `grant.max` in all; a connection put to
 * use is replaced 5 ms after the exit has answered on it (at once if none is left idle),
 * so the new dial and its HMAC stay off the stream's setup path.
 * Connections the gateway closes before using (a refused hello, its limit) are redialed
 * with capped, jittered backoff. `close()` (the control connection dropped) closes
 * every data connection, idle or busy.
 */
export class ExitDataPool {
  readonly #options: ExitDataPoolOptions
  readonly #idle = new Set<Socket>()
  readonly #all = new Set<Socket>()
  #counter = 0
  #failures = 0
  #timer: NodeJS.Timeout | undefined
  #refill: NodeJS.Timeout | undefined
  #closed = false

  constructor(options: ExitDataPoolOptions) {
    this.#options = options
  }

  /** Connections waiting for a request (dialing included). */
  get idleCount(): number {
    return this.#idle.size
  }

  /** Dials until `grant.idle` are waiting (or `grant.max` are open). */
  fill(): void {
    const { idle, max } = this.#options.grant
    while (!this.#closed && this.#timer === undefined && this.#idle.size < idle && this.#all.size < max) this.#dial()
  }

  close(): void {
    this.#closed = true
    clearTimeout(this.#timer)
    clearTimeout(this.#refill)
    for (const socket of this.#all) socket.destroy()
  }

  #dial(): void {
    const { host, port } = this.#options.gateway
    // Half-open: a buyer that shuts down its sending side reaches the target as a FIN, and the target's answer still flows back.
    const socket = connect({ host, port, noDelay: true, allowHalfOpen: true })
    this.#all.add(socket)
    this.#idle.add(socket)
    socket.setKeepAlive(true, 15_000)
    socket.on('error', () => undefined)
    socket.write(buildDataHello(this.#options.grant, this.#counter))
    this.#counter += 1
    let used = false
    socket.once('close', () => {
      this.#all.delete(socket)
      this.#idle.delete(socket)
      if (!used) this.#failed()
      else this.fill()
    })
    void readTunnelFrame(socket, parseDataRequest, { maxBytes: MAX_REQUEST_BYTES }).then((authority) => {
      this.#idle.delete(socket)
      if (authority === undefined || this.#closed) return void socket.destroy()
      used = true
      this.#failures = 0
      // The replacement is dialed once the exit has answered and the stream's first bytes
      // are through (a dial and an HMAC on both ends would compete with them), unless the pool is empty.
      void this.#options.serve(socket, authority).finally(() => this.#refillSoon())
    })
  }

  #refillSoon(): void {
    if (this.#idle.size === 0) return this.fill()
    if (this.#refill !== undefined) return
    this.#refill = setTimeout(() => {
      this.#refill = undefined
      this.fill()
    }, REFILL_DELAY_MS)
  }

  /** A connection closed before the gateway used it: redial after a backoff. */
  #failed(): void {
    if (this.#closed || this.#timer !== undefined) return
    const delayMs = backoffDelayMs(this.#failures, this.#options.backoff, this.#options.random)
    this.#failures += 1
    this.#timer = setTimeout(() => {
      this.#timer = undefined
      this.fill()
    }, delayMs)
  }
}
