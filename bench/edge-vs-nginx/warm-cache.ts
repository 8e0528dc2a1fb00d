import type { BenchTarget } from './bench-target.ts'

/** What warming one object through one side saw. */
export interface WarmUpReport {
  readonly side: string
  readonly path: string
  readonly statuses: readonly number[]
  /** The cache header of each request, in order ('' when absent). */
  readonly cacheHeaders: readonly string[]
  /** Whether every request after the first was a cache hit. */
  readonly isHitAfterFirst: boolean
}

/** Requests `path` `count` times in a row and checks that all but the first were hits. */
export async function warmCache(target: BenchTarget, path: string, count = 3): Promise<WarmUpReport> {
  const statuses: number[] = []
  const cacheHeaders: string[] = []
  let isHitAfterFirst = true
  for (let i = 0; i < count; i++) {
    const response = await fetch(`${target.baseUrl}${path}`)
    await response.arrayBuffer()
    const header = response.headers.get(target.cacheHeader)
    statuses.push(response.status)
    cacheHeaders.push(header ?? '')
    if (i > 0 && !(response.status === 200 && target.isHit(header))) isHitAfterFirst = false
  }
  return { side: target.side, path, statuses, cacheHeaders, isHitAfterFirst }
}
