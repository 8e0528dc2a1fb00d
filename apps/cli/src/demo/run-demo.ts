import { randomBytes } from 'node:crypto'
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Logger } from 'pino'
import { parseConfig, startCoordinator } from '@meson/coordinator'
import { createDemoApiClient } from './demo-api-client.ts'
import { startSampleOrigin } from './sample-origin.ts'

export interface DemoOptions {
  /** Base port: the coordinator takes it, the sample origin the next one. 0 = free ports. */
  readonly basePort: number
  /** Where the database and network.json go; a fresh temp dir when undefined. */
  readonly dataDir: string | undefined
  readonly logger: Logger
}

/** What `network.json` holds: everything a person or a script needs to use the demo. */
export interface DemoNetwork {
  readonly coordinatorUrl: string
  readonly originUrl: string
  readonly dataDir: string
  readonly admin: { readonly token: string }
  readonly buyer: { readonly accountId: string; readonly token: string; readonly balance: string }
  readonly operator: { readonly accountId: string; readonly token: string }
  readonly zones: readonly { readonly name: string; readonly origin: string; readonly url: string }[]
  /** What this demo does not run yet, said plainly. */
  readonly notYet: readonly string[]
}

export interface RunningDemo {
  readonly network: DemoNetwork
  readonly networkFile: string
  close(): Promise<void>
}

const DEMO_CREDIT = '100 MSN'

/**
 * Starts the local network on loopback. Today: a coordinator (SQLite in the data dir)
 * and a sample origin, with a demo buyer (credited), an operator and a zone, created
 * through the public API as a person would. Nodes, routing and traffic come with the
 * CDN end-to-end work.
 */
export async function startDemo(options: DemoOptions): Promise<RunningDemo> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'meson-demo-')))
  await mkdir(dataDir, { recursive: true })
  const adminToken = `adm_${randomBytes(24).toString('base64url')}`
  const parsed = parseConfig({
    flags: { port: String(options.basePort), host: '127.0.0.1', dataDir: join(dataDir, 'coordinator'), adminToken, logLevel: options.logger.level },
  })
  if (!parsed.ok) throw parsed.error
  const origin = await startSampleOrigin({ port: options.basePort === 0 ? 0 : options.basePort + 1 })
  let coordinator: Awaited<ReturnType<typeof startCoordinator>>
  try {
    coordinator = await startCoordinator(parsed.config, { logger: options.logger })
  } catch (error) {
    await origin.close()
    throw error
  }
  try {
    const api = createDemoApiClient(coordinator.url, adminToken)
    const buyer = await api.createAccount('demo-buyer', 'buyer')
    const operator = await api.createAccount('demo-operator', 'operator')
    await api.credit(buyer.id, DEMO_CREDIT, `demo-credit-${buyer.id}`)
    const zoneName = 'demo'
    await api.createZone(buyer.token, zoneName, origin.url)
    const network: DemoNetwork = {
      coordinatorUrl: coordinator.url,
      originUrl: origin.url,
      dataDir,
      admin: { token: adminToken },
      buyer: { accountId: buyer.id, token: buyer.token, balance: await api.balance(buyer.token) },
      operator: { accountId: operator.id, token: operator.token },
      zones: [{ name: zoneName, origin: origin.url, url: `${coordinator.url}/z/${zoneName}/` }],
      notYet: ['edge nodes and the redirector (zone URLs answer 404 until they land)', 'traffic generator'],
    }
    const networkFile = join(dataDir, 'network.json')
    // The file holds tokens: readable by its owner only.
    await writeFile(networkFile, `${JSON.stringify(network, null, 2)}\n`, { mode: 0o600 })
    return {
      network,
      networkFile,
      async close() {
        await coordinator.close()
        await origin.close()
      },
    }
  } catch (error) {
    await coordinator.close()
    await origin.close()
    throw error
  }
}
