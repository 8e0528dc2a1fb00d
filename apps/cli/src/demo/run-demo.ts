import { randomBytes } from 'node:crypto'
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Logger } from 'pino'
import { parseConfig, startCoordinator } from '@meson/coordinator'
import type { StartCoordinatorOptions } from '@meson/coordinator'
import { ensureDashboardBuilt } from '@meson/dashboard'
import { createDemoApiClient } from './demo-api-client.ts'
import { startSampleOrigin } from './sample-origin.ts'
import { startDemoChain } from './start-demo-chain.ts'
import type { DemoChain } from './start-demo-chain.ts'
import { startDemoGateway } from './start-demo-gateway.ts'
import { startDemoNodes } from './start-demo-nodes.ts'
import type { DemoNode, DemoNodeEvent } from './start-demo-nodes.ts'
import { startTrafficGenerator } from './traffic-generator.ts'
import type { TrafficGenerator } from './traffic-generator.ts'

export interface DemoOptions {
  /** Base port: the coordinator takes it, the sample origin the next one, nodes the ones after. 0 = free ports. */
  readonly basePort: number
  /** Edge nodes to start (coordinator mode, each its own process, all on 127.0.0.1). */
  readonly nodeCount: number
  /** Whether to run the small traffic generator. */
  readonly withTraffic: boolean
  /** Where the database and network.json go; a fresh temp dir when undefined. */
  readonly dataDir: string | undefined
  readonly logger: Logger
  /** A demo node process died, or was restarted; default: a warning in the log. */
  readonly onNodeEvent?: (event: DemoNodeEvent) => void
  /** GeoIP for the coordinator (tests place loopback nodes on the explorer's map); default the shipped database. */
  readonly geo?: StartCoordinatorOptions['geo']
}

/** What `network.json` holds: everything a person or a script needs to use the demo. */
export interface DemoNetwork {
  readonly coordinatorUrl: string
  /** The dashboard (buyer, operator and explorer views), served by the coordinator. */
  readonly dashboardUrl: string
  readonly originUrl: string
  readonly dataDir: string
  readonly admin: { readonly token: string }
  readonly buyer: { readonly accountId: string; readonly token: string; readonly balance: string }
  readonly operator: { readonly accountId: string; readonly token: string }
  readonly zones: readonly { readonly name: string; readonly origin: string; readonly url: string }[]
  readonly nodes: readonly { readonly nodeId: string; readonly url: string }[]
  /** Objects of the sample origin, to fetch through the zone URL. */
  readonly samplePaths: readonly string[]
  /** The proxy product: proxy URLs, the buyer's proxy login, and the one local URL exits may reach. */
  readonly proxy: { readonly http: string; readonly socks5: string; readonly username: string; readonly password: string; readonly target: string }
  /** The local chain the demo settles on (absent when anvil is not installed). */
  readonly chain?: {
    readonly rpcUrl: string
    readonly chainId: number
    readonly token: string
    readonly distributor: string
    readonly vault: string
    readonly operatorAddress: string
    readonly operatorKeyFile: string
  }
  /** The IPFS gateway zone (#13): `<zoneUrl>ipfs/<rootCid>/` serves the directory added at start. */
  readonly gateway: { readonly zoneUrl: string; readonly rootCid: string; readonly upstreamUrl: string }
}

export interface RunningDemo {
  readonly network: DemoNetwork
  readonly networkFile: string
  /** A file holding `Authorization: Bearer <buyer token>` (0600), for `curl -H @<file>`. */
  readonly buyerHeaderFile: string
  /** A curl config file (`curl -K`) with the buyer's proxy login, owner-only. */
  readonly proxyConfigFile: string
  /** The edge node processes (each restarted when it dies). */
  readonly nodes: readonly DemoNode[]
  /** The traffic generator, when it runs. */
  readonly traffic: TrafficGenerator | undefined
  close(): Promise<void>
}

