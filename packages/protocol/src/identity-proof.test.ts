import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { identityUrlFor, isIdentityProofValid, parseIdentityChallenge, signIdentityProof } from './identity-proof.ts'
import { generateKeyPair } from './keys.ts'

const CHALLENGE = 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'

describe('identity proof (registration callback)', () => {
  it('is accepted by the coordinator side when the node signs the challenge with its registered key', () => {
    const node = generateKeyPair()
    const url = identityUrlFor('http://127.0.0.1:8004/prefix/', CHALLENGE)
    assert.ok(url)
    assert.equal(url.href, `http://127.0.0.1:8004/prefix/_meson/identity?challenge=${CHALLENGE}`)
    // The node sees the path below its public URL's prefix (a proxy in front strips it).
    const challenge = parseIdentityChallenge(`${url.pathname.replace('/prefix', '')}${url.search}`)
    assert.equal(challenge, CHALLENGE)
    const proof = signIdentityProof(node.privateKey, 'nd_one', CHALLENGE)
    assert.equal(isIdentityProofValid(proof, { nodeId: 'nd_one', challenge: CHALLENGE, publicKey: node.publicKey }), true)
  })

  it('is refused for another key, another node id or another challenge', () => {
    const node = generateKeyPair()
    const proof = signIdentityProof(node.privateKey, 'nd_one', CHALLENGE)
    assert.equal(isIdentityProofValid(proof, { nodeId: 'nd_one', challenge: CHALLENGE, publicKey: generateKeyPair().publicKey }), false)
    assert.equal(isIdentityProofValid(proof, { nodeId: 'nd_two', challenge: CHALLENGE, publicKey: node.publicKey }), false)
    assert.equal(isIdentityProofValid(proof, { nodeId: 'nd_one', challenge: `${CHALLENGE}B`, publicKey: node.publicKey }), false)
    assert.equal(isIdentityProofValid('not an object', { nodeId: 'nd_one', challenge: CHALLENGE, publicKey: node.publicKey }), false)
  })

  it('signs only one short base64url challenge on the identity path', () => {
    assert.equal(parseIdentityChallenge('/_meson/identity'), undefined)
    assert.equal(parseIdentityChallenge(`/_meson/identity?challenge=${CHALLENGE}&challenge=${CHALLENGE}`), undefined)
    assert.equal(parseIdentityChallenge('/_meson/identity?challenge=short'), undefined)
    assert.equal(parseIdentityChallenge(`/elsewhere?challenge=${CHALLENGE}`), undefined)
  })

  it('calls back only http(s) URLs without credentials', () => {
    assert.equal(identityUrlFor('ftp://127.0.0.1/', CHALLENGE), undefined)
    assert.equal(identityUrlFor('http://user:pw@127.0.0.1/', CHALLENGE), undefined)
    assert.equal(identityUrlFor('not a url', CHALLENGE), undefined)
  })
})
