import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { encodeBase64Url } from './base64url.ts'
import { generateKeyPair, publicKeyObjectFrom } from './keys.ts'
import { SIGNING_PURPOSES, signingInput, signPayload, verifyPayload } from './signing.ts'
import type { SigningPurpose } from './signing.ts'

const signer = generateKeyPair()
const stranger = generateKeyPair()
const payload = { nodeId: 'nd_x', bytes: 1024n, list: [1, 2] }

describe('signPayload / verifyPayload', () => {
  it('verifies its own signature for every purpose', () => {
    for (const purpose of SIGNING_PURPOSES) {
      const signature = signPayload(signer.privateKey, payload, purpose)
      assert.equal(verifyPayload(signer.publicKey, payload, signature, purpose), true, purpose)
    }
  })

  it('verifies with a prepared KeyObject too', () => {
    const key = publicKeyObjectFrom(signer.publicKey)
    assert.ok(key.ok)
    assert.equal(verifyPayload(key.value, payload, signPayload(signer.privateKey, payload, 'heartbeat'), 'heartbeat'), true)
  })

  it('does not verify a signature for one purpose under any other purpose', () => {
    for (const signedFor of SIGNING_PURPOSES) {
      const signature = signPayload(signer.privateKey, payload, signedFor)
      for (const checkedFor of SIGNING_PURPOSES) {
        if (checkedFor === signedFor) continue
        assert.equal(verifyPayload(signer.publicKey, payload, signature, checkedFor), false, `${signedFor} as ${checkedFor}`)
      }
    }
  })

  it('ignores key order and bigint-vs-string spelling (canonical JSON)', () => {
    const signature = signPayload(signer.privateKey, payload, 'heartbeat')
    assert.equal(verifyPayload(signer.publicKey, { list: [1, 2], bytes: '1024', nodeId: 'nd_x' }, signature, 'heartbeat'), true)
  })

  it('signs the domain-separated bytes "meson/v1/<purpose>\\n" + message', () => {
    assert.equal(Buffer.from(signingInput('ticket', Buffer.from('{}'))).toString(), 'meson/v1/ticket\n{}')
  })

  const signature = signPayload(signer.privateKey, payload, 'usage-report')
  const flipped = Buffer.from(signature, 'base64url')
  flipped[0] = (flipped[0] ?? 0) ^ 1
  const hostile: [string, () => boolean][] = [
    ['a changed payload', () => verifyPayload(signer.publicKey, { ...payload, bytes: 1025n }, signature, 'usage-report')],
    ['an added property', () => verifyPayload(signer.publicKey, { ...payload, extra: 1 }, signature, 'usage-report')],
    ['another key', () => verifyPayload(stranger.publicKey, payload, signature, 'usage-report')],
    ['a signature by another key', () => verifyPayload(signer.publicKey, payload, signPayload(stranger.privateKey, payload, 'usage-report'), 'usage-report')],
    ['a flipped signature bit', () => verifyPayload(signer.publicKey, payload, encodeBase64Url(flipped), 'usage-report')],
    ['a truncated signature', () => verifyPayload(signer.publicKey, payload, signature.slice(0, -2), 'usage-report')],
    ['a padded signature', () => verifyPayload(signer.publicKey, payload, `${signature}==`, 'usage-report')],
    ['a standard-base64 signature', () => verifyPayload(signer.publicKey, payload, Buffer.from(signature, 'base64url').toString('base64'), 'usage-report')],
    ['an empty signature', () => verifyPayload(signer.publicKey, payload, '', 'usage-report')],
    ['a zero signature', () => verifyPayload(signer.publicKey, payload, encodeBase64Url(new Uint8Array(64)), 'usage-report')],
    ['a short public key', () => verifyPayload(signer.publicKey.subarray(0, 31), payload, signature, 'usage-report')],
    ['an all-zero public key', () => verifyPayload(new Uint8Array(32), payload, signature, 'usage-report')],
    ['a private key object as public key', () => verifyPayload(signer.privateKey, payload, signature, 'usage-report')],
    ['an unknown purpose', () => verifyPayload(signer.publicKey, payload, signature, 'payment' as SigningPurpose)],
    ['a payload that cannot be canonicalized', () => verifyPayload(signer.publicKey, { n: Number.NaN }, signature, 'usage-report')],
    ['a non-string signature', () => verifyPayload(signer.publicKey, payload, 42 as unknown as string, 'usage-report')],
  ]
  for (const [name, attempt] of hostile) {
    it(`returns false, without throwing, for ${name}`, () => {
      assert.equal(attempt(), false)
    })
  }
})
