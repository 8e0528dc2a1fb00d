import type { Side } from './bench-config.ts'

/** A server under test, as the measuring code sees it. */
export interface BenchTarget {
  readonly side: Side
  readonly baseUrl: string
  /** The server's (master) process, for peak RSS. */
  readonly pid: number
  /** The response header that tells a cache hit, and how to read it. */
  readonly cacheHeader: string
  readonly isHit: (headerValue: string | null) => boolean
}
