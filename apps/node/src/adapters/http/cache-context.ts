import type { Clock } from '../../cdn/engine/clock.ts'
import type { RequestCollapser } from '../../cdn/engine/request-collapser.ts'
import type { OriginClient } from '../origin/origin-client.ts'
import type { CacheStore } from '../../cdn/store/cache-store.ts'
import type { ServerMetrics } from './server-metrics.ts'

export type { Clock } from '../../cdn/engine/clock.ts'
export { systemClock } from '../../cdn/engine/clock.ts'

/** What the caching request handlers share: collaborators and limits, built once. */
export interface CacheContext {
  readonly store: CacheStore
  readonly origin: OriginClient
  readonly originUrl: URL
  /** `host[:port]` of the origin, for the `Host` field sent to it. */
  readonly originHost: string
  readonly collapser: RequestCollapser
  readonly metrics: ServerMetrics
  readonly clock: Clock
  /** Device token of targeted `Surrogate-Control` directives this node obeys (`--surrogate-target`). */
  readonly surrogateTarget: string
  /** Responses bigger than this are relayed but never stored. */
  readonly maxObjectSizeBytes: number
  /** Keys with a background refresh (stale-while-revalidate, Range fill) in flight. */
  readonly backgroundFills: Set<string>
  /** Reports errors of background work, which has no client to answer. */
  readonly onBackgroundError: (error: unknown) => void
}
