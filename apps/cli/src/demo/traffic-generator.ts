/** Counts of what the demo's traffic saw, by where the bytes came from. */
export interface TrafficStats {
  readonly requests: number
  readonly fromNodes: number
  readonly fromOriginFallback: number
  readonly failed: number
  readonly bytes: bigint
}

export interface TrafficGenerator {
  stats(): TrafficStats
  stop(): Promise<void>
}

/**
 * A small, steady client for the demo: every `intervalMs` it fetches one of `paths`
 * through the zone URL, following the redirector's 302 to a node, as a browser would.
 */
export function startTrafficGenerator(options: { zoneUrl: string; paths: readonly string[]; intervalMs: number }): TrafficGenerator {
  let requests = 0
  let fromNodes = 0
  let fromOriginFallback = 0
  let failed = 0
  let bytes = 0n
  let inflight: Promise<void> = Promise.resolve()
  let index = 0

  async function fetchOne(): Promise<void> {
    const path = options.paths[index % options.paths.length] ?? '/'
    index += 1
    requests += 1
    try {
      const response = await fetch(new URL(path.replace(/^\//, ''), options.zoneUrl), { signal: AbortSignal.timeout(10_000) })
      const body = await response.arrayBuffer()
      if (!response.ok) {
        failed += 1
        return
      }
      bytes += BigInt(body.byteLength)
      if (response.redirected) fromNodes += 1
      else fromOriginFallback += 1
    } catch {
      failed += 1
    }
  }

  const timer = setInterval(() => {
    inflight = inflight.then(fetchOne)
  }, options.intervalMs)
  timer.unref()

  return {
    stats: () => ({ requests, fromNodes, fromOriginFallback, failed, bytes }),
    async stop() {
      clearInterval(timer)
      await inflight
    },
  }
}
