import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { canonicalJson } from './canonical-json.ts'
import { generateKeyPair, publicKeyToString } from './keys.ts'
import { nodeIdFromPublicKey } from './node-id.ts'
import { registrationSchema } from './registration.ts'
import type { RegistrationWire } from './registration.ts'

const pair = generateKeyPair()
const other = generateKeyPair()
const valid: RegistrationWire = {
  nodeId: nodeIdFromPublicKey(pair.publicKey),
  publicKey: publicKeyToString(pair.publicKey),
  publicUrl: 'https://node1.example.net:8443/',
  version: '1.4.0',
  diskQuotaBytes: '107374182400',
  declaredUplinkMbps: 500,
  timestamp: 1_700_000_000_000,
  capabilities: ['cdn', 'proxy'],
}

describe('registrationSchema', () => {
  it('accepts a valid registration and parses the quota to bigint', () => {
    const parsed = registrationSchema.parse(valid)
    assert.equal(parsed.diskQuotaBytes, 107374182400n)
    assert.equal(parsed.nodeId, valid.nodeId)
  })

  it('round-trips: the canonical JSON of the parsed value parses to the same value', () => {
    const parsed = registrationSchema.parse(valid)
    assert.deepEqual(registrationSchema.parse(JSON.parse(canonicalJson(parsed))), parsed)
  })

  for (const version of ['0.0.1', '10.20.30', '2.0.0-rc.1', '1.0.0+build.5', '1.0.0-alpha-1.2+sha.abc']) {
    it(`accepts version "${version}"`, () => {
      assert.equal(registrationSchema.safeParse({ ...valid, version }).success, true)
    })
  }

  const invalid: [string, unknown][] = [
    ['an unknown key', { ...valid, admin: true }],
    ['a missing key', { ...valid, timestamp: undefined }],
    ['a nodeId of another key', { ...valid, nodeId: nodeIdFromPublicKey(other.publicKey) }],
    ['a malformed nodeId', { ...valid, nodeId: 'node-1' }],
    ['a public key of 31 bytes', { ...valid, publicKey: publicKeyToString(pair.publicKey.subarray(0, 31)) }],
    ['a relative publicUrl', { ...valid, publicUrl: '/node' }],
    ['an ftp publicUrl', { ...valid, publicUrl: 'ftp://node.example.net/' }],
    ['a publicUrl with credentials', { ...valid, publicUrl: 'https://user:pw@node.example.net/' }],
    ['a publicUrl with a fragment', { ...valid, publicUrl: 'https://node.example.net/#x' }],
    ['a non-semver version', { ...valid, version: 'v1.4' }],
    ['a version with leading zeros', { ...valid, version: '01.4.0' }],
    ['the quota as a number', { ...valid, diskQuotaBytes: 107374182400 }],
    ['a negative quota', { ...valid, diskQuotaBytes: '-1' }],
    ['a quota with leading zeros', { ...valid, diskQuotaBytes: '0100' }],
    ['a quota of 2^63', { ...valid, diskQuotaBytes: '9223372036854775808' }],
    ['a huge quota', { ...valid, diskQuotaBytes: '9'.repeat(100) }],
    ['a fractional uplink', { ...valid, declaredUplinkMbps: 1.5 }],
    ['a zero uplink', { ...valid, declaredUplinkMbps: 0 }],
    ['an uplink as a string', { ...valid, declaredUplinkMbps: '500' }],
    ['a negative timestamp', { ...valid, timestamp: -1 }],
    ['an unsafe-integer timestamp', { ...valid, timestamp: 2 ** 60 }],
    ['an unknown capability', { ...valid, capabilities: ['cdn', 'mining'] }],
    ['a repeated capability', { ...valid, capabilities: ['cdn', 'cdn'] }],
    ['no capability', { ...valid, capabilities: [] }],
    ['an array instead of an object', [valid]],
  ]
  for (const [name, input] of invalid) {
    it(`rejects ${name}`, () => {
      assert.equal(registrationSchema.safeParse(input).success, false)
    })
  }
})
