import { mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Registry } from 'prom-client'
import type { BlockSource } from '../../gateway/block-source.ts'
import { NodeGateway } from '../../adapters/gateway/node-gateway.ts'
import type { NodeGatewaySettings } from '../../adapters/gateway/node-gateway.ts'
import { startTrustlessGatewayServer } from '../../adapters/gateway/trustless-gateway-server.ts'
import type { TrustlessGatewayServer } from '../../adapters/gateway/trustless-gateway-server.ts'
import { openDiskCacheStore } from '../../cdn/store/disk-cache-store.ts'
import type { CacheStore } from '../../cdn/store/cache-store.ts'

/** A node gateway on a real socket, over a real disk store, in front of real upstream servers. */
export interface GatewayHarness {
  readonly url: string
  readonly gateway: NodeGateway
  readonly registry: Registry
  readonly store: CacheStore
  readonly upstreams: readonly TrustlessGatewayServer[]
  /** `/_meson/metrics`-style text of the gateway's registry. */
  metricsText(): Promise<string>
  close(): Promise<void>
}

/** Starts one upstream per source and a node gateway using them in that order (plus `extraUpstreams`). */
export async function startGatewayHarness(sources: readonly BlockSource[], options: { readonly extraUpstreams?: readonly string[]; readonly settings?: Partial<NodeGatewaySettings> } = {}): Promise<GatewayHarness> {
  const dataDir = await mkdtemp(join(tmpdir(), 'meson-gateway-'))
  const upstreams = await Promise.all(sources.map((source) => startTrustlessGatewayServer({ source })))
  const store = await openDiskCacheStore({ dataDir, maxBytes: 256 * 1024 * 1024, memoryMaxBytes: 32 * 1024 * 1024, memoryMaxObjectBytes: 1024 * 1024, maxObjectBytes: 8 * 1024 * 1024 })
  const registry = new Registry()
  const gateway = new NodeGateway({
    store,
    registry,
    nowMs: Date.now,
    settings: {
      upstreams: [...upstreams.map((upstream) => upstream.url), ...(options.extraUpstreams ?? [])],
      upstreamTimeoutMs: 10_000,
      firstBlockTimeoutMs: 20_000,
      badUpstreamCooldownMs: 60_000,
      ...options.settings,
    },
  })
  const route = gateway.route()
  const server = createServer((req, res) => {
    if (!route(req, res)) {
      res.writeHead(404, ['content-length', '0'])
      res.end()
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('unreachable: a TCP server has an address')
  return {
    url: `http://127.0.0.1:${address.port}`,
    gateway,
    registry,
    store,
    upstreams,
    metricsText: () => registry.metrics(),
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
      await Promise.all(upstreams.map((upstream) => upstream.close()))
      await store.close()
      await rm(dataDir, { recursive: true, force: true })
    },
  }
}
