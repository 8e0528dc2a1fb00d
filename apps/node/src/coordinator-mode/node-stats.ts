import { statfs } from 'node:fs/promises'
import { availableParallelism, loadavg } from 'node:os'
import type { NodeStats } from '../coordinator-link/heartbeat-exchange.ts'
import type { CacheStore } from '../store/cache-store.ts'

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
}

/**
 * Collects what a heartbeat reports (DESIGN.md §4.5): load as the 1-minute load average
 * per CPU (a gauge, clamped to 0..1 by the link), free disk of the data dir from
 * `statfs` (blocks available to this user), cache counters and in-flight requests.
 */
export async function collectNodeStats(sources: NodeStatsSources): Promise<NodeStats> {
  const disk = await statfs(sources.dataDir, { bigint: true })
  const stats = sources.store.stats()
  return {
    load: (loadavg()[0] ?? 0) / availableParallelism(),
    freeDiskBytes: disk.bavail * disk.bsize,
    servedBytes: sources.servedBytes(),
    cache: { hits: sources.hits(), misses: sources.misses(), objects: stats.objects, storedBytes: BigInt(stats.storedBytes) },
    inflight: sources.inflight(),
  }
}
