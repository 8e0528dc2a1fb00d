import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { createLogger, parseConfig, startCoordinator } from '@meson/coordinator'
import { FakeNode, requestJson } from '@meson/coordinator/testing'
import { FakeCoordinator } from '@meson/node/testing'
import { generateKeyPair, newUsageBatchId, NODE_API_ERROR_CODES, NODE_API_PATHS, nodeIdFromPublicKey, publicKeyStringSchema, signEnvelope } from '@meson/protocol'

/**
 * The node API as a node sees it, run against the real coordinator and against the
 * node's test double (`FakeCoordinator` of @meson/node/testing), so the double cannot
 * drift from what it stands for: same paths, statuses and error codes.
 */

interface Side {
  readonly url: string
  /** An operator's bearer token (registration needs one; the double accepts any). */
  readonly operatorToken: string
  readonly stop: () => Promise<void>
}

async function post(base: string, path: string, body: unknown, token?: string): Promise<{ status: number; code: unknown }> {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) }
  const response = await fetch(`${base}${path}`, { method: 'POST', headers, body: JSON.stringify(body) })
  const parsed: unknown = await response.json().catch(() => undefined)
  const error: unknown = typeof parsed === 'object' && parsed !== null && 'error' in parsed ? parsed.error : undefined
  return { status: response.status, code: typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined }
}

/** A copy of a heartbeat body whose signed payload got `changes` after signing, signature kept. */
function alterPayload(body: unknown, changes: Record<string, unknown>): unknown {
  assert.ok(typeof body === 'object' && body !== null && 'heartbeat' in body)
  const envelope = body.heartbeat
  assert.ok(typeof envelope === 'object' && envelope !== null && 'payload' in envelope && 'signature' in envelope)
  assert.ok(typeof envelope.payload === 'object' && envelope.payload !== null)
  return { heartbeat: { payload: { ...envelope.payload, ...changes }, signature: envelope.signature } }
}

const stranger = generateKeyPair()
const strangerId = nodeIdFromPublicKey(stranger.publicKey)

const SIDES: readonly (readonly [string, () => Promise<Side>])[] = [
  [
    'the real coordinator',
    async () => {
      const dataDir = await mkdtemp(join(tmpdir(), 'meson-contract-'))
      const parsed = parseConfig({ flags: { port: '0', dataDir, adminToken: 'contract-test-admin-token-0123', logLevel: 'silent' } })
      assert.ok(parsed.ok)
      const coordinator = await startCoordinator(parsed.config, { logger: createLogger({ level: 'silent' }), startFleetTimers: false })
      const account = await requestJson('POST', `${coordinator.url}/v1/accounts`, { token: 'contract-test-admin-token-0123', json: { name: 'contract-operator', role: 'operator' } })
      assert.equal(account.status, 201)
      assert.ok(typeof account.body === 'object' && account.body !== null && 'token' in account.body && typeof account.body.token === 'string')
      return {
        url: coordinator.url,
        operatorToken: account.body.token,
        stop: async () => {
          await coordinator.close()
          await rm(dataDir, { recursive: true, force: true })
        },
      }
    },
  ],
  [
    "the node's FakeCoordinator",
    async () => {
      const fake = await FakeCoordinator.start()
      return { url: fake.url.origin, operatorToken: 'any-token', stop: () => fake.stop() }
    },
  ],
]

for (const [name, start] of SIDES) {
  describe(`node API contract: ${name}`, () => {
    let side: Side
    before(async () => {
      side = await start()
    })
    after(() => side.stop())

    it('serves the coordinator key as a base64url ed25519 public key', async () => {
      const response = await fetch(`${side.url}${NODE_API_PATHS.coordinatorKey}`)
      assert.equal(response.status, 200)
      const body: unknown = await response.json()
      assert.ok(typeof body === 'object' && body !== null && 'publicKey' in body)
      assert.ok(publicKeyStringSchema.safeParse(body.publicKey).success)
    })

    it('answers a usage report of an unregistered node with 404 NODE_UNKNOWN (the node registers again)', async () => {
      const report = signEnvelope('usage-report', stranger.privateKey, {
        batchId: newUsageBatchId(),
        nodeId: strangerId,
        createdAt: Date.now(),
        lines: [{ ticketId: 'tn_abcdefghijklmnopqrst', zone: 'site', bytes: '1', ticket: 'not-a-ticket-the-node-is-unknown-first' }],
      })
      assert.deepEqual(await post(side.url, NODE_API_PATHS.usage, report), { status: 404, code: NODE_API_ERROR_CODES.nodeUnknown })
    })

    it('answers a heartbeat of an unregistered node with 404 NODE_UNKNOWN', async () => {
      const heartbeat = signEnvelope('heartbeat', stranger.privateKey, {
        nodeId: strangerId,
        seq: 1,
        timestamp: Date.now(),
        load: 0,
        freeDiskBytes: '1',
        servedBytes: '0',
        cache: { hits: 0, misses: 0, objects: 0, storedBytes: '0' },
        inflight: 0,
      })
      assert.deepEqual(await post(side.url, NODE_API_PATHS.heartbeat, { heartbeat }), { status: 404, code: NODE_API_ERROR_CODES.nodeUnknown })
    })

    // One test per side: the real coordinator allows one node per public IP, and all fakes are on 127.0.0.1.
    it('refuses a heartbeat whose signed status or acks were altered after signing (forged) or sent beside it, and takes the untouched one', async () => {
      const node = await FakeNode.start()
      try {
        const registered = await post(side.url, NODE_API_PATHS.register, node.signedRegistration(Date.now()), side.operatorToken)
        assert.equal(registered.status, 200)
        const besides = node.heartbeatBody(Date.now())
        assert.ok(typeof besides === 'object' && besides !== null && 'heartbeat' in besides)
        assert.equal((await post(side.url, NODE_API_PATHS.heartbeat, { heartbeat: besides.heartbeat, status: 'draining' })).status, 400)
        const drained = alterPayload(node.heartbeatBody(Date.now(), { status: 'active' }), { status: 'draining' })
        assert.deepEqual(await post(side.url, NODE_API_PATHS.heartbeat, drained), { status: 401, code: 'NODE_SIGNATURE_INVALID' })
        const acked = alterPayload(node.heartbeatBody(Date.now(), { acks: [] }), { acks: ['cmd_aaaaaaaaaaaaaaaaaaaa'] })
        assert.deepEqual(await post(side.url, NODE_API_PATHS.heartbeat, acked), { status: 401, code: 'NODE_SIGNATURE_INVALID' })
        assert.equal((await post(side.url, NODE_API_PATHS.heartbeat, node.heartbeatBody(Date.now(), { status: 'draining' }))).status, 200)
      } finally {
        await node.stop()
      }
    })

    it('answers a usage body that is no signed envelope with 400', async () => {
      const answer = await post(side.url, NODE_API_PATHS.usage, { nothing: true })
      assert.equal(answer.status, 400)
      assert.equal(answer.code, 'INVALID_USAGE_REPORT')
    })
  })
}
