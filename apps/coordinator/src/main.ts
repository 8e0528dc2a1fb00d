import type { KeyObject } from 'node:crypto'
import type { KeyPair } from '@meson/protocol'
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
import { RejectionCounters } from './metering/rejection-counters.ts'
import { createHttpMetrics } from './adapters/http/http-metrics.ts'
import type { HttpMetrics } from './adapters/http/http-metrics.ts'
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
import type { Redirector } from './adapters/http/routes/routing/redirect-route.ts'
import { createRedirectCounter } from './adapters/http/routes/routing/redirect-metrics.ts'
import type { CountRedirect } from './adapters/http/routes/routing/redirect-metrics.ts'
import { redirectorOn, redirectSettingsOf } from './adapters/redirect-workers/redirect-settings.ts'
import type { RedirectSettings } from './adapters/redirect-workers/redirect-settings.ts'
import { startRedirectWorkers } from './adapters/redirect-workers/start-redirect-workers.ts'
import type { RedirectWorkerPool } from './adapters/redirect-workers/redirect-worker-pool.ts'
import { hostName } from './routing/host-name.ts'
import { createCountryLookup } from './routing/country-lookup.ts'
import type { CountryLookup } from './routing/country-lookup.ts'
import { hostname as machineHostname } from 'node:os'
import { createChallengeToken, createFetchDomainChallenge } from './adapters/http/fetch-domain-challenge.ts'
import { createMeasureOriginObjectSize } from './adapters/http/measure-origin-object-size.ts'
import { DomainVerifier } from './zones/domain-verifier.ts'
import { coordinatorEndpointsOf } from './zones/network-endpoints.ts'
import type { NetworkEndpoints } from './zones/network-endpoints.ts'
import { DEFAULT_BLOCKED_EXIT_PORTS, parseExitAllowEntry } from '@meson/protocol'
import { authorizeRegisteredExit } from './adapters/proxy/authorize-registered-exit.ts'
import { startProxyGateway } from './adapters/proxy/proxy-gateway.ts'
import type { RunningProxyGateway } from './adapters/proxy/proxy-gateway.ts'
import type { ProxyAccess } from './proxy/proxy-access.ts'
import { LOCAL_REGION } from './routing/fleet-node.ts'
import { startChainSettlement } from './adapters/chain/start-chain-settlement.ts'
import type { ChainSettlement, ChainSettlementOptions } from './adapters/chain/start-chain-settlement.ts'
import { Rewards } from './rewards/rewards.ts'
import type { CloseEpochResult } from './rewards/close-epoch.ts'
import { SettlementTrigger } from './settlement/settlement-trigger.ts'
import { readSettlerKeyFile } from './adapters/disk/settler-key-file.ts'
import { DEFAULT_SCORE_CONFIG } from './rewards/score-config.ts'
import { createLiveProbes } from './adapters/probes/create-live-probes.ts'
import { createStorageProofs } from './adapters/probes/create-storage-proofs.ts'
import type { StorageProofs } from './probes/storage-proofs.ts'
import type { Hunters } from './probes/hunters.ts'

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
  /**
   * Settle on this chain and watch its vault, instead of the chain the config's `chain*`
   * keys name (absent and no chain keys: no chain; the claim routes answer NO_CHAIN).
   */
  readonly chain?: ChainSettlementOptions
  /** Off in tests that close epochs themselves; defaults to `startFleetTimers`. */
  readonly startRewardsTimer?: boolean
  /** Sizes of the probe objects (tests keep them small); `DEFAULT_PROBE_SETTINGS` otherwise. */
  readonly probeObjectBytes?: { readonly contentMaxBytes: number; readonly speedBytes: number; readonly ipfsContentMaxBytes?: number }
}

