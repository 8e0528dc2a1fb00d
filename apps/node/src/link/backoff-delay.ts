/** Exponential backoff: the first delay, the growth factor and the cap. */
export interface BackoffPolicy {
  readonly initialDelayMs: number
  readonly maxDelayMs: number
  readonly multiplier: number
}

/** 1 s, 2 s, 4 s … capped at 60 s (before jitter). */
export const DEFAULT_BACKOFF_POLICY: BackoffPolicy = { initialDelayMs: 1000, maxDelayMs: 60_000, multiplier: 2 }

/**
 * The wait before retry number `attempt` (0 for the first retry): the capped
 * exponential delay, with "equal jitter" — half of it fixed, half random. The random
 * half spreads thousands of nodes that lost the coordinator at the same moment, so
 * they do not all come back in the same second; the fixed half keeps a single node
 * from retrying at once in a tight loop.
 */
export function backoffDelayMs(attempt: number, policy: BackoffPolicy, random: () => number): number {
  const exponent = Math.max(0, Math.floor(attempt))
  const capped = Math.min(policy.maxDelayMs, policy.initialDelayMs * policy.multiplier ** exponent)
  const unit = Math.min(Math.max(random(), 0), 1)
  return Math.round(capped / 2 + (capped / 2) * unit)
}
