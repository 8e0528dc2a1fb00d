import type { BenchConfig } from './bench-config.ts'
import type { BenchObject } from './bench-objects.ts'
import type { GitRevision } from './git-revision.ts'
import type { HitRun, ObjectComparison } from './compare-sides.ts'
import type { MissReport } from './miss-latency.ts'
import type { SidePeakRss } from './peak-rss.ts'
import type { WarmUpReport } from './warm-cache.ts'

/** Everything one run measured; written as JSON to bench/results/. */
export interface BenchResults {
  readonly benchmark: 'edge-vs-nginx'
  readonly startedAt: string
  readonly finishedAt: string
  readonly machine: {
    readonly cpus: number
    readonly loadAverageAtStart: readonly number[]
    readonly loadAverageAtEnd: readonly number[]
    readonly node: string
    readonly nginx: string | undefined
    readonly wrk: string
  }
  readonly revision: GitRevision
  readonly config: BenchConfig
  readonly objects: readonly BenchObject[]
  readonly warmUps: readonly WarmUpReport[]
  readonly hitRuns: readonly HitRun[]
  readonly comparisons: readonly ObjectComparison[]
  readonly summary: readonly string[]
  readonly misses: readonly MissReport[]
  readonly peakRss: readonly SidePeakRss[]
}

/** `edge-vs-nginx-2025-11-24T11-32-41-080Z.json`: sortable, and safe on every file system. */
export function resultsFileName(startedAt: Date): string {
  return `edge-vs-nginx-${startedAt.toISOString().replace(/[:.]/g, '-')}.json`
}

/** Pretty JSON; bigints (byte counts) become decimal strings, which JSON can hold exactly. */
export function stringifyResults(results: BenchResults): string {
  return `${JSON.stringify(results, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value), 2)}\n`
}