export interface RunningCoordinator {
  /** Base URL of the HTTP API, e.g. `http://127.0.0.1:7400`. */
  readonly url: string
  readonly store: Store
  readonly fleet: FleetControl
  /** Metering and billing: usage, balances, the zone directory. */
  readonly metering: Metering
  /** The proxy gateway (undefined unless a proxy port is configured). */
  readonly proxy: RunningProxyGateway | undefined
  /** On-chain settlement, run after every epoch close (and retried until it succeeds); undefined without a chain. */
  readonly settlement: ChainSettlement | undefined
  /** What runs settlement after each epoch close; undefined without a chain. */
  readonly settlementTrigger: SettlementTrigger | undefined
  /** Epoch close and the rewards queries. */
  readonly rewards: Rewards
  /** The hunters probing live nodes (undefined unless `probesEnabled`). */
  readonly probes: Hunters | undefined
  /** The redirect worker processes (undefined unless `redirectWorkers` > 0): their port, `sync()`. */
  readonly redirectWorkers: RedirectWorkerPool | undefined
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
  // Before anything starts: a bad settler key file stops start-up with nothing to undo.
  const chain = options.chain ?? (await chainOptionsOf(config))
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
  const metrics = createHttpMetrics()
  // Read once: it signs fleet commands and domain challenges.
  const coordinatorKey = await ensureCoordinatorKeyFile(config.coordinatorKeyFile)
  if (coordinatorKey.created) logger.info({ coordinatorKeyFile: coordinatorKey.path }, 'created the coordinator key')
  const domainVerifier = await createDomainVerifier(config, stores, coordinatorKey.key.privateKey)
  const ticketKeyFile = await ensureTicketMasterKeyFile(config.ticketKeyFile)
  // The path, never the secrets.
  if (ticketKeyFile.created) logger.info({ ticketKeyFile: ticketKeyFile.path }, 'created the ticket master key file')
  const ticketKeys = new CoordinatorTicketKeys(ticketKeyFile.keys)
  // Opened before metering: usage is aggregated by the country of the tickets' clients (#14).
  const geo = options.geo ?? (await openGeoIpOrLocalOnly(logger))
  // Keep-alive pools to zones' origins: the redirector's fallback and metering's size checks.
  const originAgents = createOriginAgents()
  const metering = createMetering(config, stores, metrics, { ...options, ticketKeys, geo }, logger, domainVerifier, originAgents)
  const fleet = await startFleet(config, stores, coordinatorKey.key, { ...options, ticketKeys }, logger)
  const settlement = startSettlement(chain, stores, logger)
  const settlementTrigger = settlement === undefined ? undefined : createSettlementTrigger(settlement, logger)
  const rewards = createRewards(config, stores, {
    beforeClose: () => metering.deliverKeptFlags().then(() => undefined),
    ...(options.now === undefined ? {} : { now: options.now }),
    onError: (error) => logger.warn({ err: error }, 'epoch close failed; retrying on the next tick'),
    // Each epoch this replica closes is settled on chain (idempotent: an unchanged tree posts nothing).
    onClosed: (epochId: string, result: CloseEpochResult) => {
      if (result.status === 'closed') settlementTrigger?.request()
    },
  })
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
  const redirector = { fleet, metering, geo, network }
  let proxy: RunningProxyGateway | undefined
  try {
    proxy = await startProxy(config, stores, fleet, redirector.geo, logger)
  } catch (error) {
    await fleet.stop()
    if (ownsStores) await stores.close()
    throw error
  }
  // One redirector, two faces: node:http's handler and the raw connection path (ADR 0016).
  const wiring = redirectWiring(config, { ...redirector, ticketKeys }, originAgents, options.now ?? Date.now, metrics)
  const zoneRedirector = wiring.redirector
  let redirectWorkers: RedirectWorkerPool | undefined
  const storage = createStorageProofs(config, stores, fleet, coordinatorKey.key, options.now ?? Date.now)
  const { app } = buildHttpServer({
    metrics,
    network,
    domainVerifier,
    config,
    store,
    zones: stores.zones,
    adminSecret: createAdminSecret(adminToken),
    logger,
    version: readVersion(),
    fleet,
    metering,
    handleBeforeFastify: zoneRedirector.handle,
    rawRedirect: zoneRedirector.rawRedirect,
    ...(proxy === undefined ? {} : { proxy: proxyAccess(proxy) }),
    ...(settlement === undefined ? {} : { settlement: settlement.service }),
    rewards,
    ...(storage === undefined ? {} : { storage }),
    geo: redirector.geo,
  })
  try {
    await metering.start()
    await app.listen({ port: config.port, host: config.host })
    // Zone requests on the redirect port, one process per worker (ADR 0016, fifth session).
    redirectWorkers = await startRedirectWorkers(config, { registry: fleet.registry, geo, metering, masterKeys: ticketKeyFile.keys, settings: wiring.settings, countRedirect: wiring.countRedirect, logger })
    if (options.startRewardsTimer ?? options.startFleetTimers ?? true) {
      rewards.start()
      // Finishes a settlement a crash left between sending and recording, without waiting for an epoch.
      settlementTrigger?.request()
    }
  } catch (error) {
    await redirectWorkers?.close()
    await app.close()
    await proxy?.stop()
    originAgents.destroy()
    await rewards.stop()
    await settlementTrigger?.stop()
    await fleet.stop()
    await metering.stop()
    await settlement?.stop()
    if (ownsStores) await stores.close()
    throw error
  }
  const address = app.server.address()
  if (address === null || typeof address === 'string') throw new Error('the HTTP server is not bound to a TCP address')
  const url = formatUrl(address)
  own = coordinatorEndpointsOf({ host: config.host, port: address.port, publicUrl: config.publicUrl, machineName: machineHostname() })
  const probes = config.probesEnabled ? startLiveProbes(config, config.publicUrl ?? url, stores, fleet, { storage, proxy }, options, logger) : undefined
  logger.info({ url, store: store.dialect }, 'coordinator listening')

