import assert from 'node:assert/strict'
import { generateKeyPairSync, randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { get } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import type { AccountId } from '@meson/protocol'
import { parseConfig } from '../../config/parse-config.ts'
import type { FleetNodeRecord } from '../../fleet/fleet-store.ts'
import { startCoordinator } from '../../main.ts'
import type { RunningCoordinator } from '../../main.ts'
import { readJsonField } from '../../testing/read-json-field.ts'
import { requestJson } from '../../testing/node-fake.ts'
import { testNodeId } from '../../testing/test-fleet.ts'
import { createLogger } from '../log/create-logger.ts'
import type { RedirectWorkerPool } from './redirect-worker-pool.ts'

const ZONE = 'site'
const NODE_COUNT = 6

/** The redirect's target (the node's URL before `/z/`), or the status when it is not a 302; a new connection each time. */
function redirectOf(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    get(url, { agent: false }, (response) => {
      response.resume()
      response.on('end', () => resolve(response.statusCode === 302 ? (String(response.headers.location).split('/z/')[0] ?? '') : `status ${String(response.statusCode)}`))
    }).on('error', reject)
  })
}

describe('redirect workers (ADR 0016, fifth session)', () => {
  let dir = ''
  let coordinator: RunningCoordinator
  let workers: RedirectWorkerPool
  let workersUrl = ''
  const records: FleetNodeRecord[] = []
  let buyerToken = ''

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'meson-redirect-workers-'))
    const adminToken = randomBytes(24).toString('hex')
    const parsed = parseConfig({ flags: { port: '0', host: '127.0.0.1', dataDir: dir, adminToken, allowSharedIp: true, redirectWorkers: '2', redirectPort: '0' } })
    assert.ok(parsed.ok)
    coordinator = await startCoordinator(parsed.config, { logger: createLogger({ level: 'error' }), startFleetTimers: false })
    assert.ok(coordinator.redirectWorkers !== undefined)
    workers = coordinator.redirectWorkers
    workersUrl = `http://127.0.0.1:${String(workers.port)}`
    const call = async (path: string, token: string, json: unknown): Promise<unknown> => {
      const answer = await requestJson('POST', `${coordinator.url}${path}`, { json, token })
      assert.ok(answer.status < 300, `${path}: ${String(answer.status)}`)
      return answer.body
    }
    const operatorId = String(readJsonField(await call('/v1/accounts', adminToken, { name: 'op', role: 'operator' }), 'account', 'id')) as AccountId
    const buyer = await call('/v1/accounts', adminToken, { name: 'buyer', role: 'buyer' })
    await call('/v1/admin/credits', adminToken, { accountId: String(readJsonField(buyer, 'account', 'id')), amount: '1000 MSN' })
    buyerToken = String(readJsonField(buyer, 'token'))
    await call('/v1/zones', buyerToken, { name: ZONE, origin: 'http://127.0.0.1:9' })
    const publicKey = String(generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' }).x)
    for (let index = 0; index < NODE_COUNT; index++) {
      const ip = `127.0.0.${String(index + 10)}`
      records.push({ id: testNodeId(`worker-test-${String(index)}`), operatorId, publicKey, publicUrl: `http://${ip}:8080`, version: '0.1.0', status: 'active', publicIp: ip, diskQuotaBytes: 10n ** 10n, declaredUplinkMbps: 100, capabilities: ['cdn'], isReachable: true, registeredAt: new Date(), lastHeartbeatAt: null })
    }
    coordinator.fleet.registry.load(records, Date.now())
  })

  after(async () => {
    await coordinator.close()
    await rm(dir, { recursive: true, force: true })
  })

  it('serves zone redirects on the redirect port from worker processes, and nothing else', async () => {
    await workers.sync()
    assert.equal(workers.pids.length, 2)
    assert.ok(!workers.pids.includes(process.pid))
    const target = await redirectOf(`${workersUrl}/z/${ZONE}/a.bin`)
    assert.match(target, /^http:\/\/127\.0\.0\.\d+:8080$/)
    // The primary decides the same node for the same object.
    assert.equal(await redirectOf(`${coordinator.url}/z/${ZONE}/a.bin`), target)
    assert.equal(await redirectOf(`${workersUrl}/z/nothere/a.bin`), 'status 404')
    assert.equal(await redirectOf(`${workersUrl}/v1/zones`), 'status 404')
  })

  it('a zone made over the API reaches the workers by itself (no sync)', async () => {
    assert.equal(await redirectOf(`${workersUrl}/z/later/a.bin`), 'status 404')
    const answer = await requestJson('POST', `${coordinator.url}/v1/zones`, { json: { name: 'later', origin: 'http://127.0.0.1:9' }, token: buyerToken })
    assert.equal(answer.status, 201)
    let target = ''
    for (let attempt = 0; attempt < 200 && !target.startsWith('http://'); attempt++) {
      target = await redirectOf(`${workersUrl}/z/later/a.bin`)
      if (!target.startsWith('http://')) await new Promise((resolve) => setTimeout(resolve, 50))
    }
    assert.match(target, /^http:\/\/127\.0\.0\.\d+:8080$/)
  })

  it("a node taken out of the fleet is never named once sync() resolved, and the workers' redirects show in the primary's metrics", async () => {
    await workers.sync()
    const paths = Array.from({ length: 60 }, (_, index) => `/z/${ZONE}/obj/${String(index)}.bin`)
    const before = await Promise.all(paths.map((path) => redirectOf(`${workersUrl}${path}`)))
    const counts = new Map<string, number>()
    for (const target of before) counts.set(target, (counts.get(target) ?? 0) + 1)
    const [busiest] = [...counts].sort((a, b) => b[1] - a[1])[0] ?? ['']
    const removed = records.find((record) => record.publicUrl === busiest)
    assert.ok(removed !== undefined, `no node named ${busiest}`)
    coordinator.fleet.registry.upsert({ ...removed, status: 'draining' }, Date.now())
    await workers.sync()
    const afterRemoval = await Promise.all(paths.map((path) => redirectOf(`${workersUrl}${path}`)))
    assert.ok(!afterRemoval.includes(removed.publicUrl), `${removed.publicUrl} still named`)
    assert.ok(afterRemoval.every((target) => target.startsWith('http://127.0.0.')))
    // A heartbeat that overloads a node (a change, not a removal) reaches them the same way.
    const overloaded = records.find((record) => record.publicUrl === afterRemoval[0])
    assert.ok(overloaded !== undefined)
    const stats = { load: 0.99, freeDiskBytes: 1n, servedBytes: 0n, inflight: 0, cache: { hits: 0, misses: 0, objects: 0, storedBytes: 0n } }
    assert.equal(coordinator.fleet.registry.applyHeartbeat(overloaded.id, { seq: 1, timestampMs: Date.now(), isDraining: false, stats }, Date.now()).kind, 'accepted')
    await workers.sync()
    const afterOverload = await Promise.all(paths.map((path) => redirectOf(`${workersUrl}${path}`)))
    assert.ok(!afterOverload.includes(overloaded.publicUrl), `${overloaded.publicUrl} still named`)
    assert.ok(!afterOverload.includes(removed.publicUrl))
    coordinator.fleet.registry.applyHeartbeat(overloaded.id, { seq: 2, timestampMs: Date.now(), isDraining: false, stats: { ...stats, load: 0 } }, Date.now())
    coordinator.fleet.registry.upsert(removed, Date.now())
    // Counts arrive once a second from each worker.
    const deadline = Date.now() + 10_000
    let text = ''
    while (Date.now() < deadline) {
      text = await (await fetch(`${coordinator.url}/metrics`)).text()
      const match = /meson_redirects_total\{method="GET",status_code="302"\} (\d+)/.exec(text)
      if (match !== null && Number(match[1]) >= 181) break
      await new Promise((resolve) => setTimeout(resolve, 200))
    }
    assert.match(text, /meson_redirects_total\{method="GET",status_code="302"\} (1[89]\d|[2-9]\d\d)/)
  })

  it('a worker that dies is replaced with the current state; the other keeps the port served', async () => {
    const [victim, survivor] = workers.pids
    assert.ok(victim !== undefined && survivor !== undefined)
    process.kill(victim, 'SIGKILL')
    // Once its exit is seen (its listener closed with it), until the replacement listens:
    // every new connection is the survivor's.
    const deadline = Date.now() + 30_000
    while (Date.now() < deadline && workers.pids.includes(victim)) await new Promise((resolve) => setTimeout(resolve, 20))
    let served = 0
    const replacement = { isDone: false }
    void workers.sync().then(() => (replacement.isDone = true))
    while (Date.now() < deadline && !(replacement.isDone && workers.pids.length === 2)) {
      assert.match(await redirectOf(`${workersUrl}/z/${ZONE}/during-${String(served++)}.bin`), /^http:\/\/127\.0\.0\.\d+:8080$/)
    }
    assert.ok(served > 0)
    assert.equal(workers.pids.length, 2)
    assert.ok(workers.pids.includes(survivor) && !workers.pids.includes(victim))
    assert.match(await redirectOf(`${workersUrl}/z/${ZONE}/after.bin`), /^http:\/\/127\.0\.0\.\d+:8080$/)
  })
})
