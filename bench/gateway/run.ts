/**
 * bench/gateway: the node's IPFS gateway against its upstream served directly, same run.
 *
 * A 64 MiB file (UnixFS, CIDv1, raw leaves, 256 KiB chunks) is held in memory by a local
 * trustless gateway (the upstream). The node's gateway (verified fetcher + disk store)
 * sits in front of it. For CAR (`?format=car&dag-scope=entity`) and deserialized
 * (`/ipfs/<cid>`) answers it measures: the upstream directly, the node cold (empty store:
 * every block fetched upstream and verified) and the node warm (every block cached),
 * and prints throughput and the warm/upstream ratio (goal: >= 1.0).
 *
 *   npx node bench/gateway/run.ts            # SIZE_MIB=64 ROUNDS=3 by default
 *
 * Everything runs on 127.0.0.1 in this one process (client, node gateway, upstream), so
 * each side pays for the client's reading too; the ratio is the figure to look at.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { Registry } from 'prom-client'
import { NodeGateway, startTrustlessGatewayServer, importFileBytes, MemoryBlockSource, openDiskCacheStore } from '@meson/node/testing'

const SIZE_MIB = Number(process.env['SIZE_MIB'] ?? '64')
const ROUNDS = Number(process.env['ROUNDS'] ?? '3')

interface NodeSide {
  readonly url: string
  close(): Promise<void>
}

async function startNodeGateway(upstream: string): Promise<NodeSide> {
  const dataDir = await mkdtemp(join(tmpdir(), 'meson-bench-gateway-'))
  const store = await openDiskCacheStore({ dataDir, maxBytes: 1024 * 1024 * 1024, memoryMaxBytes: 256 * 1024 * 1024, memoryMaxObjectBytes: 1024 * 1024, maxObjectBytes: 8 * 1024 * 1024 })
  const gateway = new NodeGateway({
    store,
    registry: new Registry(),
    nowMs: Date.now,
    settings: { upstreams: [upstream], upstreamTimeoutMs: 30_000, firstBlockTimeoutMs: 30_000, badUpstreamCooldownMs: 60_000, prefetchWindow: Number(process.env['PREFETCH'] ?? '16') },
  })
  const route = gateway.route()
  const server = createServer((req, res) => {
    if (!route(req, res)) res.writeHead(404).end()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('unreachable: a TCP server has an address')
  return {
    url: `http://127.0.0.1:${address.port}`,
    async close() {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
      await store.close()
      await rm(dataDir, { recursive: true, force: true })
    },
  }
}

/** Downloads `url` to the end; returns MiB/s. */
async function measure(url: string, expectedBytes: number): Promise<number> {
  const started = performance.now()
  const response = await fetch(url)
  if (response.status !== 200 || response.body === null) throw new Error(`${url}: HTTP ${response.status}`)
  let bytes = 0
  for await (const chunk of response.body) bytes += chunk.length
  const seconds = (performance.now() - started) / 1000
  if (bytes < expectedBytes) throw new Error(`${url}: ${bytes} bytes, expected at least ${expectedBytes}`)
  return bytes / (1024 * 1024) / seconds
}

function best(values: readonly number[]): number {
  return Math.max(...values)
}

async function main(): Promise<void> {
  // Deterministic incompressible bytes (xorshift32): every 256 KiB block is distinct.
  const words = new Uint32Array((SIZE_MIB * 1024 * 1024) / 4)
  let state = 0x9e3779b9
  for (let index = 0; index < words.length; index += 1) {
    state ^= state << 13
    state ^= state >>> 17
    state ^= state << 5
    words[index] = state >>> 0
  }
  const content = new Uint8Array(words.buffer)
  const blocks = new MemoryBlockSource()
  const cid = await importFileBytes(blocks, content)
  const upstream = await startTrustlessGatewayServer({ source: blocks })
  const paths = { car: `/ipfs/${cid.toString()}?format=car&dag-scope=entity`, deserialized: `/ipfs/${cid.toString()}` }
  const rows: string[] = []
  try {
    for (const [kind, path] of Object.entries(paths)) {
      const direct: number[] = []
      const warm: number[] = []
      const node = await startNodeGateway(upstream.url)
      try {
        // One upstream run first: JIT warm-up for both sides (same process), so "cold" means
        // an empty block store, not cold code.
        direct.push(await measure(`${upstream.url}${path}`, content.length))
        const cold = await measure(`${node.url}${path}`, content.length)
        for (let round = 0; round < ROUNDS; round += 1) {
          direct.push(await measure(`${upstream.url}${path}`, content.length))
          warm.push(await measure(`${node.url}${path}`, content.length))
        }
        const ratio = best(warm) / best(direct)
        rows.push(`${kind.padEnd(13)} upstream ${best(direct).toFixed(1).padStart(7)} MiB/s   node cold ${cold.toFixed(1).padStart(7)} MiB/s (${(cold / best(direct)).toFixed(2)}x)   node warm ${best(warm).toFixed(1).padStart(7)} MiB/s (${ratio.toFixed(2)}x)`)
      } finally {
        await node.close()
      }
    }
  } finally {
    await upstream.close()
  }
  process.stdout.write(`bench/gateway: ${SIZE_MIB} MiB UnixFS file ${cid.toString()}, best of ${ROUNDS} rounds (cold: one run on an empty store)\n${rows.join('\n')}\n`)
}

await main()