  let closing: Promise<void> | undefined
  return {
    url,
    store,
    fleet,
    metering,
    proxy,
    settlement,
    settlementTrigger,
    rewards,
    probes,
    redirectWorkers,
    close() {
      closing ??= (async () => {
        await probes?.stop()
        await proxy?.stop()
        await redirectWorkers?.close()
        await app.close()
        originAgents.destroy()
        await rewards.stop()
        await settlementTrigger?.stop()
        // After the server: no heartbeat can arrive between the last flush and the store closing.
        await fleet.stop()
        await metering.stop()
        await settlement?.stop()
        if (ownsStores) await stores.close()
        logger.info('coordinator stopped')
      })()
      return closing
    },
  }
}

/** The coordinator key and the fleet on its store, loaded, with its timers. */
async function startFleet(config: CoordinatorConfig, stores: CoordinatorStores, coordinatorKey: KeyPair, options: StartCoordinatorOptions & { readonly ticketKeys: CoordinatorTicketKeys }, logger: Logger): Promise<FleetControl> {
  const fleet = new FleetControl({
    fleetStore: stores.fleet,
    coordinatorKey,
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
    runTimers: options.startFleetTimers ?? true,
  })
  await fleet.start()
  return fleet
}

/** Metering on its store, reading nodes from the fleet's; not started yet. */
function createMetering(
  config: CoordinatorConfig,
  stores: CoordinatorStores,
  metrics: HttpMetrics,
  options: StartCoordinatorOptions & { readonly ticketKeys: CoordinatorTicketKeys; readonly geo: CountryLookup },
  logger: Logger,
  domainVerifier: DomainVerifier,
  originAgents: OriginAgents,
): Metering {
  const rejections = new RejectionCounters()
  return new Metering({
    rejections,
    metrics: registerMeteringMetrics(metrics.registry, rejections),
    store: stores.store,
    meteringStore: stores.metering,
    zoneStore: stores.zones,
    nodes: stores.fleet,
    operatorSharePercent: config.operatorSharePercent,
    flushIntervalMs: config.usageFlushMs,
    usageGraceMs: config.usageGraceMs,
    plausibility: {
      settings: {
        tolerancePercent: config.usageSizeTolerancePercent,
        overheadBytes: config.usageSizeOverheadBytes,
        minFleetNodes: config.usageFleetMinNodes,
        responsesPerTicket: config.usageResponsesPerTicket,
      },
      measureObjectSize: createMeasureOriginObjectSize({ timeoutMs: config.originFallbackTimeoutMs, agents: originAgents }),
      // A failed `usage` result: the epoch close gives the node correctness 0 and holds its operator's usage earnings.
      onImplausible: (report) =>
        stores.rewards.saveProbeResults([{ id: `usage-${report.batchId}`, nodeId: report.nodeId, kind: 'usage', atMs: report.atMs, outcome: 'fail', measurements: report.measurements, reason: report.reason }]),
    },
    ipfsZones: stores.ipfsZones,
    geo: options.geo,
    coordinatorKeyFor: (kid) => options.ticketKeys.coordinatorKeyFor(kid),
    ...(options.now === undefined ? {} : { now: options.now }),
    isDomainServed: (zoneId: string, hostname: string) => domainVerifier.isVerified(zoneId, hostname),
    onError: (error, task) => {
      logger.warn({ err: error, task }, 'metering task failed; retrying on the next tick')
    },
  })
}

/** Custom-domain proofs on their store, loaded. */
async function createDomainVerifier(config: CoordinatorConfig, stores: CoordinatorStores, coordinatorPrivateKey: KeyObject): Promise<DomainVerifier> {
  const verifier = new DomainVerifier({
    store: stores.domains,
    challengeToken: createChallengeToken(coordinatorPrivateKey),
    fetchChallenge: createFetchDomainChallenge({ baseUrl: config.domainVerificationBaseUrl, timeoutMs: config.originFallbackTimeoutMs }),
    now: Date.now,
  })
  await verifier.start()
  return verifier
}

