/** p50, max and mean of a set of latencies, in milliseconds. */
export interface LatencySummary {
  readonly count: number
  readonly p50Ms: number
  readonly p99Ms: number
  readonly maxMs: number
  readonly meanMs: number
}

/**
 * Nearest-rank percentile (the smallest sample with at least p% of samples at or below
 * it), so a reported p50 is always a latency that was really observed.
 */
export function percentile(sortedAscending: readonly number[], percent: number): number {
  if (sortedAscending.length === 0) return Number.NaN
  const rank = Math.max(1, Math.ceil((percent / 100) * sortedAscending.length))
  return sortedAscending[Math.min(rank, sortedAscending.length) - 1] ?? Number.NaN
}

/** Summarizes latencies; an empty set gives NaN figures rather than a throw. */
export function summarizeLatencies(latenciesMs: readonly number[]): LatencySummary {
  const sorted = [...latenciesMs].sort((a, b) => a - b)
  const total = sorted.reduce((sum, value) => sum + value, 0)
  return {
    count: sorted.length,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    maxMs: sorted.length === 0 ? Number.NaN : (sorted[sorted.length - 1] ?? Number.NaN),
    meanMs: sorted.length === 0 ? Number.NaN : total / sorted.length,
  }
}
