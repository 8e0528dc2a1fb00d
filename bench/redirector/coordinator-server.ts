// The REAL coordinator as a bench side: startCoordinator (Fastify API + the raw redirect
// route, ADR 0016) on a temp data dir, with a fleet of fake nodes registered over its own
// API and one funded zone `bench`. It serves `/z/bench/...` with 302s once set up; until then
// it answers 404 (the bench waits for the first 302).
// Run: node bench/redirector/coordinator-server.ts --port <port> [--nodes 10]
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { randomBytes } from 'node:crypto'
import { createLogger, parseConfig, startCoordinator } from '@meson/coordinator'
import { FakeNode, readJsonField, requestJson } from '@meson/coordinator/testing'
import { BenchError } from '../edge-vs-nginx/bench-error.ts'

const BENCH_ZONE = 'bench'

const { values } = parseArgs({ options: { port: { type: 'string' }, nodes: { type: 'string', default: '10' } } })
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
const parsed = parseConfig({ flags: { port: String(port), host: '127.0.0.1', dataDir: dir, adminToken, allowSharedIp: true } })
if (!parsed.ok) throw new BenchError('BENCH_CONFIG_INVALID', `the coordinator refused the bench config: ${JSON.stringify(parsed)}`)
// No fleet timers: fake nodes send no heartbeats, and must not be marked down mid-run.
const coordinator = await startCoordinator(parsed.config, { logger: createLogger({ level: 'warn' }), startFleetTimers: false })
const base = coordinator.url
const nodes: FakeNode[] = []

async function call(method: 'POST', path: string, token: string | undefined, json: unknown): Promise<unknown> {
  const answer = await requestJson(method, `${base}${path}`, { json, ...(token === undefined ? {} : { token }) })
  if (answer.status >= 300) throw new BenchError('BENCH_SERVER_NOT_READY', `${path} answered ${String(answer.status)}: ${JSON.stringify(answer.body)}`)
  return answer.body
}

const operatorToken = String(readJsonField(await call('POST', '/v1/accounts', adminToken, { name: 'op', role: 'operator' }), 'token'))
const buyer = await call('POST', '/v1/accounts', adminToken, { name: 'buyer', role: 'buyer' })
await call('POST', '/v1/admin/credits', adminToken, { accountId: String(readJsonField(buyer, 'account', 'id')), amount: '1000000 MSN' })
await call('POST', '/v1/zones', String(readJsonField(buyer, 'token')), { name: BENCH_ZONE, origin: originUrl })
for (let index = 0; index < nodeCount; index++) {
  const node = await FakeNode.start()
  nodes.push(node)
  await call('POST', '/v1/nodes/register', operatorToken, node.signedRegistration(Date.now()))
}
process.stdout.write(`coordinator on ${base} with ${String(nodeCount)} fake nodes\n`)

const stop = async (): Promise<void> => {
  await coordinator.close()
  for (const node of nodes) await node.stop()
  origin.close()
  await rm(dir, { recursive: true, force: true })
  process.exit(0)
}
process.once('SIGTERM', () => void stop())
process.once('SIGINT', () => void stop())
