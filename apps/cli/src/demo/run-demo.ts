import { randomBytes } from 'node:crypto'
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Logger } from 'pino'
import { parseConfig, startCoordinator } from '@meson/coordinator'
import type { StartCoordinatorOptions } from '@meson/coordinator'
import { ensureDashboardBuilt } from '@meson/dashboard'
import { createDemoApiClient } from './demo-api-client.ts'
import { startSampleOrigin } from './sample-origin.ts'
import { startDemoNodes } from './start-demo-nodes.ts'
import type { DemoNode } from './start-demo-nodes.ts'
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
}

export interface RunningDemo {
  readonly network: DemoNetwork
  readonly networkFile: string
  /** The traffic generator, when it runs. */
  readonly traffic: TrafficGenerator | undefined
  close(): Promise<void>
}

const DEMO_CREDIT = '100 MSN'
const SAMPLE_PATHS = ['/index.html', '/style.css', '/assets/4k.bin', '/assets/1m.bin'] as const
/** Heartbeats every second, so nodes show up and go down within seconds in the demo. */
const DEMO_HEARTBEAT_MS = 1_000

/**
 * Starts the local network on loopback: a coordinator (SQLite in the data dir), a
 * sample origin, a demo buyer (credited), an operator and a zone — created through the
 * public API as a person would — then `nodeCount` edge nodes registered by that
 * operator, and a small traffic generator that fetches the zone's URLs through the
 * redirector. All nodes share 127.0.0.1, so the coordinator allows a shared IP.
 */
export async function startDemo(options: DemoOptions): Promise<RunningDemo> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'meson-demo-')))
  await mkdir(dataDir, { recursive: true })
  const adminToken = `adm_${randomBytes(24).toString('base64url')}`
  // Built by the root `prestart`; built here when missing (a fresh clone running the CLI directly).
  const dashboardDir = await ensureDashboardBuilt()
  const parsed = parseConfig({
    flags: {
      port: String(options.basePort),
      host: '127.0.0.1',
      dataDir: join(dataDir, 'coordinator'),
      adminToken,
      logLevel: options.logger.level,
      allowSharedIp: 'true',
      heartbeatIntervalMs: String(DEMO_HEARTBEAT_MS),
      dashboardDir,
    },
  })
  if (!parsed.ok) throw parsed.error
  const origin = await startSampleOrigin({ port: options.basePort === 0 ? 0 : options.basePort + 1 })
  let coordinator: Awaited<ReturnType<typeof startCoordinator>>
  try {
    coordinator = await startCoordinator(parsed.config, { logger: options.logger, ...(options.geo === undefined ? {} : { geo: options.geo }) })
  } catch (error) {
    await origin.close()
    throw error
  }
  let nodes: readonly DemoNode[] = []
  let traffic: TrafficGenerator | undefined
  const stopAll = async (): Promise<void> => {
    await traffic?.stop()
    await Promise.allSettled(nodes.map((node) => node.stop()))
    await coordinator.close()
    await origin.close()
  }
  try {
    const api = createDemoApiClient(coordinator.url, adminToken)
    const buyer = await api.createAccount('demo-buyer', 'buyer')
    const operator = await api.createAccount('demo-operator', 'operator')
    await api.credit(buyer.id, DEMO_CREDIT, `demo-credit-${buyer.id}`)
    const zoneName = 'demo'
    await api.createZone(buyer.token, zoneName, origin.url)
    nodes = await startDemoNodes({
      count: options.nodeCount,
      coordinatorUrl: coordinator.url,
      operatorToken: operator.token,
      dataDir,
      firstPort: options.basePort === 0 ? 0 : options.basePort + 2,
      heartbeatIntervalMs: DEMO_HEARTBEAT_MS,
    })
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
    }
    const networkFile = join(dataDir, 'network.json')
    // The file holds tokens: readable by its owner only.
    await writeFile(networkFile, `${JSON.stringify(network, null, 2)}\n`, { mode: 0o600 })
    if (options.withTraffic) traffic = startTrafficGenerator({ zoneUrl, paths: SAMPLE_PATHS, intervalMs: 500 })
    return { network, networkFile, traffic, close: stopAll }
  } catch (error) {
    await stopAll()
    throw error
  }
}
