import type { NodeConfig } from './config/config.ts'
import type { CacheStore } from './cdn/store/cache-store.ts'
import { acquireDataDirLock } from './cdn/store/data-dir-lock.ts'
import { startCacheEngine } from './runtime/start-cache-engine.ts'
import type { CacheEngine, StartNodeDependencies } from './runtime/start-cache-engine.ts'
import { silentLogger } from './cdn/engine/logger.ts'

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

/** Composition root of standalone mode: config → store, origin client, server → listening. */
export async function startNode(config: NodeConfig, dependencies: StartNodeDependencies = {}): Promise<RunningNode> {
  // One node process per data directory: a second one refuses to start.
  const lock = await acquireDataDirLock(config.dataDir)
  let engine: CacheEngine
  try {
    engine = await startCacheEngine({ config, originUrl: config.originUrl, dependencies })
  } catch (error) {
    await lock.release()
    throw error
  }
  const logger = dependencies.logger ?? silentLogger
  logger.info({ url: engine.url, origin: config.originUrl.origin }, 'edge node listening')
  let stopping: Promise<void> | undefined
  return {
    url: engine.url,
    adminUrl: engine.adminUrl,
    store: engine.store,
    stop() {
      stopping ??= (async () => {
        await engine.closeServers()
        await engine.closeStorage()
        await lock.release()
        logger.info({}, 'edge node stopped')
      })()
      return stopping
    },
  }
}
