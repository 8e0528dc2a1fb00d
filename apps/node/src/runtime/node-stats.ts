import { statfs } from 'node:fs/promises'
import { performance } from 'node:perf_hooks'
import type { EventLoopUtilization } from 'node:perf_hooks'
import type { NodeStats } from '../link/heartbeat-exchange.ts'
import type { CacheStore } from '../cdn/store/cache-store.ts'

/** The counters a heartbeat reports, read when it is sent. */
export interface NodeStatsSources {
  readonly dataDir: string
  readonly store: CacheStore
  readonly hits: () => number
  readonly misses: () => number
  /** Zone body bytes sent since start. */
  readonly servedBytes: () => bigint
  /** Requests being answered now. */
  readonly inflight: () => number
  /** This process's busyness since the previous heartbeat, 0..1 (see {@link createLoadGauge}). */
  readonly load: () => number
}

/**
 * The node's load as the share of time its event loop was busy since the last reading
 * (`performance.eventLoopUtilization`). The node serves from one event loop, so this is
 * its own saturation, unlike the machine's load average, which other programs on the
 * same machine raise (several demo nodes on one host all looked overloaded with it).
 */
export function createLoadGauge(): () => number {
  let previous: EventLoopUtilization = performance.eventLoopUtilization()
  return () => {
    const current = performance.eventLoopUtilization()
    const utilization = performance.eventLoopUtilization(current, previous).utilization
    previous = current
    return Number.isFinite(utilization) ? Math.min(1, Math.max(0, utilization)) : 0
  }
}

/**
 * Collects what a heartbeat reports (DESIGN.md §4.5): load from the event-loop gauge,
 * free disk of the data dir from
 * `statfs` (blocks available to this user), cache counters and in-flight requests.
 */
export async function collectNodeStats(sources: NodeStatsSources): Promise<NodeStats> {
  const disk = await statfs(sources.dataDir, { bigint: true })
  const stats = sources.store.stats()
  return {
    load: sources.load(),
    freeDiskBytes: disk.bavail * disk.bsize,
    servedBytes: sources.servedBytes(),
    cache: { hits: sources.hits(), misses: sources.misses(), objects: stats.objects, storedBytes: BigInt(stats.storedBytes) },
    inflight: sources.inflight(),
  }
}
