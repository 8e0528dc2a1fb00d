import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import { createAdminServer, createCacheServer, listenServer } from '../adapters/http/cache-server.ts'
import type { ListeningServer } from '../adapters/http/cache-server.ts'
import { systemClock } from '../adapters/http/cache-context.ts'
import type { CacheContext, Clock } from '../adapters/http/cache-context.ts'
import type { ServerMetrics } from '../adapters/http/server-metrics.ts'
import { createServerMetrics, registerCollectedGauge } from '../adapters/http/server-metrics.ts'
import type { AdminRoutesContext } from '../adapters/http/admin-routes.ts'
import { describeUnexpectedError } from '../adapters/http/request-guard.ts'
import { installFastConnections } from '../adapters/raw-http/fast-connections.ts'
import { rawFreshHitSource } from '../adapters/raw-http/raw-fresh-hit.ts'
import type { RawHitSource } from '../adapters/raw-http/raw-fresh-hit.ts'
import { createRequestCollapser } from '../cdn/engine/request-collapser.ts'
import type { NodeConfig } from '../config/config.ts'
import { createOriginClient } from '../adapters/origin/origin-client.ts'
import { openDiskCacheStore } from '../cdn/store/disk-cache-store.ts'
import type { CacheStore } from '../cdn/store/cache-store.ts'
import { silentLogger } from '../cdn/engine/logger.ts'
import type { Logger } from '../cdn/engine/logger.ts'

/** The slice of a pino logger the node uses; lifecycle events only, never per request. */
export type NodeLogger = Logger

export interface StartNodeDependencies {
  readonly clock?: Clock
  readonly logger?: NodeLogger
  /** Collect Node process metrics into `/_meson/metrics` (off in tests). */
  readonly collectProcessMetrics?: boolean
}


/** What {@link startCacheEngine} needs: every setting but the origin, which is optional. */
export interface StartCacheEngineParameters {
  readonly config: Omit<NodeConfig, 'originUrl'>
  /** The one origin of standalone mode; undefined in coordinator mode (tickets name origins). */
  readonly originUrl: URL | undefined
  /** Asked first for each request (see `CacheServerParameters.route`). */
  readonly route?: (req: IncomingMessage, res: ServerResponse) => boolean
  /**
   * With `route`: what the raw connections may answer before it (CDN mode: ticketed
   * fresh hits, `rawZoneHitSource`). Without `route`, the default origin's fresh hits.
   */
  readonly rawHits?: RawHitSource
  readonly dependencies: StartNodeDependencies
}

/** The cache engine, listening: store, metrics, the shared request context and the servers. */
export interface CacheEngine {
  readonly url: string
  readonly adminUrl: string
  readonly store: CacheStore
  readonly metrics: ServerMetrics
  /** The context of the default origin; coordinator mode derives one per zone from it. */
  readonly context: CacheContext
  /** The main server (clients), to watch its requests. */
  readonly server: Server
  /** Stops accepting and lets in-flight responses finish for up to `shutdownGraceMs`. */
  closeServers(): Promise<void>
  /** Closes the origin client and the store (after `closeServers`). */
  closeStorage(): Promise<void>
}

/** Opens the store and starts the caching servers; shared by standalone and coordinator mode. */
export async function startCacheEngine(parameters: StartCacheEngineParameters): Promise<CacheEngine> {
  const { config, originUrl, dependencies } = parameters
  const clock = dependencies.clock ?? systemClock
  const logger = dependencies.logger ?? silentLogger
  const maxObjectSizeBytes = Number(config.maxObjectSizeBytes)
  const store = await openDiskCacheStore({
    dataDir: config.dataDir,
    maxBytes: Number(config.cacheSizeBytes),
    memoryMaxBytes: Number(config.memoryCacheBytes),
    memoryMaxObjectBytes: Number(config.memoryMaxObjectSizeBytes),
    maxObjectBytes: maxObjectSizeBytes,
    clock: () => clock.nowMs(),
    logger,
  })
  const metrics = createServerMetrics({ collectProcessMetrics: dependencies.collectProcessMetrics ?? false })
  registerCollectedGauge(metrics, 'meson_node_cache_objects', 'Objects in the cache.', () => store.stats().objects)
  registerCollectedGauge(metrics, 'meson_node_cache_stored_bytes', 'Body bytes in the disk cache.', () => store.stats().storedBytes)
  registerCollectedGauge(metrics, 'meson_node_cache_memory_bytes', 'Body bytes in the memory tier.', () => store.stats().memoryBytes)
  // Coordinator mode has no default origin: its route answers every request, and this
  // placeholder (a reserved name, RFC 6761 §6.4) is never asked.
  const defaultOriginUrl = originUrl ?? new URL('http://no-default-origin.invalid')
  const origin = createOriginClient({
    originUrl: defaultOriginUrl,
    connectTimeoutMs: config.originConnectTimeoutMs,
    responseTimeoutMs: config.originTimeoutMs,
    idleTimeoutMs: config.originIdleTimeoutMs,
    maxSockets: config.originMaxSockets,
  })
  const context: CacheContext = {
    store,
    origin,
    originUrl: defaultOriginUrl,
    originHost: defaultOriginUrl.host,
    collapser: createRequestCollapser({ waitTimeoutMs: config.collapseWaitTimeoutMs, onFollower: () => metrics.collapsedWaiters.inc() }),
    metrics,
    clock,
    maxObjectSizeBytes,
    surrogateTarget: config.surrogateTarget,
    backgroundFills: new Set(),
    onBackgroundError: (error) => logger.warn({ code: errorCode(error) }, 'background cache work failed'),
  }
  const admin: AdminRoutesContext = { store, metrics, originUrl: defaultOriginUrl, adminToken: config.adminToken }
  const limits = config
  // One log line per request a handler failed to answer (it got a 500); never the stack.
  const onUnexpectedError = (error: unknown): void => logger.error(describeUnexpectedError(error), 'request failed with an internal error')
  const servers: ListeningServer[] = []
  try {
    const servesAdminRoutes = config.adminPort === undefined
    const cacheServer = createCacheServer({
      context,
      admin,
      limits,
      servesAdminRoutes,
      onUnexpectedError,
      ...(parameters.route === undefined ? {} : { route: parameters.route }),
    })
    // A `route` (coordinator mode) sees every request the raw connections do not answer;
    // with a route, only what `rawHits` admits is answered before it.
    const answer = parameters.route === undefined ? rawFreshHitSource(context) : parameters.rawHits
    const fastConnections = config.fastConnections && answer !== undefined ? installFastConnections(cacheServer, { answer, limits, servesAdminRoutes, onUnexpectedError }) : undefined
    servers.push(await listenServer(cacheServer, config.host, config.port, fastConnections))
    if (config.adminPort !== undefined) servers.push(await listenServer(createAdminServer(admin, limits, onUnexpectedError), config.host, config.adminPort))
  } catch (error) {
    await Promise.all(servers.map((server) => server.close(0)))
    origin.close()
    await store.close()
    throw error
  }
  const main = servers[0]
  if (main === undefined) throw new Error('unreachable: the main server is listening')
  return {
    url: main.url,
    adminUrl: servers[1]?.url ?? main.url,
    store,
    metrics,
    context,
    server: main.server,
    closeServers: async () => {
      await Promise.all(servers.map((server) => server.close(config.shutdownGraceMs)))
    },
    closeStorage: async () => {
      origin.close()
      await store.close()
    },
  }
}

function errorCode(error: unknown): string {
  return typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : 'UNKNOWN'
}
