import { createHash } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import type { ProbeObservation } from '../../probes/judge-probe.ts'
import type { PlannedProbe } from '../../probes/plan-probes.ts'
import type { ProbeTarget } from '../../probes/hunters.ts'

export interface HttpProbeRunnerOptions {
  /** The URL a probe fetches through the node (with a fresh ticket in production). */
  readonly probeUrl: (probe: PlannedProbe, node: ProbeTarget) => string
  readonly fetch?: typeof fetch
  readonly timeoutMs: number
  /** Reading stops past this many bytes (a node cannot make the prober read forever). */
  readonly maxBodyBytes: number
}

/** SHA-256 of bytes, lowercase hex. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex')
}

/**
 * The HTTP side of the hunters: fetches a probe through the node, timing the first
 * byte and the whole body, and hashing the body with SHA-256. Never throws: a node
 * that does not answer is an observation (`ok: false`).
 */
export function createHttpProbeRunner(options: HttpProbeRunnerOptions): (probe: PlannedProbe, node: ProbeTarget) => Promise<ProbeObservation> {
  const fetchFunction = options.fetch ?? fetch
  return async (probe, node) => {
    const started = performance.now()
    const headers: Record<string, string> = { 'cache-control': 'no-cache' }
    if (probe.kind === 'content' && probe.range !== null) headers['range'] = `bytes=${probe.range.start}-${probe.range.end}`
    try {
      const response = await fetchFunction(options.probeUrl(probe, node), { headers, redirect: 'manual', signal: AbortSignal.timeout(options.timeoutMs) })
      const ttfbMs = performance.now() - started
      const hash = createHash('sha256')
      let bodyBytes = 0
      if (response.body !== null) {
        for await (const chunk of response.body) {
          bodyBytes += chunk.byteLength
          if (bodyBytes > options.maxBodyBytes) break
          hash.update(chunk)
        }
      }
      return { ok: true, status: response.status, bodySha256: hash.digest('hex'), bodyBytes, ttfbMs, totalMs: performance.now() - started }
    } catch (error) {
      return { ok: false, error: error instanceof Error ? error.name : 'request failed', elapsedMs: performance.now() - started }
    }
  }
}
