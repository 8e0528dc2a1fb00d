import { connect } from 'node:net'
import type { Socket } from 'node:net'
import type { IncomingHttpHeaders, ServerHttp2Stream } from 'node:http2'
import { constants } from 'node:http2'
import { decideExitSchedule, parseHostPort, resolveExitTarget, TUNNEL_EXIT_ADDRESS_HEADER, TUNNEL_REFUSAL_HEADER } from '@meson/protocol'
import type { ExitPolicy, ResolveHostName, TunnelRefusal } from '@meson/protocol'
import type { ExitByteCounter } from '../../proxy/exit-byte-counter.ts'
import type { TokenBucket } from '../../proxy/token-bucket.ts'
import { createThrottle } from './throttle.ts'

/** What serving one proxied stream needs. */
export interface ExitStreamDependencies {
  readonly policy: ExitPolicy
  /** DNS for names (socks5h / CONNECT by name): every A and AAAA answer. */
  readonly resolve: ResolveHostName
  /** Opens a TCP connection to an already checked address; defaults to node:net. */
  readonly dial?: (address: string, port: number) => Socket
  readonly counter: ExitByteCounter
  readonly now: () => number
  readonly connectTimeoutMs: number
  /** The operator's bandwidth cap, one bucket per direction shared by all streams; undefined = unlimited. */
  readonly buckets?: { readonly up: TokenBucket; readonly down: TokenBucket } | undefined
}

function refuse(stream: ServerHttp2Stream, status: number, reason: TunnelRefusal): void {
  if (stream.destroyed || stream.headersSent) return
  stream.respond({ ':status': status, [TUNNEL_REFUSAL_HEADER]: reason }, { endStream: true })
}

function dialTcp(address: string, port: number): Socket {
  return connect({ host: address, port, noDelay: true })
}

/**
 * Serves one HTTP/2 CONNECT stream from the gateway (RFC 9113 §8.5): judges the target
 * with the exit policy on the resolved address, dials that very address, answers 200
 * and relays bytes both ways; a refusal is a 403/503 with the reason header. Backpressure
 * is the streams' own: `pipe` stops reading one side while the other's buffer is full,
 * and HTTP/2 flow control stops the gateway sending to a stream nobody drains.
 */
export async function serveExitStream(stream: ServerHttp2Stream, headers: IncomingHttpHeaders, dependencies: ExitStreamDependencies): Promise<void> {
  const authority = headers[':authority']
  const target = headers[':method'] === 'CONNECT' && typeof authority === 'string' ? parseHostPort(authority) : undefined
  if (target === undefined) return refuse(stream, 400, 'bad-request')
  const nowMs = dependencies.now()
  const schedule = decideExitSchedule(dependencies.policy, nowMs, dependencies.counter.bytesThisMonth(nowMs))
  if (schedule !== undefined && !schedule.allowed) return refuse(stream, 503, schedule.reason)
  const decision = await resolveExitTarget(target.host, target.port, dependencies.policy, dependencies.resolve)
  if (!decision.allowed) return refuse(stream, 403, decision.reason)
  if (stream.destroyed) return

  const socket = (dependencies.dial ?? dialTcp)(decision.address, target.port)
  const timer = setTimeout(() => socket.destroy(new Error('connect timeout')), dependencies.connectTimeoutMs)
  const finish = (): void => {
    clearTimeout(timer)
    dependencies.counter.add(socket.bytesRead + socket.bytesWritten, dependencies.now())
  }
  socket.once('close', finish)
  stream.once('close', () => socket.destroy())
  socket.once('error', () => {
    if (!stream.headersSent) refuse(stream, 502, 'connect-failed')
    else stream.close(constants.NGHTTP2_CONNECT_ERROR)
  })
  stream.once('error', () => socket.destroy())
  socket.once('connect', () => {
    clearTimeout(timer)
    if (stream.destroyed) return socket.destroy()
    stream.respond({ ':status': 200, [TUNNEL_EXIT_ADDRESS_HEADER]: decision.address })
    const { buckets } = dependencies
    if (buckets === undefined) {
      stream.pipe(socket)
      socket.pipe(stream)
      return
    }
    stream.pipe(createThrottle(buckets.up)).pipe(socket)
    socket.pipe(createThrottle(buckets.down)).pipe(stream)
  })
}
