import assert from 'node:assert/strict'
import { mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { generateKeyPair, publicKeyFromString, signEnvelope, verifyCommand } from '@meson/protocol'
import { parseConfig } from '../../../../config/parse-config.ts'
import { startCoordinator } from '../../../../main.ts'
import type { RunningCoordinator } from '../../../../main.ts'
import { createLogger } from '../../../log/create-logger.ts'
import { FakeNode, requestJson } from '../../../../testing/node-fake.ts'
import type { JsonAnswer } from '../../../../testing/node-fake.ts'
import { readJsonField as field } from '../../../../testing/read-json-field.ts'

const ADMIN_TOKEN = 'admin-test-token-0123456789abcdef'
const HEARTBEAT_MS = 1_000
const DOWN_AFTER_MS = 3_000

function errorCode(answer: JsonAnswer): unknown {
  return field(answer.body, 'error', 'code')
}

/** A coordinator on SQLite in a temp dir with a clock the test moves by hand (no sleeps). */
async function startTestCoordinator(dir: string, options: { allowSharedIp?: boolean; minNodeVersion?: string } = {}) {
  const clock = { nowMs: 1_800_000_000_000 }
  const parsed = parseConfig({
    flags: {
      port: '0',
      dataDir: dir,
      adminToken: ADMIN_TOKEN,
      heartbeatIntervalMs: String(HEARTBEAT_MS),
      nodeDownAfterMs: String(DOWN_AFTER_MS),
      allowSharedIp: options.allowSharedIp ?? false,
      minNodeVersion: options.minNodeVersion ?? '0.1.0',
    },
  })
  assert.ok(parsed.ok)
  const coordinator = await startCoordinator(parsed.config, { logger: createLogger({ level: 'silent' }), now: () => clock.nowMs, startFleetTimers: false })
  return { coordinator, clock }
}

async function createAccount(coordinator: RunningCoordinator, role: 'buyer' | 'operator', name: string): Promise<string> {
  const answer = await requestJson('POST', `${coordinator.url}/v1/accounts`, { token: ADMIN_TOKEN, json: { name, role } })
  assert.equal(answer.status, 201)
  return String(field(answer.body, 'token'))
}

describe('fleet API on real sockets', () => {
  let dir = ''
  let coordinator: RunningCoordinator
  let clock: { nowMs: number }
  let operatorToken = ''
  let buyerToken = ''
  const nodes: FakeNode[] = []

  async function newNode(): Promise<FakeNode> {
    const node = await FakeNode.start()
    nodes.push(node)
    return node
  }

  const register = (body: unknown, options: { token?: string; localAddress?: string } = {}): Promise<JsonAnswer> =>
    requestJson('POST', `${coordinator.url}/v1/nodes/register`, { json: body, token: options.token ?? operatorToken, ...(options.localAddress === undefined ? {} : { localAddress: options.localAddress }) })
  const heartbeat = (body: unknown): Promise<JsonAnswer> => requestJson('POST', `${coordinator.url}/v1/nodes/heartbeat`, { json: body })
  const nodeStatus = async (nodeId: string): Promise<unknown> => {
    const answer = await requestJson('GET', `${coordinator.url}/v1/nodes`, { token: operatorToken })
    const list = field(answer.body, 'nodes')
    assert.ok(Array.isArray(list))
    return field(list.find((entry) => field(entry, 'nodeId') === nodeId), 'status')
  }

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'meson-fleet-'))
    ;({ coordinator, clock } = await startTestCoordinator(join(dir, 'main')))
    operatorToken = await createAccount(coordinator, 'operator', 'op')
    buyerToken = await createAccount(coordinator, 'buyer', 'buyer')
  })

  after(async () => {
    await coordinator.close()
    for (const node of nodes) await node.stop()
    await rm(dir, { recursive: true, force: true })
  })

  it('serves the coordinator key and keeps it in a 0600 file', async () => {
    const answer = await requestJson('GET', `${coordinator.url}/v1/coordinator-key`)
    assert.equal(answer.status, 200)
    assert.ok(publicKeyFromString(String(field(answer.body, 'publicKey'))).ok)
    assert.equal((await stat(join(dir, 'main', 'coordinator-key.pem'))).mode & 0o777, 0o600)
  })

  it('registers a node after calling it back, and lists it for its operator and the admin', async () => {
    const node = await newNode()
    const answer = await register(node.signedRegistration(clock.nowMs), { localAddress: '127.0.0.10' })
    assert.equal(answer.status, 200, JSON.stringify(answer.body))
    assert.equal(field(answer.body, 'nodeId'), node.nodeId)
    assert.equal(field(answer.body, 'status'), 'active')
    assert.equal(field(answer.body, 'heartbeatIntervalMs'), HEARTBEAT_MS)
    assert.equal(typeof field(answer.body, 'coordinatorPublicKey'), 'string')
    assert.equal(await nodeStatus(node.nodeId), 'active')
    const all = await requestJson('GET', `${coordinator.url}/v1/admin/nodes`, { token: ADMIN_TOKEN })
    assert.ok(JSON.stringify(all.body).includes(node.nodeId))
    const again = await register(node.signedRegistration(clock.nowMs, { version: '0.2.0' }), { localAddress: '127.0.0.10' })
    assert.equal(again.status, 200, 're-registering the same node is idempotent')
  })

  it('refuses a registration without an operator token', async () => {
    const node = await newNode()
    assert.equal((await register(node.signedRegistration(clock.nowMs), { token: buyerToken })).status, 403)
    assert.equal((await requestJson('POST', `${coordinator.url}/v1/nodes/register`, { json: node.signedRegistration(clock.nowMs) })).status, 401)
  })

  it('refuses a registration signed by another key', async () => {
    const node = await newNode()
    const forged = signEnvelope('registration', generateKeyPair().privateKey, node.registration(clock.nowMs))
    const answer = await register(forged, { localAddress: '127.0.0.11' })
    assert.equal(answer.status, 401)
    assert.equal(errorCode(answer), 'NODE_SIGNATURE_INVALID')
  })

  it('refuses a node id that is not derived from the key', async () => {
    const node = await newNode()
    const other = await newNode()
    const answer = await register(signEnvelope('registration', node.key.privateKey, node.registration(clock.nowMs, { nodeId: other.nodeId })), { localAddress: '127.0.0.11' })
    assert.equal(answer.status, 400)
    assert.equal(errorCode(answer), 'NODE_REGISTRATION_INVALID')
    assert.match(String(field(answer.body, 'error', 'message')), /nodeId/)
  })

  it('refuses a version below the minimum, with the versions in the message', async () => {
    const node = await newNode()
    const answer = await register(node.signedRegistration(clock.nowMs, { version: '0.0.9' }), { localAddress: '127.0.0.11' })
    assert.equal(answer.status, 403)
    assert.equal(errorCode(answer), 'NODE_VERSION_TOO_OLD')
    assert.match(String(field(answer.body, 'error', 'message')), /0\.0\.9 is below the minimum 0\.1\.0/)
  })

  it('refuses a stale registration (a replay from long ago)', async () => {
    const node = await newNode()
    const answer = await register(node.signedRegistration(clock.nowMs - 10 * 60_000), { localAddress: '127.0.0.11' })
    assert.equal(errorCode(answer), 'NODE_CLOCK_SKEW')
  })

  it('refuses a second node on one public IP with a reason the operator can act on', async () => {
    const first = await newNode()
    const second = await newNode()
    assert.equal((await register(first.signedRegistration(clock.nowMs), { localAddress: '127.0.0.12' })).status, 200)
    const answer = await register(second.signedRegistration(clock.nowMs), { localAddress: '127.0.0.12' })
    assert.equal(answer.status, 409)
    assert.equal(errorCode(answer), 'NODE_IP_IN_USE')
    assert.match(String(field(answer.body, 'error', 'message')), /one node per public IP/)
    assert.equal((await register(second.signedRegistration(clock.nowMs), { localAddress: '127.0.0.13' })).status, 200)
  })

  it('refuses a CDN-only node whose callback fails, and accepts a proxy-capable one as pending', async () => {
    const node = await newNode()
    node.mode = 'wrong-key'
    const refused = await register(node.signedRegistration(clock.nowMs), { localAddress: '127.0.0.14' })
    assert.equal(refused.status, 422)
    assert.equal(errorCode(refused), 'NODE_CALLBACK_FAILED')
    node.mode = 'error'
    const pending = await register(node.signedRegistration(clock.nowMs, { capabilities: ['cdn', 'proxy'] }), { localAddress: '127.0.0.14' })
    assert.equal(pending.status, 200)
    assert.equal(field(pending.body, 'status'), 'pending')
    assert.equal(field(pending.body, 'callback', 'ok'), false)
  })

  it('refuses a callback URL that is unreachable', async () => {
    const node = await newNode()
    const answer = await register(node.signedRegistration(clock.nowMs, { publicUrl: 'http://127.0.0.1:1' }), { localAddress: '127.0.0.15' })
    assert.equal(errorCode(answer), 'NODE_CALLBACK_FAILED')
  })

  it('tracks heartbeats: down after silence, back on the next heartbeat; replays and forgeries refused', async () => {
    const node = await newNode()
    assert.equal((await register(node.signedRegistration(clock.nowMs), { localAddress: '127.0.0.16' })).status, 200)
    const first = await heartbeat(node.heartbeatBody(clock.nowMs))
    assert.equal(first.status, 200)
    assert.deepEqual(field(first.body, 'commands'), [])

    const replayedBody = node.heartbeatBody(clock.nowMs)
    assert.equal((await heartbeat(replayedBody)).status, 200)
    const replayed = await heartbeat(replayedBody)
    assert.equal(replayed.status, 409)
    assert.equal(errorCode(replayed), 'HEARTBEAT_REPLAYED')

    const forged = { heartbeat: signEnvelope('heartbeat', generateKeyPair().privateKey, field(node.heartbeatBody(clock.nowMs), 'heartbeat', 'payload')) }
    assert.equal(errorCode(await heartbeat(forged)), 'NODE_SIGNATURE_INVALID')
    const stranger = await FakeNode.start()
    nodes.push(stranger)
    assert.equal(errorCode(await heartbeat(stranger.heartbeatBody(clock.nowMs))), 'NODE_UNKNOWN')

    const fleet = coordinator.fleet
    clock.nowMs += DOWN_AFTER_MS - 1
    assert.equal(fleet.sweep().includes(node.nodeId), false)
    clock.nowMs += 1
    assert.ok(fleet.sweep().includes(node.nodeId))
    assert.equal(await nodeStatus(node.nodeId), 'down')
    assert.equal((await heartbeat(node.heartbeatBody(clock.nowMs))).status, 200)
    assert.equal(await nodeStatus(node.nodeId), 'active')
    assert.equal((await heartbeat(node.heartbeatBody(clock.nowMs, { status: 'draining' }))).status, 200)
    assert.equal(await nodeStatus(node.nodeId), 'draining')
  })
})

