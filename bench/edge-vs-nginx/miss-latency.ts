import type { BenchTarget } from './bench-target.ts'
import { summarizeLatencies, type LatencySummary } from './latency-summary.ts'
import { SLOW_PATH_PREFIX, type OriginServer } from './origin-server.ts'

/** Cache-miss latency and request collapsing of one side in front of a slow origin. */
export interface MissReport {
  readonly side: string
  /** N distinct uncached URLs, one after another. */
  readonly sequential: LatencySummary & { readonly originHits: number; readonly hits: number }
  /** M concurrent requests to one fresh URL; a collapsing cache makes 1 origin hit. */
  readonly collapsing: LatencySummary & { readonly concurrency: number; readonly originHits: number; readonly non200: number }
}

interface TimedResponse {
  readonly latencyMs: number
  readonly status: number
  readonly isHit: boolean
}

async function timedGet(target: BenchTarget, path: string): Promise<TimedResponse> {
  const startedAt = performance.now()
  const response = await fetch(`${target.baseUrl}${path}`)
  await response.arrayBuffer()
  return { latencyMs: performance.now() - startedAt, status: response.status, isHit: target.isHit(response.headers.get(target.cacheHeader)) }
}

/**
 * Measures misses through `target`. `runTag` keeps its URLs apart from any other side's
 * and run's, so every URL is fresh to the cache and to the origin's counter.
 */
export async function measureMisses(
  target: BenchTarget,
  origin: OriginServer,
  parameters: { readonly runTag: string; readonly sequentialCount: number; readonly concurrency: number },
): Promise<MissReport> {
  const prefix = `${SLOW_PATH_PREFIX}${target.side}-${parameters.runTag}`
  const sequentialPaths = Array.from({ length: parameters.sequentialCount }, (_, i) => `${prefix}-seq-${i}`)
  const sequential: TimedResponse[] = []
  for (const path of sequentialPaths) sequential.push(await timedGet(target, path))

  const collapsePath = `${prefix}-collapse`
  const concurrent = await Promise.all(Array.from({ length: parameters.concurrency }, () => timedGet(target, collapsePath)))

  return {
    side: target.side,
    sequential: {
      ...summarizeLatencies(sequential.map((response) => response.latencyMs)),
      originHits: sequentialPaths.reduce((sum, path) => sum + origin.hitsFor(path), 0),
      hits: sequential.filter((response) => response.isHit).length,
    },
    collapsing: {
      ...summarizeLatencies(concurrent.map((response) => response.latencyMs)),
      concurrency: parameters.concurrency,
      originHits: origin.hitsFor(collapsePath),
      non200: concurrent.filter((response) => response.status !== 200).length,
    },
  }
}
