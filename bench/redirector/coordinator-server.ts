// The REAL coordinator as a bench side: startCoordinator (Fastify API + the raw redirect
// route and raw connection path, ADR 0016) on a temp data dir, with one funded zone `bench`
// made over its own API and a fleet of `--nodes` active node records loaded into its fleet
// registry as a restart loads the store's nodes (FleetControl.start). Registering 100 000
// nodes over HTTP, or even saving them one by one into the SQLite fleet store (~95 s on the
// bench machine), would take the run's whole budget; no redirect reads the store anyway. It serves `/z/bench/...`
// with 302s once set up; until then it answers 404 (the bench waits for the first 302).
// Run: node bench/redirector/coordinator-server.ts --port <port> [--nodes 10] [--raw-connections false] [--redirect-workers 2]
// (with redirect workers, zone requests are served on the port it prints as `redirect workers on <url>`)
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { generateKeyPairSync, randomBytes } from 'node:crypto'
import { createLogger, parseConfig, startCoordinator } from '@meson/coordinator'
import { readJsonField, requestJson, testNodeId } from '@meson/coordinator/testing'
import type { AccountId } from '@meson/protocol'
import { BenchError } from '../edge-vs-nginx/bench-error.ts'

const BENCH_ZONE = 'bench'

const { values } = parseArgs({ options: { port: { type: 'string' }, nodes: { type: 'string', default: '10' }, 'raw-connections': { type: 'string', default: 'true' }, 'redirect-workers': { type: 'string', default: '0' } } })
const port = Number(values.port)
const nodeCount = Number(values.nodes)
if (!Number.isInteger(port) || port <= 0 || !Number.isInteger(nodeCount) || nodeCount < 1) {
  process.stderr.write('usage: coordinator-server.ts --port <port> [--nodes <count>]\n')
  process.exit(2)
}

const adminToken = randomBytes(24).toString('hex')
const dir = await mkdtemp(join(tmpdir(), 'meson-bench-coordinator-'))
// The zone's origin (never reached while a node is eligible).
const origin = createServer((_request, response) => response.writeHead(200, { 'content-length': '0' }).end())
await new Promise<void>((resolve) => origin.listen(0, '127.0.0.1', resolve))
// A TCP server bound to a port: address() is an AddressInfo, never a pipe name.
const originUrl = `http://127.0.0.1:${String((origin.address() as AddressInfo).port)}`
const parsed = parseConfig({ flags: { port: String(port), host: '127.0.0.1', dataDir: dir, adminToken, allowSharedIp: true, redirectRawConnections: values['raw-connections'], redirectWorkers: values['redirect-workers'], redirectPort: '0' } })
if (!parsed.ok) throw new BenchError('BENCH_CONFIG_INVALID', `the coordinator refused the bench config: ${JSON.stringify(parsed)}`)
// No fleet timers: fake nodes send no heartbeats, and must not be marked down mid-run.
const coordinator = await startCoordinator(parsed.config, { logger: createLogger({ level: 'warn' }), startFleetTimers: false })
const base = coordinator.url

async function call(method: 'POST', path: string, token: string | undefined, json: unknown): Promise<unknown> {
  const answer = await requestJson(method, `${base}${path}`, { json, ...(token === undefined ? {} : { token }) })
  if (answer.status >= 300) throw new BenchError('BENCH_SERVER_NOT_READY', `${path} answered ${String(answer.status)}: ${JSON.stringify(answer.body)}`)
  return answer.body
}

const operatorId = String(readJsonField(await call('POST', '/v1/accounts', adminToken, { name: 'op', role: 'operator' }), 'account', 'id')) as AccountId
const buyer = await call('POST', '/v1/accounts', adminToken, { name: 'buyer', role: 'buyer' })
await call('POST', '/v1/admin/credits', adminToken, { accountId: String(readJsonField(buyer, 'account', 'id')), amount: '1000000 MSN' })
await call('POST', '/v1/zones', String(readJsonField(buyer, 'token')), { name: BENCH_ZONE, origin: originUrl })
// One ed25519 key for every seeded node: the redirector never checks it, heartbeats are off.
const publicKey = String(generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' }).x)
const seedStart = performance.now()
const records = []
const registeredAt = new Date()
for (let index = 0; index < nodeCount; index++) {
  // Distinct loopback addresses (127/8): the same address class as the bench client, never contacted.
  const ip = `127.${String((index >> 16) & 255)}.${String((index >> 8) & 255)}.${String((index & 255) | 1)}`
  records.push({
    id: testNodeId(`bench-${String(index)}`),
    operatorId,
    publicKey,
    publicUrl: `http://${ip}:${String(20_000 + (index % 40_000))}`,
    version: '0.1.0',
    status: 'active' as const,
    publicIp: ip,
    diskQuotaBytes: 100_000_000_000n,
    declaredUplinkMbps: 100,
    capabilities: ['cdn' as const],
    isReachable: true,
    registeredAt,
    lastHeartbeatAt: null,
  })
}
// What a restart does with the store's nodes (FleetControl.start): load them into memory.
coordinator.fleet.registry.load(records, Date.now())
process.stdout.write(`seeded ${String(nodeCount)} nodes in ${(performance.now() - seedStart).toFixed(0)} ms\n`)
const workers = coordinator.redirectWorkers
if (workers !== undefined) {
  // The seeded fleet and the zone reach the workers before the bench's first request.
  await workers.sync()
  process.stdout.write(`redirect workers on http://127.0.0.1:${String(workers.port)} pids ${workers.pids.join(',')}\n`)
}
process.stdout.write(`coordinator on ${base} with ${String(nodeCount)} nodes\n`)

const stop = async (): Promise<void> => {
  await coordinator.close()
  origin.close()
  await rm(dir, { recursive: true, force: true })
  process.exit(0)
}
process.once('SIGTERM', () => void stop())
process.once('SIGINT', () => void stop())
