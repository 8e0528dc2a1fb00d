import assert from 'node:assert/strict'
import { createPrivateKey, generateKeyPairSync } from 'node:crypto'
import { describe, it } from 'node:test'
import {
  exportPrivateKeyPem,
  generateKeyPair,
  importPrivateKeyPem,
  publicKeyFromString,
  publicKeyObjectFrom,
  publicKeyToString,
  rawPublicKeyOf,
} from './keys.ts'

// RFC 8032 §7.1, TEST 1.
const RFC_SECRET = Buffer.from('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60', 'hex')
const RFC_PUBLIC = Buffer.from('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a', 'hex')

describe('keys', () => {
  it('derives the RFC 8032 public key from its secret', () => {
    const privateKey = createPrivateKey({
      key: { kty: 'OKP', crv: 'Ed25519', d: RFC_SECRET.toString('base64url'), x: RFC_PUBLIC.toString('base64url') },
      format: 'jwk',
    })
    assert.deepEqual(Buffer.from(rawPublicKeyOf(privateKey)), RFC_PUBLIC)
  })

  it('generates a 32-byte public key matching the private key', () => {
    const pair = generateKeyPair()
    assert.equal(pair.publicKey.length, 32)
    assert.deepEqual(rawPublicKeyOf(pair.privateKey), pair.publicKey)
  })

  it('generates a different key each time', () => {
    assert.notDeepEqual(generateKeyPair().publicKey, generateKeyPair().publicKey)
  })

  it('writes a public key as 43 base64url characters and reads it back', () => {
    assert.equal(publicKeyToString(RFC_PUBLIC), '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo')
    assert.deepEqual(publicKeyFromString('11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo'), { ok: true, value: new Uint8Array(RFC_PUBLIC) })
  })

  const badPublicKeys: [string, string][] = [
    ['', 'empty'],
    ['11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo=', 'padded'],
    ['11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo', 'standard alphabet'],
    ['11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHUR', 'truncated'],
    ['11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURoAA', 'too long'],
    ['not a key at all', 'junk'],
  ]
  for (const [text, why] of badPublicKeys) {
    it(`refuses a public key string that is ${why}`, () => {
      assert.equal(publicKeyFromString(text).ok, false)
    })
  }

  it('refuses to make a key object from a wrong-length key', () => {
    assert.equal(publicKeyObjectFrom(new Uint8Array(31)).ok, false)
  })

  it('round-trips a private key through PKCS#8 PEM', () => {
    const pair = generateKeyPair()
    const pem = exportPrivateKeyPem(pair.privateKey)
    assert.match(pem, /^-----BEGIN PRIVATE KEY-----\n/)
    const imported = importPrivateKeyPem(pem)
    assert.ok(imported.ok)
    assert.deepEqual(rawPublicKeyOf(imported.value), pair.publicKey)
  })

  it('refuses a PEM that is not a key', () => {
    assert.equal(importPrivateKeyPem('-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n').ok, false)
    assert.equal(importPrivateKeyPem('hello').ok, false)
  })

  it('refuses a PEM private key of another algorithm', () => {
    const { privateKey } = generateKeyPairSync('x25519')
    const result = importPrivateKeyPem(privateKey.export({ format: 'pem', type: 'pkcs8' }).toString())
    assert.deepEqual(result, { ok: false, reason: 'expected an ed25519 key, got x25519' })
  })
})