const DEMO_CREDIT = '100 MSN'
const SAMPLE_PATHS = ['/index.html', '/style.css', '/assets/4k.bin', '/assets/1m.bin'] as const
/** Heartbeats every second, so nodes show up and go down within seconds in the demo. */
const DEMO_HEARTBEAT_MS = 1_000
/** Proxy ports follow the nodes' ports: base + 50 (HTTP), + 51 (SOCKS5), + 52 (exit tunnels). */
const PROXY_PORT_OFFSET = 50
const EXITS_TIMEOUT_MS = 30_000

/** Polls `condition` until it holds, or fails with `message` after `timeoutMs`. */
async function waitUntil(condition: () => boolean, timeoutMs: number, message: string): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(message)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

/**
 * Starts the local network on loopback: a coordinator (SQLite in the data dir), a
 * sample origin, a demo buyer (credited), an operator and a zone — created through the
 * public API as a person would — then `nodeCount` edge nodes registered by that
 * operator, and a small traffic generator that fetches the zone's URLs through the
 * redirector. All nodes share 127.0.0.1, so the coordinator allows a shared IP.
 */
export async function startDemo(options: DemoOptions): Promise<RunningDemo> {
  // Without --data-dir the directory is ours: removed on exit, tokens and all.
  const ownsDataDir = options.dataDir === undefined
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'meson-demo-')))
  // Tokens and keys live here: owner only (0700), also when the directory existed.
  await mkdir(dataDir, { recursive: true, mode: 0o700 })
  await chmod(dataDir, 0o700)
  await mkdir(join(dataDir, 'coordinator'), { recursive: true, mode: 0o700 })
  const previous = await readPreviousNetwork(join(dataDir, 'network.json'))
  const adminToken = `adm_${randomBytes(24).toString('base64url')}`
  // Built by the root `prestart`; built here when missing (a fresh clone running the CLI directly).
  const dashboardDir = await ensureDashboardBuilt()
  // The origin first: its port is the one address the proxy exits are allowed to reach.
  const origin = await startSampleOrigin({ port: options.basePort === 0 ? 0 : options.basePort + 1 })
  const originAllow = `127.0.0.1:${new URL(origin.url).port}`
  const proxyPort = (offset: number): string => String(options.basePort === 0 ? 0 : options.basePort + offset)
  const parsed = parseConfig({
    flags: {
      port: String(options.basePort),
      host: '127.0.0.1',
      dataDir: join(dataDir, 'coordinator'),
      adminToken,
      logLevel: options.logger.level,
      allowSharedIp: 'true',
      heartbeatIntervalMs: String(DEMO_HEARTBEAT_MS),
      proxyHttpPort: proxyPort(PROXY_PORT_OFFSET),
      proxySocksPort: proxyPort(PROXY_PORT_OFFSET + 1),
      proxyTunnelPort: proxyPort(PROXY_PORT_OFFSET + 2),
      proxyExitAllow: originAllow,
      // Rewards: 10-second epochs; every demo node shares 127.0.0.1, so the one-node-per-IP rule is off.
      epochLengthMs: '10000',
      epochCloseDelayMs: '1000',
      // Live probes every ~3 s, so a demo node's score shows measured speed and correctness.
      probesEnabled: 'true',
      probeIntervalMs: '3000',
      // Proof of storage at demo scale: 4 MiB segments, at most 32 MiB of fill per node.
      storageSegmentBytes: String(4 * 1024 * 1024),
      storageProofMaxBytes: String(32 * 1024 * 1024),
      // The storage curve at demo scale, so the demo's proven fill shows in its scores (v3's starts at 20 GB).
      scoreStoragePoints: '8MiB:0.7,16MiB:0.85,32MiB:1',
      rewardsOneNodePerIp: 'false',
      dashboardDir,
    },
  })
  if (!parsed.ok) {
    await origin.close()
    throw parsed.error
  }
  const chain = await startDemoChainIfInstalled(dataDir, options.logger)
  // The IPFS upstream takes a free port (it is listed in network.json).
  const ipfs = await startDemoGateway({ port: 0 })
  let coordinator: Awaited<ReturnType<typeof startCoordinator>>
  try {
    coordinator = await startCoordinator(parsed.config, { logger: options.logger, ...(chain === undefined ? {} : { chain: chain.settlement }), ...(options.geo === undefined ? {} : { geo: options.geo }) })
  } catch (error) {
    await origin.close()
    await ipfs.upstream.close()
    await chain?.stop()
    if (ownsDataDir) await rm(dataDir, { recursive: true, force: true })
    throw error
  }
  const proxy = coordinator.proxy
  let nodes: readonly DemoNode[] = []
  let traffic: TrafficGenerator | undefined
  const stopAll = async (): Promise<void> => {
    await traffic?.stop()
    await Promise.allSettled(nodes.map((node) => node.stop()))
    await coordinator.close()
    await origin.close()
    await ipfs.upstream.close()
    await chain?.stop()
    if (ownsDataDir) await rm(dataDir, { recursive: true, force: true })
  }
  try {
    const api = createDemoApiClient(coordinator.url, adminToken)
    // A second run on the same data dir reuses the accounts and the zone it made before.
    const buyer = (await reuseAccount(api, previous?.buyer)) ?? (await api.createAccount('demo-buyer', 'buyer'))
    const operator = (await reuseAccount(api, previous?.operator)) ?? (await api.createAccount('demo-operator', 'operator'))
    await api.credit(buyer.id, DEMO_CREDIT, `demo-credit-${buyer.id}`)
    const zoneName = 'demo'
    const existingOrigin = await api.zoneOrigin(buyer.token, zoneName)
    if (existingOrigin !== origin.url) {
      // The origin moved (free ports): the zone is made again (a new zone id, a clean cache).
      if (existingOrigin !== undefined) await api.deleteZone(buyer.token, zoneName)
      await api.createZone(buyer.token, zoneName, origin.url)
    }
    for (let index = 1; index <= options.nodeCount; index++) await mkdir(join(dataDir, `node-${String(index)}`), { recursive: true, mode: 0o700 })
    if (chain !== undefined) await api.setPayoutAddress(operator.token, chain.operatorAddress)
    // The ipfs zone's origin is its first upstream; a new port makes the zone again, as above.
    const gatewayZoneName = 'ipfs'
    const existingUpstream = await api.zoneOrigin(buyer.token, gatewayZoneName)
    if (existingUpstream !== ipfs.upstream.url) {
      if (existingUpstream !== undefined) await api.deleteZone(buyer.token, gatewayZoneName)
      await api.createIpfsZone(buyer.token, gatewayZoneName, [ipfs.upstream.url])
    }
    nodes = await startDemoNodes({
      onEvent: options.onNodeEvent ?? ((event) => options.logger.warn({ node: event.index, kind: event.kind, exit: event.exit }, event.message)),
      count: options.nodeCount,
      coordinatorUrl: coordinator.url,
      operatorToken: operator.token,
      dataDir,
      firstPort: options.basePort === 0 ? 0 : options.basePort + 2,
      heartbeatIntervalMs: DEMO_HEARTBEAT_MS,
      // The exits also allow the coordinator's own port: the hunters' tunnel probe fetches its probe origin through them.
      ...(proxy === undefined ? {} : { proxyExit: { gateway: `${proxy.tunnel.host}:${proxy.tunnel.port}`, allow: `${originAllow},127.0.0.1:${new URL(coordinator.url).port}` } }),
    })
    if (proxy === undefined) throw new Error('the coordinator started without its proxy gateway')
    const gateway = proxy
    await waitUntil(() => gateway.pool.size >= options.nodeCount, EXITS_TIMEOUT_MS, 'the demo nodes did not connect to the proxy gateway as exits')
    const proxyLogin = await api.proxyCredentials(buyer.token)
    const zoneUrl = `${coordinator.url}/z/${zoneName}/`
    const network: DemoNetwork = {
      coordinatorUrl: coordinator.url,
      dashboardUrl: `${coordinator.url}/`,
      originUrl: origin.url,
      dataDir,
      admin: { token: adminToken },
      buyer: { accountId: buyer.id, token: buyer.token, balance: await api.balance(buyer.token) },
      operator: { accountId: operator.id, token: operator.token },
      zones: [{ name: zoneName, origin: origin.url, url: zoneUrl }],
      nodes: nodes.map((node) => ({ nodeId: node.nodeId, url: node.url })),
      samplePaths: SAMPLE_PATHS,
      proxy: { http: gateway.httpUrl ?? '', socks5: gateway.socks5Url ?? '', username: proxyLogin.username, password: proxyLogin.password, target: `${origin.url}/index.html` },
      ...(chain === undefined
        ? {}
        : { chain: { rpcUrl: chain.rpcUrl, chainId: chain.chainId, ...chain.contracts, operatorAddress: chain.operatorAddress, operatorKeyFile: chain.operatorKeyFile } }),
      gateway: { zoneUrl: `${coordinator.url}/z/${gatewayZoneName}/`, rootCid: ipfs.rootCid, upstreamUrl: ipfs.upstream.url },
    }
    const networkFile = join(dataDir, 'network.json')
    // The files hold tokens: readable by their owner only (also when they existed before).
    await writeFile(networkFile, `${JSON.stringify(network, null, 2)}\n`, { mode: 0o600 })
    await chmod(networkFile, 0o600)
    const buyerHeaderFile = join(dataDir, 'buyer-auth.header')
    await writeFile(buyerHeaderFile, `Authorization: Bearer ${buyer.token}\n`, { mode: 0o600 })
    await chmod(buyerHeaderFile, 0o600)
    const proxyConfigFile = join(dataDir, 'proxy.curlrc')
    await writeFile(proxyConfigFile, `proxy-user = "${network.proxy.username}:${network.proxy.password}"\n`, { mode: 0o600 })
    await chmod(proxyConfigFile, 0o600)
    if (options.withTraffic) traffic = startTrafficGenerator({ zoneUrl, paths: SAMPLE_PATHS, intervalMs: 500 })
    return { network, networkFile, buyerHeaderFile, proxyConfigFile, nodes, traffic, close: stopAll }
  } catch (error) {
    await stopAll()
    throw error
  }
}