/** The proxy gateway on its own ports when an HTTP or SOCKS5 proxy port is configured. */
async function startProxy(config: CoordinatorConfig, stores: CoordinatorStores, fleet: FleetControl, geo: CountryLookup, logger: Logger): Promise<RunningProxyGateway | undefined> {
  if (config.proxyHttpPort === undefined && config.proxySocksPort === undefined) return undefined
  const allow = config.proxyExitAllow.split(',').map((item) => parseExitAllowEntry(item.trim())).filter((entry) => entry !== undefined)
  const countryOf = (address: string): string | undefined => {
    const country = geo.lookupCountry(address)?.country
    return country === undefined || country === LOCAL_REGION ? undefined : country
  }
  const gateway = await startProxyGateway({
    host: config.host,
    httpPort: config.proxyHttpPort,
    socksPort: config.proxySocksPort,
    tunnelPort: config.proxyTunnelPort,
    policy: { blockedPorts: DEFAULT_BLOCKED_EXIT_PORTS, allow },
    pricePerGiB: config.proxyPricePerGiB,
    operatorSharePercent: config.operatorSharePercent,
    store: stores.store,
    proxyStore: stores.proxy,
    // From the fleet's memory: a tunnel handshake never waits on the database.
    authorizeExit: authorizeRegisteredExit({ getFleetNode: (id) => Promise.resolve(fleet.registry.get(id)?.record) }, countryOf),
    onError: (error) => logger.warn({ err: error }, 'proxy connection error'),
    onEvent: (event, nodeId) => logger.info({ nodeId }, event),
    dataConnections: { idle: config.proxyDataIdle, max: config.proxyDataMax },
  })
  logger.info({ http: gateway.httpUrl, socks5: gateway.socks5Url, tunnel: gateway.tunnel }, 'proxy gateway listening')
  return gateway
}

function proxyAccess(proxy: RunningProxyGateway): ProxyAccess {
  return { proxyStore: proxy.proxyStore, httpUrl: proxy.httpUrl, socks5Url: proxy.socks5Url }
}

/** The hunters against every active node, through the system probe zone, started. */
function startLiveProbes(
  config: CoordinatorConfig,
  coordinatorUrl: string,
  stores: CoordinatorStores,
  fleet: FleetControl,
  { storage, proxy }: { readonly storage: StorageProofs | undefined; readonly proxy: RunningProxyGateway | undefined },
  options: StartCoordinatorOptions,
  logger: Logger,
): Hunters {
  const hunters = createLiveProbes({
    coordinatorUrl,
    clientIp: config.probeClientIp,
    listNodes: () => [...fleet.registry.list()].filter((node) => node.status === 'active').map((node) => ({ id: node.record.id, publicUrl: node.record.publicUrl })),
    signTicket: (claims) => fleet.signTicket(claims),
    saveResults: (results) => stores.rewards.saveProbeResults(results),
    ...(storage === undefined ? {} : { storage }),
    ...(proxy === undefined ? {} : { tunnelOf: (nodeId: string) => proxy.pool.get(nodeId)?.tunnel }),
    intervalMs: config.probeIntervalMs,
    capMbps: config.scoreBandwidthCapMbps,
    ...(options.probeObjectBytes === undefined ? {} : { settings: options.probeObjectBytes }),
    onError: (error) => logger.warn({ err: error }, 'probe round failed; retrying on the next round'),
  })
  hunters.start()
  logger.info({ intervalMs: config.probeIntervalMs }, 'probing live nodes')
  return hunters
}

/** Wait before a failed settlement (or a root not mined yet) is tried again. */
const SETTLE_RETRY_MS = 5_000

/** Settlement and the deposit watcher on their stores, when a chain is configured (by the options or the config). */
function startSettlement(chain: ChainSettlementOptions | undefined, stores: CoordinatorStores, logger: Logger): ChainSettlement | undefined {
  if (chain === undefined) return undefined
  // The addresses and chain id, never the RPC URL (it may carry an API key) nor the key.
  logger.info({ chainId: chain.chainId, distributor: chain.distributor, vault: chain.vault }, 'settling on chain')
  return startChainSettlement(chain, {
    store: stores.store,
    settlementStore: stores.settlement,
    earnings: stores.earnings,
    onError: (error, task) => logger.warn({ err: error, task }, 'settlement task failed; retrying on the next tick'),
  })
}

