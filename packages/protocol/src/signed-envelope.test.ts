import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { z } from 'zod'
import { heartbeatSchema } from './heartbeat.ts'
import type { Heartbeat } from './heartbeat.ts'
import { generateKeyPair, publicKeyFromString, publicKeyToString } from './keys.ts'
import { nodeIdFromPublicKey } from './node-id.ts'
import { registrationSchema } from './registration.ts'
import type { Registration } from './registration.ts'
import { openEnvelope, signEnvelope } from './signed-envelope.ts'

const node = generateKeyPair()
const stranger = generateKeyPair()
const nodeId = nodeIdFromPublicKey(node.publicKey)
const heartbeat: Heartbeat = heartbeatSchema.parse({
  nodeId,
  seq: 7,
  timestamp: 1_700_000_000_000,
  load: 0.5,
  freeDiskBytes: '1000',
  servedBytes: '2000',
  cache: { hits: 1, misses: 2, objects: 3, storedBytes: '4000' },
  inflight: 0,
})

describe('signEnvelope / openEnvelope', () => {
  const envelope = signEnvelope('heartbeat', node.privateKey, heartbeat)

  it('carries the payload as plain JSON (bigints as strings), ready for JSON.stringify', () => {
    assert.equal((envelope.payload as { servedBytes: unknown }).servedBytes, '2000')
    assert.doesNotThrow(() => JSON.stringify(envelope))
  })

  it('opens what it signed, from an object or from JSON text', () => {
    assert.deepEqual(openEnvelope('heartbeat', heartbeatSchema, node.publicKey, envelope), { ok: true, value: heartbeat })
    assert.deepEqual(openEnvelope('heartbeat', heartbeatSchema, node.publicKey, JSON.stringify(envelope)), { ok: true, value: heartbeat })
  })

  it('finds the key from the payload with a resolver', () => {
    const keys = new Map([[nodeId, node.publicKey]])
    const resolve = (payload: Heartbeat): Uint8Array | undefined => keys.get(payload.nodeId)
    assert.equal(openEnvelope('heartbeat', heartbeatSchema, resolve, envelope).ok, true)
    assert.deepEqual(openEnvelope('heartbeat', heartbeatSchema, () => undefined, envelope), { ok: false, reason: 'unknown-signer' })
  })

  it('verifies a self-signed registration with the key it carries', () => {
    const registration = registrationSchema.parse({
      nodeId,
      publicKey: publicKeyToString(node.publicKey),
      publicUrl: 'http://127.0.0.1:8080',
      version: '0.1.0',
      diskQuotaBytes: '1073741824',
      declaredUplinkMbps: 100,
      timestamp: 1_700_000_000_000,
      capabilities: ['cdn'],
    })
    const signed = signEnvelope('registration', node.privateKey, registration)
    const ownKey = (payload: Registration): Uint8Array | undefined => {
      const key = publicKeyFromString(payload.publicKey)
      return key.ok ? key.value : undefined
    }
    assert.deepEqual(openEnvelope('registration', registrationSchema, ownKey, signed), { ok: true, value: registration })
  })

  it('verifies the payload as received, not as a normalizing schema parsed it', () => {
    const stripping = z.object({ a: z.string() })
    const signed = signEnvelope('command', node.privateKey, { a: 'x' })
    const widened = { ...signed, payload: { a: 'x', injected: true } }
    assert.deepEqual(openEnvelope('command', stripping, node.publicKey, signed), { ok: true, value: { a: 'x' } })
    assert.deepEqual(openEnvelope('command', stripping, node.publicKey, widened), { ok: false, reason: 'bad-signature' })
  })

  const tamperedPayload = { ...(envelope.payload as Record<string, unknown>), servedBytes: '999999' }
  const cases: [string, unknown, string][] = [
    ['JSON text that does not parse', '{"payload":', 'malformed'],
    ['a missing signature', { payload: envelope.payload }, 'malformed'],
    ['a missing payload', { signature: envelope.signature }, 'malformed'],
    ['an extra envelope key', { ...envelope, purpose: 'heartbeat' }, 'malformed'],
    ['a numeric signature', { ...envelope, signature: 5 }, 'malformed'],
    ['an overlong signature', { ...envelope, signature: 'A'.repeat(200) }, 'malformed'],
    ['null', null, 'malformed'],
    ['a payload failing the schema', { ...envelope, payload: { ...tamperedPayload, load: 2 } }, 'invalid-payload'],
    ['a payload with an extra key', { ...envelope, payload: { ...tamperedPayload, extra: 1 } }, 'invalid-payload'],
    ['a tampered payload', { ...envelope, payload: tamperedPayload }, 'bad-signature'],
    ['a signature from another key', signEnvelope('heartbeat', stranger.privateKey, heartbeat), 'bad-signature'],
    ['a signature for another purpose', signEnvelope('usage-report', node.privateKey, heartbeat), 'bad-signature'],
    ['a garbage signature', { ...envelope, signature: '!!!' }, 'bad-signature'],
  ]
  for (const [name, raw, reason] of cases) {
    it(`rejects ${name} as ${reason}`, () => {
      assert.deepEqual(openEnvelope('heartbeat', heartbeatSchema, node.publicKey, raw), { ok: false, reason })
    })
  }
})