/** The accounts of a previous run's `network.json`, if the file exists and holds them. */
async function readPreviousNetwork(path: string): Promise<{ readonly buyer?: { id: string; token: string }; readonly operator?: { id: string; token: string } } | undefined> {
  let parsed: unknown
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'))
  } catch {
    return undefined
  }
  const accountOf = (key: 'buyer' | 'operator'): { id: string; token: string } | undefined => {
    const value: unknown = typeof parsed === 'object' && parsed !== null ? Reflect.get(parsed, key) : undefined
    if (typeof value !== 'object' || value === null) return undefined
    const id: unknown = Reflect.get(value, 'accountId')
    const token: unknown = Reflect.get(value, 'token')
    return typeof id === 'string' && typeof token === 'string' ? { id, token } : undefined
  }
  const buyer = accountOf('buyer')
  const operator = accountOf('operator')
  return { ...(buyer === undefined ? {} : { buyer }), ...(operator === undefined ? {} : { operator }) }
}

/** A previous run's account if its token still works on this coordinator (same database). */
async function reuseAccount(api: ReturnType<typeof createDemoApiClient>, account: { id: string; token: string } | undefined): Promise<{ id: string; token: string } | undefined> {
  if (account === undefined) return undefined
  return (await api.whoAmI(account.token)) === account.id ? account : undefined
}

/** The demo chain, or undefined (with a warning) when anvil is not installed: the CDN demo runs either way. */
async function startDemoChainIfInstalled(dataDir: string, logger: Logger): Promise<DemoChain | undefined> {
  try {
    return await startDemoChain({ dataDir })
  } catch (error) {
    logger.warn({ err: error }, 'no local chain (anvil from @foundry-rs/anvil): the demo runs without on-chain settlement')
    return undefined
  }
}
