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

/** A request is `0x01 | u16 | authority`: far below this. */
const MAX_REQUEST_BYTES = 512

/**
 * The node's pool of pre-dialed data connections for one tunnel session (ADR 0011):
 * outbound like the control connection (NAT holds), each opened with a hello bound to
 * the session's grant by an HMAC and a fresh counter. It keeps `grant.idle` connections
 * waiting for the gateway's request and at most `grant.max` in all; a connection put to
 * use is replaced as soon as the exit has answered on it (off the stream's setup path).
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
    for (const socket of this.#all) socket.destroy()
  }

  #dial(): void {
    const { host, port } = this.#options.gateway
    const socket = connect({ host, port, noDelay: true })
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
      // The replacement is dialed once the exit has answered, off the stream's setup path.
      void this.#options.serve(socket, authority).finally(() => this.fill())
    })
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
