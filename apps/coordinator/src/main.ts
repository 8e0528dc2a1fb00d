import { readFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import type { Logger } from 'pino'
import { openStores } from './adapters/db/open-store.ts'
import { ensureCoordinatorKeyFile } from './adapters/disk/coordinator-key-file.ts'
import { ensureTicketMasterKeyFile } from './adapters/disk/ticket-master-key-file.ts'
import { CoordinatorTicketKeys } from './tickets/coordinator-ticket-keys.ts'
import { createCallNodeBack } from './adapters/node-callback/call-node-back.ts'
import type { CallNodeBack } from './fleet/node-callback.ts'
import { FleetControl } from './fleet/fleet-control.ts'
import { Metering } from './metering/metering.ts'
import { registerMeteringMetrics } from './metering/metering-metrics.ts'
import { ensureAdminTokenFile } from './adapters/disk/admin-token-file.ts'
import { buildHttpServer } from './adapters/http/build-http-server.ts'
import { createLogger } from './adapters/log/create-logger.ts'
import { createAdminSecret } from './accounts/admin-secret.ts'
import type { CoordinatorConfig } from './config/config.ts'
import type { CoordinatorStores } from './store/coordinator-stores.ts'
import type { Store } from './store/store.ts'
import { openGeoIpLookup } from './adapters/geoip/open-geoip-lookup.ts'
import { createOriginAgents } from './adapters/http/routes/routing/fetch-from-origin.ts'
import type { OriginAgents } from './adapters/http/routes/routing/fetch-from-origin.ts'
import { FleetViewSource } from './routing/fleet-view-source.ts'
import { registerRedirectRoutes } from './adapters/http/routes/routing/redirect-route.ts'
import { hostName } from './routing/host-name.ts'
import { createCountryLookup } from './routing/country-lookup.ts'
import type { CountryLookup } from './routing/country-lookup.ts'
import { hostname as machineHostname } from 'node:os'
import { createChallengeToken, createFetchDomainChallenge } from './adapters/http/fetch-domain-challenge.ts'
import { DomainVerifier } from './zones/domain-verifier.ts'
import { coordinatorEndpointsOf } from './zones/network-endpoints.ts'
import type { NetworkEndpoints } from './zones/network-endpoints.ts'

export interface StartCoordinatorOptions {
  /** Defaults to a pino JSON logger on stdout at `config.logLevel`. */
  readonly logger?: Logger
  /**
   * Stores to use instead of opening `config.db` (tests pass ones bound to their own
   * PostgreSQL schema). The caller keeps ownership: `close()` leaves them open.
   */
  readonly stores?: CoordinatorStores
  /** The registration callback; defaults to a real HTTP call to the node's public URL. */
  readonly callNodeBack?: CallNodeBack
  /** The fleet's clock (ms since the epoch); tests pass one they move by hand. */
  readonly now?: () => number
  /** Off in tests that drive `fleet.sweep()` / `fleet.flush()` themselves. */
  readonly startFleetTimers?: boolean
  /** GeoIP for the redirector; by default the database of `@ip-location-db/geo-whois-asn-country-mmdb`. */
  readonly geo?: CountryLookup
}

export interface RunningCoordinator {
  /** Base URL of the HTTP API, e.g. `http://127.0.0.1:7400`. */
  readonly url: string
  readonly store: Store
  readonly fleet: FleetControl
  /** Metering and billing: usage, balances, the zone directory. */
  readonly metering: Metering
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

  const ownsStores = options.stores === undefined
  const stores = options.stores ?? (await openStores({ url: config.db, logger }))
  const { store } = stores
  const domainVerifier = await createDomainVerifier(config, stores)
  const ticketKeyFile = await ensureTicketMasterKeyFile(config.ticketKeyFile)
  // The path, never the secrets.
  if (ticketKeyFile.created) logger.info({ ticketKeyFile: ticketKeyFile.path }, 'created the ticket master key file')
  const ticketKeys = new CoordinatorTicketKeys(ticketKeyFile.keys)
  const metering = createMetering(config, stores, { ...options, ticketKeys }, logger, domainVerifier)
  const fleet = await startFleet(config, stores, { ...options, ticketKeys }, logger)
  const originAgents = createOriginAgents()
  // The coordinator's own names and endpoints; the bound port is known after listen.
  let own = coordinatorEndpointsOf({ host: config.host, port: config.port, publicUrl: config.publicUrl, machineName: machineHostname() })
  const network: NetworkEndpoints = {
    get coordinatorNames() {
      return own.coordinatorNames
    },
    get coordinatorEndpoints() {
      return own.coordinatorEndpoints
    },
    nodeUrls: () => [...fleet.registry.list()].map((node) => node.record.publicUrl),
  }
  const redirector = { fleet, metering, geo: options.geo ?? (await openGeoIpOrLocalOnly(logger)), network }
  const { app, metrics } = buildHttpServer({
    network,
    domainVerifier,
    config,
    store,
    adminSecret: createAdminSecret(adminToken),
    logger,
    version: readVersion(),
    fleet,
    metering,
    registerExtraRoutes: (server) => registerRedirectRoutes(server, redirectDependencies(config, redirector, originAgents, options.now ?? Date.now)),
  })
  try {
    metering.attachMetrics(registerMeteringMetrics(metrics.registry, metering.rejections))
    await metering.start()
    await app.listen({ port: config.port, host: config.host })
  } catch (error) {
    await app.close()
    originAgents.destroy()
    await fleet.stop()
    await metering.stop()
    if (ownsStores) await stores.close()
    throw error
  }
  const address = app.server.address()
  if (address === null || typeof address === 'string') throw new Error('the HTTP server is not bound to a TCP address')
  const url = formatUrl(address)
  own = coordinatorEndpointsOf({ host: config.host, port: address.port, publicUrl: config.publicUrl, machineName: machineHostname() })
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
        await fleet.stop()
        await metering.stop()
        if (ownsStores) await stores.close()
        logger.info('coordinator stopped')
      })()
      return closing
    },
  }
}

