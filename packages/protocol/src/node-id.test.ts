import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { generateKeyPair } from './keys.ts'
import { nodeIdFromPublicKey, nodeIdSchema, parseNodeId } from './node-id.ts'

// RFC 8032 §7.1 TEST 1 public key; expected id computed independently with Python's
// hashlib and base64.b32encode.
const RFC_PUBLIC = Buffer.from('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a', 'hex')

describe('nodeIdFromPublicKey', () => {
  it('is "nd_" + base32 of the first 20 bytes of SHA-256(key)', () => {
    assert.equal(nodeIdFromPublicKey(RFC_PUBLIC), 'nd_eh7ddx5bksrgcytl7bkai36se4nxx3kl')
  })

  it('gives different keys different ids, and parses its own output', () => {
    const a = nodeIdFromPublicKey(generateKeyPair().publicKey)
    const b = nodeIdFromPublicKey(generateKeyPair().publicKey)
    assert.notEqual(a, b)
    assert.deepEqual(parseNodeId(a), { ok: true, value: a })
  })

  it('throws on a key that is not 32 bytes', () => {
    assert.throws(() => nodeIdFromPublicKey(new Uint8Array(33)), TypeError)
  })
})

describe('parseNodeId', () => {
  const invalid = [
    '',
    'nd_',
    'nd_eh7ddx5bksrgcytl7bkai36se4nxx3k',
    'nd_eh7ddx5bksrgcytl7bkai36se4nxx3klx',
    'ND_eh7ddx5bksrgcytl7bkai36se4nxx3kl',
    'nd_EH7DDX5BKSRGCYTL7BKAI36SE4NXX3KL',
    'nd_eh7ddx5bksrgcytl7bkai36se4nxx3k1',
    'xx_eh7ddx5bksrgcytl7bkai36se4nxx3kl',
    ' nd_eh7ddx5bksrgcytl7bkai36se4nxx3kl',
  ]
  for (const text of invalid) {
    it(`rejects "${text}"`, () => {
      assert.equal(parseNodeId(text).ok, false)
      assert.equal(nodeIdSchema.safeParse(text).success, false)
    })
  }
})
