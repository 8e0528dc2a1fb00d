/**
 * The proof-of-storage routes on real sockets (ADR 0012 "Verified disk"): a registered
 * node fetches segments as raw bytes with their index, confirms them by digest and
 * releases them; every hostile body gets its 4xx JSON error and no stack trace; with
 * storage proofs off the fill route answers 204.
 */
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { request as httpRequest } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { newCommandId, NODE_API_PATHS, signStorageMessage, STORAGE_SEGMENT_HEADER } from '@meson/protocol'
import { parseConfig } from '../../../../config/parse-config.ts'
import { startCoordinator } from '../../../../main.ts'
import type { RunningCoordinator } from '../../../../main.ts'
import { createLogger } from '../../../log/create-logger.ts'
import { FakeNode, requestJson } from '../../../../testing/node-fake.ts'
import { readJsonField as field } from '../../../../testing/read-json-field.ts'

const ADMIN_TOKEN = 'admin-test-token-storage-0123456789'
const SEGMENT = 65_536

function postRaw(url: string, json: unknown): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const body = Buffer.from(typeof json === 'string' ? json : JSON.stringify(json))
    const request = httpRequest(url, { method: 'POST', agent: false, headers: { 'content-type': 'application/json', 'content-length': String(body.length) } }, (response) => {
      const chunks: Buffer[] = []
      response.on('data', (chunk: Buffer) => chunks.push(chunk))
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }))
      response.on('error', reject)
    })
    request.on('error', reject)
    request.end(body)
  })
}

async function start(dir: string, storage: boolean): Promise<{ coordinator: RunningCoordinator; node: FakeNode }> {
  const parsed = parseConfig({
    flags: {
      port: '0',
      dataDir: dir,
      adminToken: ADMIN_TOKEN,
      allowSharedIp: true,
      // Probes on (storage proofs need them) but the first round is hours away.
      probesEnabled: 'true',
      probeIntervalMs: '86400000',
      storageProofsEnabled: String(storage),
      storageSegmentBytes: String(SEGMENT),
      storageProofMaxBytes: String(2 * SEGMENT),
    },
  })
  assert.ok(parsed.ok, parsed.ok ? '' : JSON.stringify(parsed.error.message))
  const coordinator = await startCoordinator(parsed.config, { logger: createLogger({ level: 'silent' }), startFleetTimers: false })
  const operatorToken = String(field((await requestJson('POST', `${coordinator.url}/v1/accounts`, { token: ADMIN_TOKEN, json: { name: 'op', role: 'operator' } })).body, 'token'))
  const node = await FakeNode.start()
  const registered = await requestJson('POST', `${coordinator.url}/v1/nodes/register`, { json: node.signedRegistration(Date.now()), token: operatorToken })
  assert.equal(registered.status, 200, JSON.stringify(registered.body))
  return { coordinator, node }
}

