import type { ClientHttp2Session, ClientHttp2Stream } from 'node:http2'
import { parseTunnelRefusal, TUNNEL_EXIT_ADDRESS_HEADER, TUNNEL_REFUSAL_HEADER } from '@meson/protocol'
import type { TunnelRefusal } from '@meson/protocol'

/** Why opening a stream through an exit failed; 'tunnel-lost' means the exit, not the target. */
export type OpenStreamRefusal = TunnelRefusal | 'tunnel-lost'

export type OpenStreamResult =
  | { readonly ok: true; readonly stream: ClientHttp2Stream; readonly exitAddress: string }
  | { readonly ok: false; readonly reason: OpenStreamRefusal }

/** The gateway's handle on one node's tunnel: an authenticated HTTP/2 client session. */
export class ExitTunnel {
  readonly nodeId: string
  readonly #session: ClientHttp2Session
  readonly #responseTimeoutMs: number

  constructor(nodeId: string, session: ClientHttp2Session, responseTimeoutMs: number) {
    this.nodeId = nodeId
    this.#session = session
    this.#responseTimeoutMs = responseTimeoutMs
  }

  /** Opens one HTTP/2 CONNECT stream to `host:port` through the exit (RFC 9113 §8.5). */
  open(authority: string): Promise<OpenStreamResult> {
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
          settle({ ok: true, stream, exitAddress: typeof address === 'string' ? address : '' })
          return
        }
        settle({ ok: false, reason: parseTunnelRefusal(headers[TUNNEL_REFUSAL_HEADER]) })
        stream.close()
      })
    })
  }

  /** Closes the tunnel; every stream on it fails at once. */
  close(): void {
    this.#session.destroy()
  }
}
