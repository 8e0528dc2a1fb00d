import { mkdtemp, rm } from 'node:fs/promises'
import { request as httpRequest } from 'node:http'
import type { IncomingHttpHeaders } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { encodeTicket, newTicketNonce, ticketSchema } from '@meson/protocol'
import type { TicketTagKeys, TicketWire } from '@meson/protocol'
import { startScriptedOrigin } from './cache-server-fixtures.ts'
import type { ScriptedOrigin } from './cache-server-fixtures.ts'
import { loadNodeModeConfig } from '../config/config.ts'
import type { CoordinatorModeConfig, NodeConfig } from '../config/config.ts'
import { FakeCoordinator } from './fake-coordinator.ts'
import { startCoordinatorNode } from '../runtime/start-coordinator-node.ts'
import type { RunningCoordinatorNode, StartCoordinatorNodeDependencies } from '../runtime/start-coordinator-node.ts'
import type { ZoneBounceReason } from '../adapters/http/zone-admission.ts'

/** Test support: a node in coordinator mode against a FakeCoordinator, with a scripted origin. */
export interface CoordinatorNodeHarness {
  readonly fake: FakeCoordinator
  readonly origin: ScriptedOrigin
  readonly node: RunningCoordinatorNode
  readonly dataDir: string
  readonly bounces: ZoneBounceReason[]
  /** A tagged `mt` token for `path` of zone `my-site`, for this node and 127.0.0.1, with overrides (and other tag keys). */
  ticket(path: string, overrides?: Partial<TicketWire>, keys?: TicketTagKeys): string
  close(): Promise<void>
}

export async function startCoordinatorNodeHarness(
  flags: Readonly<Partial<Record<keyof NodeConfig | keyof CoordinatorModeConfig, string>>> = {},
  dependencies: Pick<StartCoordinatorNodeDependencies, 'clock' | 'storageCheat'> = {},
): Promise<CoordinatorNodeHarness> {
  const fake = await FakeCoordinator.start()
  const origin = await startScriptedOrigin()
  const dataDir = await mkdtemp(join(tmpdir(), 'meson-coordinator-node-'))
  const loaded = loadNodeModeConfig({
    env: {},
    flags: { coordinatorUrl: fake.url.href, operatorToken: 'operator-token-1', port: '0', dataDir, usageFlushIntervalMs: '3600000', shutdownGraceMs: '2000', ...flags },
  })
  if (loaded.mode !== 'coordinator') throw new Error('expected coordinator mode')
  const bounces: ZoneBounceReason[] = []
  const node = await startCoordinatorNode(loaded.config, { ...dependencies, onBounce: (reason) => bounces.push(reason) })
  const outcome = await node.registered
  if (!outcome.ok) throw outcome.error
  return {
    fake,
    origin,
    node,
    dataDir,
    bounces,
    ticket: (path, overrides = {}, keys = fake.ticketTagKeys(node.nodeId)) => {
      const nowMs = Date.now()
      return encodeTicket(
        keys,
        ticketSchema.parse({
          v: 3,
          kid: 'k1',
          zone: 'my-site',
          path,
          prefix: false,
          nodeId: node.nodeId,
          client: '127.0.0.1',
          issuedAt: nowMs - 1000,
          expiresAt: nowMs + 600_000,
          byteBudget: '1000000',
          nonce: newTicketNonce(),
          origin: origin.url,
          ...overrides,
        }),
      )
    },
    close: async () => {
      await node.stop()
      await origin.close()
      await fake.stop()
      await rm(dataDir, { recursive: true, force: true })
    },
  }
}

/** One request on a fresh connection; the whole body. */
export function fetchOnce(url: string, method = 'GET'): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { method, agent: false }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }))
      res.on('error', reject)
    })
    request.on('error', reject)
    request.end()
  })
}
