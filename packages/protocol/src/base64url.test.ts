import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { encodeBase32 } from './base32.ts'
import { decodeBase64Url, encodeBase64Url } from './base64url.ts'

describe('base64url', () => {
  it('round-trips every length from 0 to 70 bytes', () => {
    for (let length = 0; length <= 70; length++) {
      const bytes = Uint8Array.from({ length }, (_, index) => (index * 97 + length) & 255)
      assert.deepEqual(decodeBase64Url(encodeBase64Url(bytes)), bytes)
    }
  })

  it('encodes a subarray view, not its whole buffer', () => {
    const bytes = Uint8Array.from([1, 2, 3, 4, 5])
    assert.equal(encodeBase64Url(bytes.subarray(1, 3)), encodeBase64Url(Uint8Array.from([2, 3])))
  })

  const invalid: [string, string][] = [
    ['AQ==', 'padding'],
    ['A+8', 'standard alphabet plus'],
    ['A/8', 'standard alphabet slash'],
    ['AQ A', 'space'],
    ['A', 'impossible length'],
    ['AR', 'non-zero trailing bits'],
    ['AQ.', 'dot'],
    ['é', 'non-ASCII'],
  ]
  for (const [text, why] of invalid) {
    it(`rejects "${text}" (${why})`, () => {
      assert.equal(decodeBase64Url(text), undefined)
    })
  }
})

describe('encodeBase32', () => {
  // RFC 4648 §10 test vectors, lowercased and unpadded.
  const vectors: [string, string][] = [
    ['', ''],
    ['f', 'my'],
    ['fo', 'mzxq'],
    ['foo', 'mzxw6'],
    ['foob', 'mzxw6yq'],
    ['fooba', 'mzxw6ytb'],
    ['foobar', 'mzxw6ytboi'],
  ]
  for (const [input, output] of vectors) {
    it(`encodes "${input}" as "${output}"`, () => {
      assert.equal(encodeBase32(Buffer.from(input)), output)
    })
  }
})
