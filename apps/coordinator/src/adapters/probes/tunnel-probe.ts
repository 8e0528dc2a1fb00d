import { createHash } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import type { Duplex } from 'node:stream'
import { connect as tlsConnect } from 'node:tls'
import type { ProbeResult } from '../../rewards/probe-result.ts'
import type { ProbeTarget } from '../../probes/hunters.ts'
import { randomToken } from '../../probes/plan-probes.ts'
import { probeOriginBody } from '../../probes/probe-origin-body.ts'
import type { OpenStreamResult } from '../proxy/exit-tunnel.ts'

/** Status line and headers of the probe origin's answer: well under this. */
const MAX_HEAD_BYTES = 16 * 1024

export interface TunnelProbeOptions {
  /** The node's open tunnel, or undefined when it is not a proxy exit connected to this gateway. */
  readonly tunnelOf: (nodeId: string) => { open(authority: string): Promise<OpenStreamResult> } | undefined
  /** The coordinator as exits reach it: the probe stream fetches a fresh object of its probe origin. */
  readonly coordinatorUrl: string
  readonly sizeBytes: number
  readonly timeoutMs: number
  readonly random: () => number
  readonly now: () => number
}

/**
 * The proxy half of reachability (issue #11): through a proxy exit's tunnel, a stream to
 * the coordinator's own probe origin carries a GET of a fresh random object, whose bytes
 * must hash to what the origin serves. Undefined for a node that is not an exit here.
 * Never metered or billed: it is the network's own stream, opened on the tunnel directly.
 */
export function createTunnelProbe(options: TunnelProbeOptions): (node: ProbeTarget) => Promise<ProbeResult | undefined> {
  const base = new URL(options.coordinatorUrl)
  const secure = base.protocol === 'https:'
  const port = base.port === '' ? (secure ? 443 : 80) : Number(base.port)
  const host = base.hostname.replace(/^\[|\]$/g, '')
  const authority = host.includes(':') ? `[${host}]:${String(port)}` : `${host}:${String(port)}`
  const prefix = base.pathname.replace(/\/$/, '')
  return async (node) => {
    const tunnel = options.tunnelOf(node.id)
    if (tunnel === undefined) return undefined
    const token = randomToken(options.random)
    const expected = createHash('sha256').update(probeOriginBody(token, options.sizeBytes)).digest('hex')
    const started = performance.now()
    const result = (outcome: 'pass' | 'fail', reason: string, measurements: Record<string, number | string | null> = {}): ProbeResult => ({
      id: `tunnel-${randomToken(options.random)}`,
      nodeId: node.id,
      kind: 'tunnel',
      atMs: options.now(),
      outcome,
      measurements: { ms: Math.round(performance.now() - started), sizeBytes: options.sizeBytes, ...measurements },
      reason,
    })
    const opened = await tunnel.open(authority)
    if (!opened.ok) return result('fail', `the exit did not open a stream to the coordinator (${opened.reason})`)
    try {
      const stream = secure ? tlsConnect({ socket: opened.stream, servername: host }) : opened.stream
      const answer = await fetchOver(stream, `GET ${prefix}/v1/probe-origin/${token}/${String(options.sizeBytes)} HTTP/1.1\r\nHost: ${base.host}\r\nConnection: close\r\nCache-Control: no-cache\r\n\r\n`, options.sizeBytes + MAX_HEAD_BYTES, options.timeoutMs)
      if (answer.status !== 200) return result('fail', `the stream carried HTTP ${String(answer.status)}`, { status: answer.status })
      const sha256 = createHash('sha256').update(answer.body).digest('hex')
      if (sha256 !== expected) return result('fail', 'the bytes through the tunnel differ from the origin\'s (SHA-256)', { status: 200, sha256 })
      return result('pass', 'the proxy tunnel carried a probe stream; its bytes match', { status: 200, sha256 })
    } catch (error) {
      opened.stream.destroy()
      return result('fail', `the probe stream failed (${error instanceof Error ? error.message.slice(0, 120) : 'unknown error'})`)
    }
  }
}

/** Writes a request on a byte stream and reads an HTTP/1.1 answer with a Content-Length body (at most `maxBytes`). */
function fetchOver(stream: Duplex, request: string, maxBytes: number, timeoutMs: number): Promise<{ readonly status: number; readonly body: Buffer }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let total = 0
    const timer = setTimeout(() => finish(new Error('timed out')), timeoutMs)
    const finish = (error?: Error): void => {
      clearTimeout(timer)
      stream.removeAllListeners('data')
      stream.destroy()
      if (error !== undefined) {
        reject(error)
        return
      }
      const all = Buffer.concat(chunks)
      const headEnd = all.indexOf('\r\n\r\n')
      const head = headEnd < 0 ? '' : all.subarray(0, headEnd).toString('latin1')
      const status = /^HTTP\/1\.[01] (\d{3}) /.exec(head)
      const length = /\r\ncontent-length: *(\d+)/i.exec(head)
      if (status === null || length === null) {
        reject(new Error('not an HTTP/1.1 answer with a length'))
        return
      }
      resolve({ status: Number(status[1]), body: all.subarray(headEnd + 4, headEnd + 4 + Number(length[1])) })
    }
    stream.on('data', (chunk: Buffer) => {
      total += chunk.length
      if (total > maxBytes) {
        finish(new Error('answer too large'))
        return
      }
      chunks.push(chunk)
    })
    stream.once('end', () => finish())
    stream.once('error', (error: Error) => finish(error))
    // The tunnel may hand the stream over paused (it read its own reply first): a 'data'
    // listener alone does not restart a stream paused explicitly.
    stream.resume()
    stream.write(request)
  })
}
