/** One reading of a monotonic byte counter. */
export interface CounterSample {
  readonly atMs: number
  readonly bytes: bigint
}

/**
 * Bytes per second between two readings of a served-bytes total, or undefined when
 * there is no earlier reading, no time passed, or the counter went back (a restart).
 */
export function rateBetween(previous: CounterSample | undefined, next: CounterSample): number | undefined {
  if (previous === undefined || next.atMs <= previous.atMs || next.bytes < previous.bytes) return undefined
  return Number(next.bytes - previous.bytes) / ((next.atMs - previous.atMs) / 1000)
}
