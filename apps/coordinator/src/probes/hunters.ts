import type { ProbeResult } from '../rewards/probe-result.ts'
import { judgeProbe } from './judge-probe.ts'
import type { ProbeObservation } from './judge-probe.ts'
import { nextProbeDelayMs, planProbeRound } from './plan-probes.ts'
import type { PlannedProbe, ProbeSettings } from './plan-probes.ts'
import { probeOriginBody } from './probe-origin-body.ts'

export interface ProbeTarget {
  readonly id: string
  readonly publicUrl: string
}

export interface HuntersInit {
  readonly listNodes: () => Promise<readonly ProbeTarget[]>
  /** Sends one probe to one node (the HTTP adapter); never throws for a node's failure. */
  readonly runProbe: (probe: PlannedProbe, node: ProbeTarget) => Promise<ProbeObservation>
  readonly saveResults: (results: readonly ProbeResult[]) => Promise<void>
  /**
   * Probes after the planned ones, in order (the tunnel probe of a proxy exit, the storage
   * probe of its fill); one that returns undefined does not apply to the node.
   */
  readonly extraProbes?: readonly ((node: ProbeTarget) => Promise<ProbeResult | undefined>)[]
  /** SHA-256, lowercase hex (node:crypto in production; injected to keep this pure of I/O). */
  readonly sha256: (bytes: Uint8Array) => string
  readonly settings: ProbeSettings
  readonly capMbps: number
  readonly random: () => number
  readonly now: () => number
  readonly onError?: (error: unknown) => void
}

/**
 * The hunters: each node gets a probe round (content, speed, reachability) after a
 * jittered wait, so a node cannot tell a probe from a client by its timing; every
 * result is stored with time, kind, outcome, measurements and reason.
 */
export class Hunters {
  readonly #init: HuntersInit
  readonly #timers = new Map<string, ReturnType<typeof setTimeout>>()
  readonly #inFlight = new Set<Promise<unknown>>()
  #running = false
  #refresh: ReturnType<typeof setInterval> | undefined

  constructor(init: HuntersInit) {
    this.#init = init
  }

  start(): void {
    if (this.#running) return
    this.#running = true
    const sync = (): void => {
      this.#syncNodes().catch((error: unknown) => this.#init.onError?.(error))
    }
    sync()
    this.#refresh = setInterval(sync, this.#init.settings.intervalMs)
    this.#refresh.unref()
  }

  /** Stops scheduling, then waits for the rounds in flight (their results are stored before the store closes). */
  async stop(): Promise<void> {
    this.#running = false
    if (this.#refresh !== undefined) clearInterval(this.#refresh)
    for (const timer of this.#timers.values()) clearTimeout(timer)
    this.#timers.clear()
    await Promise.allSettled([...this.#inFlight])
  }

  /** Runs one round against one node now and stores its results; returns them. */
  async probeNode(node: ProbeTarget): Promise<readonly ProbeResult[]> {
    const results: ProbeResult[] = []
    for (const probe of planProbeRound(node.id, this.#init.settings, this.#init.random)) {
      const observation = await this.#init.runProbe(probe, node)
      results.push(judgeProbe(probe, observation, this.#expectedSha256(probe), this.#init.now(), this.#init.capMbps))
    }
    for (const extra of this.#init.extraProbes ?? []) {
      const result = await extra(node)
      if (result !== undefined) results.push(result)
    }
    await this.#init.saveResults(results)
    return results
  }

  #expectedSha256(probe: PlannedProbe): string | null {
    if (probe.kind === 'reachability') return null
    const body = probeOriginBody(probe.token, probe.sizeBytes)
    if (probe.kind === 'content' && probe.range !== null) return this.#init.sha256(body.subarray(probe.range.start, probe.range.end + 1))
    return this.#init.sha256(body)
  }

  async #syncNodes(): Promise<void> {
    const nodes = await this.#init.listNodes()
    for (const node of nodes) if (!this.#timers.has(node.id)) this.#schedule(node)
  }

  #schedule(node: ProbeTarget): void {
    if (!this.#running) return
    const timer = setTimeout(() => {
      const round = this.probeNode(node)
        .catch((error: unknown) => this.#init.onError?.(error))
        .finally(() => {
          this.#inFlight.delete(round)
          this.#timers.delete(node.id)
          this.#schedule(node)
        })
      this.#inFlight.add(round)
    }, nextProbeDelayMs(this.#init.settings, this.#init.random))
    timer.unref()
    this.#timers.set(node.id, timer)
  }
}
