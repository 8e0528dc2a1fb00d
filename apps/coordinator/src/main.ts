import { readFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import type { Logger } from 'pino'
import { openStore } from './adapters/db/open-store.ts'
import { ensureAdminTokenFile } from './adapters/disk/admin-token-file.ts'
import { buildHttpServer } from './adapters/http/build-http-server.ts'
import { createLogger } from './adapters/log/create-logger.ts'
import { createAdminSecret } from './auth/admin-secret.ts'
import type { CoordinatorConfig } from './config.ts'
import type { Store } from './store/store.ts'

export interface StartCoordinatorOptions {
  /** Defaults to a pino JSON logger on stdout at `config.logLevel`. */
  readonly logger?: Logger
  /**
   * A store to use instead of opening `config.db` (tests pass one bound to their own
   * PostgreSQL schema). The caller keeps ownership: `close()` leaves it open.
   */
  readonly store?: Store
}

export interface RunningCoordinator {
  /** Base URL of the HTTP API, e.g. `http://127.0.0.1:7400`. */
  readonly url: string
  readonly store: Store
  /** Stops accepting requests, waits for in-flight ones, then closes the store it opened. */
  close(): Promise<void>
}

function readVersion(): string {
  const manifest: unknown = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
  return typeof manifest === 'object' && manifest !== null && 'version' in manifest && typeof manifest.version === 'string' ? manifest.version : '0.0.0'
}

function formatUrl(address: AddressInfo): string {
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address
  return `http://${host}:${address.port}`
}

/** Composition root: admin token → store → HTTP server → listen. Nothing runs at import. */
export async function startCoordinator(config: CoordinatorConfig, options: StartCoordinatorOptions = {}): Promise<RunningCoordinator> {
  const logger = options.logger ?? createLogger({ level: config.logLevel })
  let adminToken = config.adminToken
  if (adminToken === undefined) {
    const file = await ensureAdminTokenFile(config.dataDir)
    adminToken = file.token
    // The path, never the token: logs travel further than the data dir.
    logger.warn({ adminTokenFile: file.path, created: file.created }, 'no admin token configured; using the one in the admin token file')
  }

  const ownsStore = options.store === undefined
  const store = options.store ?? (await openStore({ url: config.db, logger }))
  const { app } = buildHttpServer({ config, store, adminSecret: createAdminSecret(adminToken), logger, version: readVersion() })
  try {
    await app.listen({ port: config.port, host: config.host })
  } catch (error) {
    await app.close()
    if (ownsStore) await store.close()
    throw error
  }
  const address = app.server.address()
  if (address === null || typeof address === 'string') throw new Error('the HTTP server is not bound to a TCP address')
  const url = formatUrl(address)
  logger.info({ url, store: store.dialect }, 'coordinator listening')

  let closing: Promise<void> | undefined
  return {
    url,
    store,
    close() {
      closing ??= (async () => {
        await app.close()
        if (ownsStore) await store.close()
        logger.info('coordinator stopped')
      })()
      return closing
    },
  }
}
