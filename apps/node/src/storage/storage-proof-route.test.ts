import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Server } from 'node:http'
import { after, before, describe, it } from 'node:test'
import { generateKeyPair, signStorageChallenge, STORAGE_PROOF_PATH, storageProofDigest } from '@meson/protocol'
import type { StorageChallenge } from '@meson/protocol'
import { makeDataDir } from '../testing/cache-store-fixtures.ts'
import { fixtureIdentity } from '../testing/link-fixtures.ts'
import { StorageFillStore } from './fill-store.ts'
import { createStorageProofRoute } from './storage-proof-route.ts'

async function* once(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  await Promise.resolve()
  yield bytes
}

describe('the storage-proof challenge route', () => {
  const coordinator = generateKeyPair()
  const node = fixtureIdentity()
  const segmentBytes = randomBytes(100_000)
  const nowMs = 1_700_000_000_000
  let server: Server
  let url = ''
  let cleanup: () => Promise<void> = () => Promise.resolve()
  let knowsKey = true

  before(async () => {
    const dir = await makeDataDir()
    cleanup = dir.cleanup
    const store = await StorageFillStore.open(dir.dataDir)
    await store.write(3, once(segmentBytes), segmentBytes.byteLength)
    await store.markHeld(3)
    const route = createStorageProofRoute({ nodeId: node.nodeId, coordinatorKey: () => (knowsKey ? coordinator.publicKey : undefined), reader: store, nowMs: () => nowMs })
    server = createServer(route)
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${STORAGE_PROOF_PATH}`
  })
  after(async () => {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
    await cleanup()
  })

  const challenge = (overrides: Partial<StorageChallenge> = {}): StorageChallenge => ({
    nodeId: node.nodeId,
    segment: 3,
    offset: 4321,
    length: 5000,
    nonce: randomBytes(16).toString('base64url'),
    expiresAt: nowMs + 30_000,
    ...overrides,
  })
  const post = async (body: unknown): Promise<{ status: number; body: unknown }> => {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) })
    const text = await response.text()
    return { status: response.status, body: text === '' ? undefined : JSON.parse(text) }
  }
  const codeOf = (body: unknown): unknown => (body as { error?: { code?: unknown } }).error?.code

  it('answers a challenge with the digest of the nonce and the asked range', async () => {
    const asked = challenge()
    const answer = await post(signStorageChallenge(coordinator.privateKey, asked))
    assert.equal(answer.status, 200)
    assert.deepEqual(answer.body, { segment: 3, proof: storageProofDigest(asked.nonce, segmentBytes.subarray(4321, 9321)) })
    const last = challenge({ offset: 99_000, length: 1000 })
    assert.deepEqual((await post(signStorageChallenge(coordinator.privateKey, last))).body, { segment: 3, proof: storageProofDigest(last.nonce, segmentBytes.subarray(99_000)) })
  })

  const refusals: readonly (readonly [string, () => unknown, number, string])[] = [
    ['a challenge signed by another key', () => signStorageChallenge(generateKeyPair().privateKey, challenge()), 403, 'FORBIDDEN'],
    ['a challenge for another node', () => signStorageChallenge(coordinator.privateKey, challenge({ nodeId: fixtureIdentity().nodeId })), 403, 'FORBIDDEN'],
    ['an expired challenge', () => signStorageChallenge(coordinator.privateKey, challenge({ expiresAt: nowMs })), 403, 'FORBIDDEN'],
    ['an unknown segment', () => signStorageChallenge(coordinator.privateKey, challenge({ segment: 4 })), 404, 'NOT_FOUND'],
    ['a range past the end', () => signStorageChallenge(coordinator.privateKey, challenge({ offset: 99_000, length: 1001 })), 404, 'NOT_FOUND'],
    ['a body that is not JSON', () => '{', 400, 'BAD_REQUEST'],
    ['a body that is no envelope', () => ({ hello: 1 }), 400, 'BAD_REQUEST'],
    // A valid challenge, padded with JSON whitespace past the cap: refused for its size alone.
    ['a body over 4 KiB', () => JSON.stringify(signStorageChallenge(coordinator.privateKey, challenge())) + ' '.repeat(4096), 400, 'BAD_REQUEST'],
  ]
  for (const [name, body, status, code] of refusals) {
    it(`refuses ${name} with ${status}`, async () => {
      const answer = await post(body())
      assert.equal(answer.status, status)
      assert.equal(codeOf(answer.body), code)
    })
  }

  it('refuses a captured challenge sent again with 409, without reading the segment again', async () => {
    const asked = challenge({ offset: 10, length: 100 })
    const envelope = signStorageChallenge(coordinator.privateKey, asked)
    assert.equal((await post(envelope)).status, 200)
    const again = await post(envelope)
    assert.equal(again.status, 409)
    assert.equal(codeOf(again.body), 'CONFLICT')
    // A fresh challenge for the same range is answered: the guard is per nonce.
    assert.equal((await post(signStorageChallenge(coordinator.privateKey, challenge({ offset: 10, length: 100 })))).status, 200)
  })

  it('refuses a streamed body once it passes 4 KiB, without a content-length', async () => {
    const valid = new TextEncoder().encode(JSON.stringify(signStorageChallenge(coordinator.privateKey, challenge())))
    const spaces = new TextEncoder().encode(' '.repeat(1024))
    let sent = 0
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        sent += 1
        if (sent > 6) controller.close()
        else controller.enqueue(sent === 1 ? valid : spaces)
      },
    })
    const response = await fetch(url, { method: 'POST', body, duplex: 'half' } as RequestInit)
    assert.equal(response.status, 400)
    await response.body?.cancel()
  })

  it('refuses a GET with 405, and answers 503 before the coordinator key is known', async () => {
    const get = await fetch(url)
    assert.equal(get.status, 405)
    assert.equal(get.headers.get('allow'), 'POST')
    await get.body?.cancel()
    knowsKey = false
    try {
      assert.equal((await post(signStorageChallenge(coordinator.privateKey, challenge()))).status, 503)
    } finally {
      knowsKey = true
    }
  })
})
