import { connect } from 'node:net'
import type { Socket } from 'node:net'
import type { Duplex } from 'node:stream'
import type { IncomingHttpHeaders, ServerHttp2Stream } from 'node:http2'
import { constants } from 'node:http2'
import { buildDataReply, decideExitSchedule, parseHostPort, resolveExitTarget, TUNNEL_EXIT_ADDRESS_HEADER, TUNNEL_REFUSAL_HEADER } from '@meson/protocol'
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

type DialTargetResult = { readonly ok: true; readonly socket: Socket; readonly address: string } | { readonly ok: false; readonly reason: TunnelRefusal }

function dialTcp(address: string, port: number): Socket {
  return connect({ host: address, port, noDelay: true })
}

/**
 * The exit's decision and dial for one proxied stream, whatever carried it: the schedule
 * and monthly cap, the exit policy on the resolved address (an IP literal is judged
 * without DNS), then a TCP connection to that very address. The bytes the target socket
 * moves count towards the monthly cap when it closes. `cancelled` (the carrier went
 * away) abandons the dial.
 */
export async function dialExitTarget(authority: string | undefined, dependencies: ExitStreamDependencies, cancelled: () => boolean): Promise<DialTargetResult> {
  const target = authority === undefined ? undefined : parseHostPort(authority)
  if (target === undefined) return { ok: false, reason: 'bad-request' }
  const nowMs = dependencies.now()
  const schedule = decideExitSchedule(dependencies.policy, nowMs, dependencies.counter.bytesThisMonth(nowMs))
  if (schedule !== undefined && !schedule.allowed) return { ok: false, reason: schedule.reason }
  const decision = await resolveExitTarget(target.host, target.port, dependencies.policy, dependencies.resolve)
  if (!decision.allowed) return { ok: false, reason: decision.reason }
  if (cancelled()) return { ok: false, reason: 'connect-failed' }
  const socket = (dependencies.dial ?? dialTcp)(decision.address, target.port)
  socket.once('close', () => dependencies.counter.add(socket.bytesRead + socket.bytesWritten, dependencies.now()))
  return new Promise((resolve) => {
    const timer = setTimeout(() => socket.destroy(new Error('connect timeout')), dependencies.connectTimeoutMs)
    socket.once('error', () => {
      clearTimeout(timer)
      resolve({ ok: false, reason: 'connect-failed' })
    })
    socket.once('connect', () => {
      clearTimeout(timer)
      resolve({ ok: true, socket, address: decision.address })
    })
  })
}

/** Relays the carrier and the target socket both ways, through the bandwidth cap if any. */
function relayToTarget(carrier: Duplex, socket: Socket, buckets: ExitStreamDependencies['buckets']): void {
  if (buckets === undefined) {
    carrier.pipe(socket)
    socket.pipe(carrier)
    return
  }
  carrier.pipe(createThrottle(buckets.up)).pipe(socket)
  socket.pipe(createThrottle(buckets.down)).pipe(carrier)
}

const STATUS_OF: Readonly<Record<TunnelRefusal, number>> = {
  'bad-request': 400,
  'monthly-cap': 503,
  'outside-hours': 503,
  'forbidden-address': 403,
  'blocked-port': 403,
  'bad-port': 403,
  'no-address': 403,
  'connect-failed': 502,
}

/**
 * Serves one HTTP/2 CONNECT stream from the gateway (RFC 9113 §8.5), the fallback
 * carrier when no data connection is idle: answers 200 once the target is connected,
 * a 4xx/5xx with the reason header otherwise, and relays bytes both ways. Backpressure
 * is the streams' own: `pipe` stops reading one side while the other's buffer is full,
 * and HTTP/2 flow control stops the gateway sending to a stream nobody drains.
 */
export async function serveExitStream(stream: ServerHttp2Stream, headers: IncomingHttpHeaders, dependencies: ExitStreamDependencies): Promise<void> {
  const authority = headers[':authority']
  const opened = await dialExitTarget(headers[':method'] === 'CONNECT' && typeof authority === 'string' ? authority : undefined, dependencies, () => stream.destroyed)
  if (!opened.ok) {
    if (!stream.destroyed && !stream.headersSent) stream.respond({ ':status': STATUS_OF[opened.reason], [TUNNEL_REFUSAL_HEADER]: opened.reason }, { endStream: true })
    return
  }
  const { socket } = opened
  if (stream.destroyed) return void socket.destroy()
  stream.once('close', () => socket.destroy())
  stream.once('error', () => socket.destroy())
  socket.once('error', () => stream.close(constants.NGHTTP2_CONNECT_ERROR))
  stream.respond({ ':status': 200, [TUNNEL_EXIT_ADDRESS_HEADER]: opened.address })
  relayToTarget(stream, socket, dependencies.buckets)
}

/**
 * Serves one data connection the gateway has put to use for `authority`: the same
 * decision and dial, the answer as a reply frame, then raw bytes both ways (TCP is the
 * flow control). An end travels through `pipe`; a failure on either side, or the
 * gateway closing, closes the other.
 */
export async function serveExitDataConnection(carrier: Socket, authority: string, dependencies: ExitStreamDependencies): Promise<void> {
  const opened = await dialExitTarget(authority, dependencies, () => carrier.destroyed)
  if (!opened.ok) return void carrier.end(buildDataReply({ ok: false, reason: opened.reason }))
  const { socket } = opened
  if (carrier.destroyed) return void socket.destroy()
  carrier.once('close', () => socket.destroy())
  carrier.once('error', () => socket.destroy())
  socket.once('error', () => carrier.destroy())
  carrier.write(buildDataReply({ ok: true, exitAddress: opened.address }))
  relayToTarget(carrier, socket, dependencies.buckets)
}
