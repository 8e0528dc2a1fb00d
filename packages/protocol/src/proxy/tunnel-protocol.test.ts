import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { describe, it } from 'node:test'
import { encodeBase64Url } from '../base64url.ts'
import { generateKeyPair, publicKeyToString, rawPublicKeyOf } from '../keys.ts'
import { nodeIdFromPublicKey } from '../node-id.ts'
import { parseTunnelRefusal, signTunnelHello, verifyTunnelHello } from './tunnel-protocol.ts'

function node() {
  const { privateKey } = generateKeyPair()
  const raw = rawPublicKeyOf(privateKey)
  return { privateKey, nodeId: nodeIdFromPublicKey(raw), publicKey: publicKeyToString(raw) }
}

describe('tunnel hello', () => {
  const challenge = encodeBase64Url(randomBytes(32))
  it('verifies a hello signed by the node key over the challenge', () => {
    const hello = signTunnelHello({ challenge, ...node() })
    assert.deepEqual(verifyTunnelHello(JSON.parse(JSON.stringify(hello)), challenge), hello)
  })
  it('refuses a hello for another challenge (no replay)', () => {
    const hello = signTunnelHello({ challenge, ...node() })
    assert.equal(verifyTunnelHello(hello, encodeBase64Url(randomBytes(32))), undefined)
  })
  it('refuses a hello whose node id is not its key', () => {
    const a = node()
    const b = node()
    const hello = { ...signTunnelHello({ challenge, ...a }), nodeId: b.nodeId }
    assert.equal(verifyTunnelHello(hello, challenge), undefined)
  })
  it('refuses a hello signed by another key', () => {
    const a = node()
    const b = node()
    const hello = { ...signTunnelHello({ challenge, ...a, privateKey: b.privateKey }) }
    assert.equal(verifyTunnelHello(hello, challenge), undefined)
  })
  it('refuses garbage', () => {
    assert.equal(verifyTunnelHello('x', challenge), undefined)
    assert.equal(verifyTunnelHello({}, challenge), undefined)
  })
  it('maps unknown refusals to connect-failed', () => {
    assert.equal(parseTunnelRefusal('monthly-cap'), 'monthly-cap')
    assert.equal(parseTunnelRefusal('whatever'), 'connect-failed')
    assert.equal(parseTunnelRefusal(undefined), 'connect-failed')
  })
})