/** The coordinator key and the fleet on its store, loaded, with its timers. */
async function startFleet(config: CoordinatorConfig, stores: CoordinatorStores, options: StartCoordinatorOptions & { readonly ticketKeys: CoordinatorTicketKeys }, logger: Logger): Promise<FleetControl> {
  const keyFile = await ensureCoordinatorKeyFile(config.coordinatorKeyFile)
  if (keyFile.created) logger.info({ coordinatorKeyFile: keyFile.path }, 'created the coordinator key')
  const fleet = new FleetControl({
    fleetStore: stores.fleet,
    coordinatorKey: keyFile.key,
    ticketKeys: options.ticketKeys,
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

/** Metering on its store, reading nodes from the fleet's; not started yet. */
function createMetering(
  config: CoordinatorConfig,
  stores: CoordinatorStores,
  options: StartCoordinatorOptions & { readonly ticketKeys: CoordinatorTicketKeys },
  logger: Logger,
  domainVerifier: DomainVerifier,
): Metering {
  return new Metering({
    store: stores.store,
    meteringStore: stores.metering,
    nodes: stores.fleet,
    operatorSharePercent: config.operatorSharePercent,
    flushIntervalMs: config.usageFlushMs,
    usageGraceMs: config.usageGraceMs,
    coordinatorKeyFor: (kid) => options.ticketKeys.coordinatorKeyFor(kid),
    ...(options.now === undefined ? {} : { now: options.now }),
    isDomainServed: (zoneId: string, hostname: string) => domainVerifier.isVerified(zoneId, hostname),
    onError: (error, task) => {
      logger.warn({ err: error, task }, 'metering task failed; retrying on the next tick')
    },
  })
}

/** Custom-domain proofs on their store, loaded. */
async function createDomainVerifier(config: CoordinatorConfig, stores: CoordinatorStores): Promise<DomainVerifier> {
  const keyFile = await ensureCoordinatorKeyFile(config.coordinatorKeyFile)
  const verifier = new DomainVerifier({
    store: stores.domains,
    challengeToken: createChallengeToken(keyFile.key.privateKey),
    fetchChallenge: createFetchDomainChallenge({ baseUrl: config.domainVerificationBaseUrl, timeoutMs: config.originFallbackTimeoutMs }),
    now: Date.now,
  })
  await verifier.start()
  return verifier
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

/** The redirector's wiring: the fleet's view and ticket issuer, metering's zones. */
function redirectDependencies(
  config: CoordinatorConfig,
  redirector: { readonly fleet: FleetControl; readonly metering: Metering; readonly geo: CountryLookup; readonly network: NetworkEndpoints },
  originAgents: OriginAgents,
  now: () => number,
): Parameters<typeof registerRedirectRoutes>[1] {
  const { fleet, metering, geo } = redirector
  const fleetViews = new FleetViewSource({ registry: fleet.registry, geo })
  const ownHosts = new Set(['localhost', hostName(config.host)])
  if (config.publicUrl !== undefined) ownHosts.add(hostName(new URL(config.publicUrl).host))
  for (const name of redirector.network.coordinatorNames) ownHosts.add(name)
  return {
    fleetView: () => fleetViews.current(),
    zones: () => metering.zones.current(),
    geo,
    signTicket: (claims) => fleet.signTicket(claims),
    now,
    ticketTtlMs: config.ticketTtlMs,
    ticketByteBudget: config.ticketByteBudget,
    trustProxy: config.trustProxy,
    originTimeoutMs: config.originFallbackTimeoutMs,
    originAgents,
    ownHosts,
  }
}