describe('fleet purge on real sockets', () => {
  let dir = ''
  let coordinator: RunningCoordinator
  let clock: { nowMs: number }
  let operatorToken = ''
  let buyerToken = ''
  let coordinatorKey: Uint8Array
  const nodes: FakeNode[] = []

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'meson-purge-'))
    ;({ coordinator, clock } = await startTestCoordinator(dir, { allowSharedIp: true }))
    operatorToken = await createAccount(coordinator, 'operator', 'op')
    buyerToken = await createAccount(coordinator, 'buyer', 'buyer')
    const zone = await requestJson('POST', `${coordinator.url}/v1/zones`, { token: buyerToken, json: { name: 'site', origin: 'http://127.0.0.1:9/' } })
    assert.equal(zone.status, 201)
    const key = await requestJson('GET', `${coordinator.url}/v1/coordinator-key`)
    const parsedKey = publicKeyFromString(String(field(key.body, 'publicKey')))
    assert.ok(parsedKey.ok)
    coordinatorKey = parsedKey.value
    for (let index = 0; index < 3; index++) {
      const node = await FakeNode.start()
      nodes.push(node)
      const answer = await requestJson('POST', `${coordinator.url}/v1/nodes/register`, { token: operatorToken, json: node.signedRegistration(clock.nowMs) })
      assert.equal(answer.status, 200, 'allowSharedIp lets three nodes share 127.0.0.1')
    }
  })

  after(async () => {
    await coordinator.close()
    for (const node of nodes) await node.stop()
    await rm(dir, { recursive: true, force: true })
  })

  const heartbeat = (body: unknown): Promise<JsonAnswer> => requestJson('POST', `${coordinator.url}/v1/nodes/heartbeat`, { json: body })
  const purgeStatus = (purgeId: string, query = ''): Promise<JsonAnswer> => requestJson('GET', `${coordinator.url}/v1/purges/${purgeId}${query}`, { token: buyerToken })

  /** Heartbeats once and returns the ids of the verified purge commands received. */
  async function receiveCommands(node: FakeNode): Promise<string[]> {
    const answer = await heartbeat(node.heartbeatBody(clock.nowMs))
    assert.equal(answer.status, 200)
    const commands = field(answer.body, 'commands')
    assert.ok(Array.isArray(commands))
    return commands.map((raw: unknown) => {
      const verified = verifyCommand(coordinatorKey, raw, { now: clock.nowMs, nodeId: node.nodeId })
      assert.ok(verified.ok, 'every command verifies with the coordinator key for this node')
      assert.equal(verified.command.type, 'purge')
      return verified.command.id
    })
  }

  it('validates the purge request and keeps other buyers out', async () => {
    assert.equal((await requestJson('POST', `${coordinator.url}/v1/zones/site/purge`, { token: buyerToken, json: {} })).status, 400)
    assert.equal((await requestJson('POST', `${coordinator.url}/v1/zones/site/purge`, { token: buyerToken, json: { urls: ['no-slash'] } })).status, 400)
    const other = await createAccount(coordinator, 'buyer', 'other')
    const answer = await requestJson('POST', `${coordinator.url}/v1/zones/site/purge`, { token: other, json: { urls: ['/a'] } })
    assert.equal(errorCode(answer), 'ZONE_NOT_FOUND')
  })

  it('sends signed purge commands and completes when every live node acknowledged', async () => {
    const sent = await requestJson('POST', `${coordinator.url}/v1/zones/site/purge`, { token: buyerToken, json: { urls: ['/img/a.png'], surrogateKeys: ['product-7'] } })
    assert.equal(sent.status, 202)
    assert.equal(field(sent.body, 'nodes'), 3)
    const purgeId = String(field(sent.body, 'purgeId'))
    assert.equal(field((await purgeStatus(purgeId)).body, 'status'), 'pending')

    const [a, b, c] = nodes
    assert.ok(a !== undefined && b !== undefined && c !== undefined)
    const idsA = await receiveCommands(a)
    assert.equal(idsA.length, 1)
    assert.deepEqual(await receiveCommands(a), idsA, 'resent until acknowledged')
    const idsB = await receiveCommands(b)
    const idsC = await receiveCommands(c)
    assert.equal(new Set([...idsA, ...idsB, ...idsC]).size, 3, 'one command per node')
    assert.equal((await heartbeat(a.heartbeatBody(clock.nowMs, { acks: idsA }))).status, 200)
    assert.equal((await heartbeat(b.heartbeatBody(clock.nowMs, { acks: idsB }))).status, 200)
    const partial = await purgeStatus(purgeId)
    assert.equal(field(partial.body, 'status'), 'pending')
    assert.deepEqual(field(partial.body, 'pending'), [c.nodeId])
    assert.equal((await heartbeat(c.heartbeatBody(clock.nowMs, { acks: idsC }))).status, 200)
    const done = await purgeStatus(purgeId)
    assert.equal(field(done.body, 'status'), 'complete')
    assert.deepEqual(field(done.body, 'down'), [])
  })

  it('does not let a node that went down block completion, and long-polls until the last ack', async () => {
    const sent = await requestJson('POST', `${coordinator.url}/v1/zones/site/purge`, { token: buyerToken, json: { prefixes: ['/img/'] } })
    const purgeId = String(field(sent.body, 'purgeId'))
    const [a, b, c] = nodes
    assert.ok(a !== undefined && b !== undefined && c !== undefined)
    const ackA = await receiveCommands(a)
    const ackB = await receiveCommands(b)
    assert.equal((await heartbeat(a.heartbeatBody(clock.nowMs, { acks: ackA }))).status, 200)
    assert.deepEqual(await receiveCommands(a), [], 'an acknowledged command is not sent again')

    // c stays silent: after nodeDownAfterMs it is down and no longer blocks the purge.
    clock.nowMs += DOWN_AFTER_MS
    assert.equal((await heartbeat(a.heartbeatBody(clock.nowMs))).status, 200)
    assert.equal((await heartbeat(b.heartbeatBody(clock.nowMs))).status, 200)
    assert.deepEqual(coordinator.fleet.sweep(), [c.nodeId])

    const polling = purgeStatus(purgeId, '?waitMs=10000')
    assert.equal((await heartbeat(b.heartbeatBody(clock.nowMs, { acks: ackB }))).status, 200)
    const done = await polling
    assert.equal(field(done.body, 'status'), 'complete')
    assert.deepEqual(field(done.body, 'pending'), [])
    assert.deepEqual(field(done.body, 'down'), [c.nodeId])
    assert.deepEqual(new Set(field(done.body, 'acked') as string[]), new Set([a.nodeId, b.nodeId]))
  })

  it('answers 404 for a purge id of another account', async () => {
    assert.equal(errorCode(await purgeStatus('prg_aaaaaaaaaaaaaaaaaaaa')), 'PURGE_NOT_FOUND')
  })
})
