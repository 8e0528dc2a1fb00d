import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { sha256 } from '@noble/hashes/sha2.js'
import { base58btc } from 'multiformats/bases/base58'
import { CID } from 'multiformats/cid'
import { create as createDigest } from 'multiformats/hashes/digest'
import { isDenied, legacyDenylistAnchor, parseDenylist } from './denylist.ts'

const CID_V1 = CID.parse('bafybeihrw75yfhdx5qsqgesdnxejtjybscwuclpusvxkuttep6h7pkgmze')

describe('denylist (compact denylist format / bad-bits)', () => {
  it('matches the spec example: the multihash of bafybeihrw75… is QmecDgNq…', () => {
    assert.equal(base58btc.encode(CID_V1.multihash.bytes).slice(1), 'QmecDgNqCRirkc3Cjz9eoRBNwXGckJ9WvTdmY16HP88768')
  })

  it('denies by a legacy anchor: hex sha256 of "CIDV1_BASE32/", also under the CIDv0 form and below the root', () => {
    const list = parseDenylist(`version: 1\n---\n# comment\n//${legacyDenylistAnchor(CID_V1)}\n`)
    assert.equal(isDenied(list, CID_V1, []), true)
    assert.equal(isDenied(list, CID_V1.toV0(), ['any', 'path']), true)
    assert.equal(isDenied(parseDenylist(''), CID_V1, []), false)
  })

  it('denies one path by a modern double hash (b58 multihash of sha256 of "MULTIHASH/path") and not its siblings', () => {
    const digest = sha256(new TextEncoder().encode('QmecDgNqCRirkc3Cjz9eoRBNwXGckJ9WvTdmY16HP88768/my/path'))
    const rule = base58btc.encode(createDigest(0x12, digest).bytes).slice(1)
    const list = parseDenylist(`//${rule}\n`)
    assert.equal(list.skippedLines, 0)
    assert.equal(isDenied(list, CID_V1, ['my', 'path']), true)
    assert.equal(isDenied(list, CID_V1, ['my', 'path', 'deeper']), true)
    assert.equal(isDenied(list, CID_V1, ['my', 'other']), false)
    assert.equal(isDenied(list, CID_V1, []), false)
  })

  it('denies /ipfs/<cid> rules by multihash and skips what it does not understand', () => {
    const list = parseDenylist(`/ipfs/${CID_V1.toString()}\n/ipns/example.com\n!/ipfs/${CID_V1.toString()}\n//not-base58-0OIl\n`)
    assert.equal(isDenied(list, CID_V1.toV0(), []), true)
    assert.equal(list.skippedLines, 3)
  })
})
