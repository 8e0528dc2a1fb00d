import { performance } from 'node:perf_hooks'

export interface DecisionRate {
  readonly decisions: number
  readonly decisionsPerSec: number
  readonly nsPerDecision: number
}

/**
 * Calls `decide(i)` for i = 0, 1, 2 ... for about `durationMs` (checking the clock
 * every 256 calls, so reading it costs little) after `warmUpCalls` calls that let V8
 * optimize, and reports the rate.
 */
export function measureDecisions(decide: (iteration: number) => unknown, durationMs: number, warmUpCalls = 20_000): DecisionRate {
  let sink = 0
  for (let iteration = 0; iteration < warmUpCalls; iteration++) if (decide(iteration) !== undefined) sink++
  const startMs = performance.now()
  let decisions = 0
  let elapsedMs = 0
  while (elapsedMs < durationMs) {
    for (let batch = 0; batch < 256; batch++) if (decide(decisions++) !== undefined) sink++
    elapsedMs = performance.now() - startMs
  }
  // `sink` keeps the calls observable so nothing is optimized away.
  if (sink < 0) throw new Error('unreachable')
  return { decisions, decisionsPerSec: (decisions / elapsedMs) * 1000, nsPerDecision: (elapsedMs * 1e6) / decisions }
}