/** The chain settings of the config (all set, the schema checks), with the settler key read from its file. */
async function chainOptionsOf(config: CoordinatorConfig): Promise<ChainSettlementOptions | undefined> {
  const { chainRpcUrl, chainId, tokenAddress, distributorAddress, vaultAddress, settlerKeyFile } = config
  if (chainRpcUrl === undefined || chainId === undefined || tokenAddress === undefined || distributorAddress === undefined || vaultAddress === undefined || settlerKeyFile === undefined) return undefined
  return {
    rpcUrl: chainRpcUrl,
    chainId,
    token: tokenAddress,
    distributor: distributorAddress,
    vault: vaultAddress,
    settlerKey: await readSettlerKeyFile(settlerKeyFile),
    confirmations: config.chainConfirmations,
    fromBlock: BigInt(config.chainFromBlock),
  }
}

/** Runs settlement when an epoch closes; failures are logged and retried. */
function createSettlementTrigger(settlement: ChainSettlement, logger: Logger): SettlementTrigger {
  return new SettlementTrigger({
    settle: () => settlement.settler.settle(),
    retryDelayMs: SETTLE_RETRY_MS,
    onError: (error) => logger.warn({ err: error, retryInMs: SETTLE_RETRY_MS }, 'settlement failed; retrying'),
    onSettled: (outcome) => {
      if (outcome.status === 'settled') logger.info({ sequence: outcome.sequence, root: outcome.root, txHash: outcome.txHash }, 'root posted and confirmed')
    },
  })
}

/**
 * Rewards from the configuration: the fleet's nodes, the one ledger writer, the emission
 * schedule and score curves. Not started.
 */
function createRewards(
  config: CoordinatorConfig,
  stores: CoordinatorStores,
  options: {
    readonly now?: () => number
    readonly onError?: (error: unknown) => void
    readonly onClosed?: (epochId: string, result: CloseEpochResult) => void
    readonly beforeClose?: () => Promise<void>
  },
): Rewards {
  return new Rewards({
    rewardsStore: stores.rewards,
    listNodes: () => stores.fleet.listFleetNodes(),
    postTransaction: (tx) => stores.store.postTransaction(tx),
    emissionSchedule: {
      genesisMs: config.emissionGenesisMs,
      perHourInitial: config.emissionPerHour,
      yearlyDecayNumerator: BigInt(config.emissionYearlyPercent),
      yearlyDecayDenominator: 100n,
    },
    scoreConfig: {
      ...DEFAULT_SCORE_CONFIG,
      bandwidthCapMbps: config.scoreBandwidthCapMbps,
      storagePoints: config.scoreStoragePoints,
      creditInitial: config.scoreCreditInitial,
      creditGainPerHour: config.scoreCreditGainPerHour,
      creditLossPerHour: config.scoreCreditLossPerHour,
      isOneNodePerIp: config.rewardsOneNodePerIp,
    },
    epochLengthMs: config.epochLengthMs,
    closeDelayMs: config.epochCloseDelayMs,
    ...(options.now === undefined ? {} : { now: options.now }),
    ...(options.onError === undefined ? {} : { onError: options.onError }),
    ...(options.onClosed === undefined ? {} : { onClosed: options.onClosed }),
    ...(options.beforeClose === undefined ? {} : { beforeClose: options.beforeClose }),
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

/** The redirector's wiring: the fleet's view and ticket keys, metering's zones and object budgets; the same settings go to redirect workers. */
function redirectWiring(
  config: CoordinatorConfig,
  redirector: { readonly fleet: FleetControl; readonly metering: Metering; readonly geo: CountryLookup; readonly network: NetworkEndpoints; readonly ticketKeys: CoordinatorTicketKeys },
  originAgents: OriginAgents,
  now: () => number,
  metrics: HttpMetrics,
): { readonly redirector: Redirector; readonly settings: RedirectSettings; readonly countRedirect: CountRedirect } {
  const { fleet, metering, geo } = redirector
  const fleetViews = new FleetViewSource({ registry: fleet.registry, geo })
  const ownHosts = new Set(['localhost', hostName(config.host)])
  if (config.publicUrl !== undefined) ownHosts.add(hostName(new URL(config.publicUrl).host))
  for (const name of redirector.network.coordinatorNames) ownHosts.add(name)
  const settings = redirectSettingsOf(config, ownHosts)
  const countRedirect = createRedirectCounter(metrics.registry)
  const sources = {
    fleetView: () => fleetViews.current(),
    zones: () => metering.zones.current(),
    perResponseBytes: (zone: string, path: string) => metering.objectBudgets.perResponseBytes(zone, path),
  }
  return { redirector: redirectorOn(settings, sources, { geo, ticketKeys: redirector.ticketKeys, now, originAgents, countRedirect }), settings, countRedirect }
}
