import { readFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import type { Logger } from 'pino'
import { KyselyFleetStore } from './adapters/db/kysely-fleet-store.ts'
import { databaseOf, openStore } from './adapters/db/open-store.ts'
import { ensureCoordinatorKeyFile } from './adapters/disk/coordinator-key-file.ts'
import { createCallNodeBack } from './adapters/node-callback/call-node-back.ts'
import type { CallNodeBack } from './adapters/node-callback/call-node-back.ts'
import { FleetControl } from './fleet/fleet-control.ts'
import { KyselyMeteringStore } from './adapters/db/kysely-metering-store.ts'
import { Metering } from './metering/metering.ts'
import { registerMeteringMetrics } from './metering/metering-metrics.ts'
import type { MeteringStore } from './store/metering-store.ts'
import { ensureAdminTokenFile } from './adapters/disk/admin-token-file.ts'
import { buildHttpServer } from './adapters/http/build-http-server.ts'
import { createLogger } from './adapters/log/create-logger.ts'
import { createAdminSecret } from './auth/admin-secret.ts'
import type { CoordinatorConfig } from './config.ts'
import type { Store } from './store/store.ts'
import { openGeoIpLookup } from './adapters/geoip/open-geoip-lookup.ts'
import { createOriginAgents } from './adapters/http/routes/fetch-from-origin.ts'
import type { OriginAgents } from './adapters/http/routes/fetch-from-origin.ts'
import { FleetViewSource } from './adapters/http/routes/fleet-view-source.ts'
import { hostName, registerRedirectRoutes } from './adapters/http/routes/redirect-route.ts'
import { createCountryLookup } from './redirector/country-lookup.ts'
import type { CountryLookup } from './redirector/country-lookup.ts'

export interface StartCoordinatorOptions {
  /** Defaults to a pino JSON logger on stdout at `config.logLevel`. */
  readonly logger?: Logger
  /**
   * A store to use instead of opening `config.db` (tests pass one bound to their own
   * PostgreSQL schema). The caller keeps ownership: `close()` leaves it open.
   */
  readonly store?: Store
  /** The registration callback; defaults to a real HTTP call to the node's public URL. */
  readonly callNodeBack?: CallNodeBack
  /** The fleet's clock (ms since the epoch); tests pass one they move by hand. */
  readonly now?: () => number
  /** Off in tests that drive `fleet.sweep()` / `fleet.flush()` themselves. */
  readonly startFleetTimers?: boolean
  /** A metering store to use; by default one on the store's own database (none for a fake store). */
  readonly meteringStore?: MeteringStore
  /** GeoIP for the redirector; by default the database of `@ip-location-db/geo-whois-asn-country-mmdb`. */
  readonly geo?: CountryLookup
}

export interface RunningCoordinator {
  /** Base URL of the HTTP API, e.g. `http://127.0.0.1:7400`. */
  readonly url: string
  readonly store: Store
  /** The fleet (undefined when the store was not opened by openStore, e.g. a fake). */
  readonly fleet: FleetControl | undefined
  /** Metering and billing: issued tickets, balances, the zone directory (undefined for a fake store). */
  readonly metering: Metering | undefined
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
  const metering = createMetering(config, store, options, logger)
  const fleet = await startFleet(config, store, options, logger)
  const originAgents = createOriginAgents()
  const geo = fleet === undefined ? undefined : (options.geo ?? (await openGeoIpOrLocalOnly(logger)))
  const redirector = fleet === undefined || metering === undefined || geo === undefined ? undefined : { fleet, metering, geo }
  const { app, metrics } = buildHttpServer({
    config,
    store,
    adminSecret: createAdminSecret(adminToken),
    logger,
    version: readVersion(),
    ...(fleet === undefined ? {} : { fleet }),
    ...(metering === undefined ? {} : { metering }),
    ...(geo === undefined ? {} : { geo }),
    ...(redirector === undefined ? {} : { registerExtraRoutes: (server) => registerRedirectRoutes(server, redirectDependencies(config, redirector, originAgents, options.now ?? Date.now)) }),
  })
  try {
    if (metering !== undefined) {
      metering.attachMetrics(registerMeteringMetrics(metrics.registry, metering.rejections))
      await metering.start()
    }
    await app.listen({ port: config.port, host: config.host })
  } catch (error) {
    await app.close()
    originAgents.destroy()
    await fleet?.stop()
    await metering?.stop()
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
    fleet,
    metering,
    close() {
      closing ??= (async () => {
        await app.close()
        originAgents.destroy()
        // After the server: no heartbeat can arrive between the last flush and the store closing.
        await fleet?.stop()
        // Tickets still queued are written before the store closes.
        await metering?.stop()
        if (ownsStore) await store.close()
        logger.info('coordinator stopped')
      })()
      return closing
    },
  }
}

/** The coordinator key, the fleet store on the store's database, and the fleet with its timers. */
async function startFleet(config: CoordinatorConfig, store: Store, options: StartCoordinatorOptions, logger: Logger): Promise<FleetControl | undefined> {
  const database = databaseOf(store)
  if (database === undefined) {
    logger.warn('the store was not opened by openStore; node registration is disabled')
    return undefined
  }
  const keyFile = await ensureCoordinatorKeyFile(config.coordinatorKeyFile)
  if (keyFile.created) logger.info({ coordinatorKeyFile: keyFile.path }, 'created the coordinator key')
  const fleet = new FleetControl({
    fleetStore: new KyselyFleetStore(database.db),
    coordinatorKey: keyFile.key,
    callNodeBack: options.callNodeBack ?? createCallNodeBack(),
    settings: {
      minNodeVersion: config.minNodeVersion,
      allowSharedIp: config.allowSharedIp,
      heartbeatIntervalMs: config.heartbeatIntervalMs,
      nodeDownAfterMs: config.nodeDownAfterMs,
    },
    now: options.now ?? Date.now,
    onBackgroundError: (error) => logger.warn({ err: error }, 'fleet store write failed; retrying'),
  })
  await fleet.load()
  if (options.startFleetTimers ?? true) fleet.startTimers()
  return fleet
}

/** Metering on the store's database (or the given metering store); not started yet. */
function createMetering(config: CoordinatorConfig, store: Store, options: StartCoordinatorOptions, logger: Logger): Metering | undefined {
  const database = databaseOf(store)
  const meteringStore = options.meteringStore ?? (database === undefined ? undefined : new KyselyMeteringStore(database.db, { dialect: database.dialect, now: () => new Date() }))
  if (meteringStore === undefined) return undefined
  return new Metering({
    store,
    meteringStore,
    operatorSharePercent: config.operatorSharePercent,
    flushIntervalMs: config.usageFlushMs,
    usageGraceMs: config.usageGraceMs,
    ...(options.now === undefined ? {} : { now: options.now }),
    onError: (error, task) => {
      logger.warn({ err: error, task }, 'metering task failed; retrying on the next tick')
    },
  })
}

/** GeoIP from the shipped database; without it, every public address is "unknown" (nodes still serve worldwide). */
async function openGeoIpOrLocalOnly(logger: Logger): Promise<CountryLookup> {
  try {
    return await openGeoIpLookup()
  } catch (error) {
    logger.warn({ err: error }, 'GeoIP database unavailable; the redirector routes by health and affinity only')
    return createCountryLookup(() => undefined)
  }
}

/** The redirector's wiring: the fleet's view and signer, metering's zones and ticket record. */
function redirectDependencies(
  config: CoordinatorConfig,
  redirector: { readonly fleet: FleetControl; readonly metering: Metering; readonly geo: CountryLookup },
  originAgents: OriginAgents,
  now: () => number,
): Parameters<typeof registerRedirectRoutes>[1] {
  const { fleet, metering, geo } = redirector
  const fleetViews = new FleetViewSource({ registry: fleet.registry, geo })
  const ownHosts = new Set(['localhost', hostName(config.host)])
  if (config.publicUrl !== undefined) ownHosts.add(hostName(new URL(config.publicUrl).host))
  return {
    fleetView: () => fleetViews.current(),
    zones: () => metering.zones.current(),
    geo,
    signTicket: (ticket) => fleet.signTicket(ticket),
    recordTicket: (ticket) => {
      metering.issuedTickets.record(ticket)
    },
    now,
    ticketTtlMs: config.ticketTtlMs,
    ticketByteBudget: config.ticketByteBudget,
    trustProxy: config.trustProxy,
    originTimeoutMs: config.originFallbackTimeoutMs,
    originAgents,
    ownHosts,
  }
}
