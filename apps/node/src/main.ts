import { createAdminServer, createCacheServer, listenServer } from './adapters/http/cache-server.ts'
import type { ListeningServer } from './adapters/http/cache-server.ts'
import { systemClock } from './adapters/http/cache-context.ts'
import type { CacheContext, Clock } from './adapters/http/cache-context.ts'
import { createServerMetrics, registerCollectedGauge } from './adapters/http/server-metrics.ts'
import type { AdminRoutesContext } from './adapters/http/admin-routes.ts'
import { createRequestCollapser } from './collapsing/request-collapser.ts'
import type { NodeConfig } from './config.ts'
import { createOriginClient } from './origin/origin-client.ts'
import { openDiskCacheStore } from './store/disk-cache-store.ts'
import type { CacheStore } from './store/cache-store.ts'
import type { StoreLogger } from './store/store-logger.ts'

/** The slice of a pino logger the node uses; lifecycle events only, never per request. */
export interface NodeLogger extends StoreLogger {
  error(fields: Record<string, unknown>, message: string): void
}

export interface StartNodeDependencies {
  readonly clock?: Clock
  readonly logger?: NodeLogger
  /** Collect Node process metrics into `/_meson/metrics` (off in tests). */
  readonly collectProcessMetrics?: boolean
}

/** A running standalone node. */
export interface RunningNode {
  /** Base URL clients use, e.g. `http://127.0.0.1:8003`. */
  readonly url: string
  /** Base URL of `/_meson/*` (the same as `url` without `--admin-port`). */
  readonly adminUrl: string
  readonly store: CacheStore
  /** Stops accepting, finishes in-flight responses (bounded by `shutdownGraceMs`), closes the store. */
  stop(): Promise<void>
}

const quietLogger: NodeLogger = { info: () => undefined, warn: () => undefined, error: () => undefined }

/** Composition root of standalone mode: config → store, origin client, server → listening. */
export async function startNode(config: NodeConfig, dependencies: StartNodeDependencies = {}): Promise<RunningNode> {
  const clock = dependencies.clock ?? systemClock
  const logger = dependencies.logger ?? quietLogger
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
  const origin = createOriginClient({
    originUrl: config.originUrl,
    connectTimeoutMs: config.originConnectTimeoutMs,
    responseTimeoutMs: config.originTimeoutMs,
    idleTimeoutMs: config.originIdleTimeoutMs,
    maxSockets: config.originMaxSockets,
  })
  const context: CacheContext = {
    store,
    origin,
    originUrl: config.originUrl,
    originHost: config.originUrl.host,
    collapser: createRequestCollapser({ waitTimeoutMs: config.collapseWaitTimeoutMs, onFollower: () => metrics.collapsedWaiters.inc() }),
    metrics,
    clock,
    maxObjectSizeBytes,
    backgroundFills: new Set(),
    onBackgroundError: (error) => logger.warn({ code: errorCode(error) }, 'background cache work failed'),
  }
  const admin: AdminRoutesContext = { store, metrics, originUrl: config.originUrl, adminToken: config.adminToken }
  const limits = config
  const servers: ListeningServer[] = []
  try {
    servers.push(await listenServer(createCacheServer({ context, admin, limits, servesAdminRoutes: config.adminPort === undefined }), config.host, config.port))
    if (config.adminPort !== undefined) servers.push(await listenServer(createAdminServer(admin, limits), config.host, config.adminPort))
  } catch (error) {
    await Promise.all(servers.map((server) => server.close(0)))
    origin.close()
    await store.close()
    throw error
  }
  const main = servers[0]
  if (main === undefined) throw new Error('unreachable: the main server is listening')
  logger.info({ url: main.url, origin: config.originUrl.origin }, 'edge node listening')
  let stopping: Promise<void> | undefined
  return {
    url: main.url,
    adminUrl: servers[1]?.url ?? main.url,
    store,
    stop() {
      stopping ??= (async () => {
        await Promise.all(servers.map((server) => server.close(config.shutdownGraceMs)))
        origin.close()
        await store.close()
        logger.info({}, 'edge node stopped')
      })()
      return stopping
    },
  }
}

function errorCode(error: unknown): string {
  return typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : 'UNKNOWN'
}
