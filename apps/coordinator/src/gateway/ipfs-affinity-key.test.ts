import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ipfsAffinityKey } from './ipfs-affinity-key.ts'

const V0 = 'QmbWqxBEKC3P8tqsKc98xmWNzrzDtRLMiMPL8wBuTGsMnR'

describe('ipfsAffinityKey (content affinity on the root CID)', () => {
  it('is the same for every path under one root, and for its CIDv0 and CIDv1 forms', () => {
    const root = ipfsAffinityKey(`/ipfs/${V0}`)
    assert.ok(root !== undefined)
    assert.equal(ipfsAffinityKey(`/ipfs/${V0}/a/b.txt`), root)
    assert.equal(ipfsAffinityKey(`/ipfs/${root.split('\n')[1] ?? ''}/index.html`), root)
  })

  it('is undefined for paths that are not /ipfs/<cid>', () => {
    assert.equal(ipfsAffinityKey('/images/a.png'), undefined)
    assert.equal(ipfsAffinityKey('/ipfs/'), undefined)
    assert.equal(ipfsAffinityKey('/ipfs/not-a-cid/x'), undefined)
  })
})