describe('proof-of-storage routes on real sockets', () => {
  let dir = ''
  let coordinator: RunningCoordinator
  let node: FakeNode
  const url = (path: string): string => `${coordinator.url}${path}`
  const fillBody = (maxBytes = 10 * SEGMENT): unknown => signStorageMessage(node.key.privateKey, { action: 'fill', nodeId: node.nodeId, requestId: newCommandId(), issuedAt: Date.now(), maxBytes })

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'meson-storage-routes-'))
    ;({ coordinator, node } = await start(dir, true))
  })
  after(async () => {
    await coordinator.close()
    await node.stop()
    await rm(dir, { recursive: true, force: true })
  })

  it('serves a segment as raw bytes with its index, takes its digest, and answers 204 once the node holds its share', async () => {
    const first = await postRaw(url(NODE_API_PATHS.storageFill), fillBody())
    assert.equal(first.status, 200)
    assert.equal(first.headers['content-type'], 'application/octet-stream')
    assert.equal(first.headers[STORAGE_SEGMENT_HEADER], '0')
    assert.equal(first.body.length, SEGMENT)
    assert.notDeepEqual(first.body, Buffer.alloc(SEGMENT), 'keystream, not zeros')
    const confirmed = await requestJson('POST', url(NODE_API_PATHS.storageConfirm), {
      json: signStorageMessage(node.key.privateKey, { action: 'confirm', nodeId: node.nodeId, issuedAt: Date.now(), segment: 0, sha256: createHash('sha256').update(first.body).digest('hex') }),
    })
    assert.deepEqual([confirmed.status, confirmed.body], [200, { segment: 0, heldBytes: SEGMENT }])
    const second = await postRaw(url(NODE_API_PATHS.storageFill), fillBody())
    assert.equal(second.headers[STORAGE_SEGMENT_HEADER], '1')
    assert.notDeepEqual(second.body, first.body, 'every segment is its own keystream')
    assert.equal((await postRaw(url(NODE_API_PATHS.storageFill), fillBody())).status, 204, 'storageProofMaxBytes is two segments')
    const released = await requestJson('POST', url(NODE_API_PATHS.storageRelease), { json: signStorageMessage(node.key.privateKey, { action: 'release', nodeId: node.nodeId, issuedAt: Date.now(), segments: [0, 1] }) })
    assert.deepEqual([released.status, released.body], [200, { released: 2 }])
    const third = await postRaw(url(NODE_API_PATHS.storageFill), fillBody())
    assert.equal(third.headers[STORAGE_SEGMENT_HEADER], '2', 'room again, under a new index')
  })

  it('answers hostile bodies with 4xx JSON errors and no stack trace', async () => {
    const replayed = fillBody(SEGMENT - 1)
    const cases: [string, string, unknown, number, string][] = [
      ['not JSON', NODE_API_PATHS.storageFill, '{"payload":', 400, 'MALFORMED_JSON'],
      ['not an envelope', NODE_API_PATHS.storageFill, { hello: 'world' }, 400, 'INVALID_REQUEST'],
      ['forged signature', NODE_API_PATHS.storageFill, { ...(fillBody() as object), signature: 'A'.repeat(86) }, 401, 'NODE_SIGNATURE_INVALID'],
      ['a release sent to confirm', NODE_API_PATHS.storageConfirm, signStorageMessage(node.key.privateKey, { action: 'release', nodeId: node.nodeId, issuedAt: Date.now(), segments: [0] }), 400, 'INVALID_REQUEST'],
      ['a stale message', NODE_API_PATHS.storageRelease, signStorageMessage(node.key.privateKey, { action: 'release', nodeId: node.nodeId, issuedAt: Date.now() - 3_600_000, segments: [0] }), 400, 'NODE_CLOCK_SKEW'],
      ['an unknown segment', NODE_API_PATHS.storageConfirm, signStorageMessage(node.key.privateKey, { action: 'confirm', nodeId: node.nodeId, issuedAt: Date.now(), segment: 4242, sha256: '0'.repeat(64) }), 404, 'STORAGE_SEGMENT_NOT_FOUND'],
    ]
    for (const [what, path, body, status, code] of cases) {
      const answer = await postRaw(url(path), body)
      assert.equal(answer.status, status, what)
      const text = answer.body.toString('utf8')
      assert.equal(field(JSON.parse(text), 'error', 'code'), code, what)
      assert.doesNotMatch(text, /at .*\.ts:\d+/, `${what}: no stack trace`)
    }
    assert.equal((await postRaw(url(NODE_API_PATHS.storageFill), replayed)).status, 204, 'too small for a segment')
    const again = await postRaw(url(NODE_API_PATHS.storageFill), replayed)
    assert.deepEqual([again.status, field(JSON.parse(again.body.toString('utf8')), 'error', 'code')], [409, 'STORAGE_REQUEST_REPLAYED'])
  })
})

describe('proof-of-storage routes with storage proofs off', () => {
  it('answers the fill request 204: nothing to hold', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'meson-storage-off-'))
    const { coordinator, node } = await start(dir, false)
    try {
      const answer = await postRaw(`${coordinator.url}${NODE_API_PATHS.storageFill}`, signStorageMessage(node.key.privateKey, { action: 'fill', nodeId: node.nodeId, requestId: newCommandId(), issuedAt: Date.now(), maxBytes: 1 << 30 }))
      assert.equal(answer.status, 204)
    } finally {
      await coordinator.close()
      await node.stop()
      await rm(dir, { recursive: true, force: true })
    }
  })
})
