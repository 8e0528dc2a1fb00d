import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { randomBytes } from 'node:crypto'
import { generateKeyPair, nodeIdFromPublicKey } from '@meson/protocol'
import { NodeTicketKeyHolder } from './node-ticket-key-holder.ts'
import { FIXTURE_ISSUED_AT_MS, FIXTURE_TICKET_LIFETIME_MS, fixtureNodeId, fixtureNodeKey, fixtureTagKeys, fixtureToken } from '../../testing/ticket-fixtures.ts'
import { TicketVerifier } from './ticket-verifier.ts'
import type { TicketCheckRequest } from './ticket-verifier.ts'

const request: TicketCheckRequest = { nowMs: FIXTURE_ISSUED_AT_MS + 1000, zone: 'my-site', path: '/img/logo.png', clientIp: '203.0.113.9' }
const expiresAtMs = FIXTURE_ISSUED_AT_MS + FIXTURE_TICKET_LIFETIME_MS

function newVerifier(options: { cacheSize?: number } = {}): { verifier: TicketVerifier; keyHolder: NodeTicketKeyHolder } {
  const keyHolder = new NodeTicketKeyHolder()
  keyHolder.replace([{ kid: 'k1', key: fixtureNodeKey() }])
  return { verifier: new TicketVerifier({ keyHolder, nodeId: fixtureNodeId, ...options }), keyHolder }
}

describe('TicketVerifier', () => {
  it('accepts a valid ticket, then serves the next check from its cache', () => {
    const { verifier } = newVerifier()
    const token = fixtureToken()
    const first = verifier.verify(token, request)
    assert.equal(first.ok && first.cached, false)
    assert.ok(first.ok)
    assert.equal(first.ticket.nonce, 'tn_abcdefghijklmnopqrst')
    const second = verifier.verify(token, request)
    assert.ok(second.ok)
    assert.equal(second.cached, true)
  })

  it('refuses a ticket tagged under another master secret (forged), and does not cache it', () => {
    const { verifier } = newVerifier()
    const forged = fixtureToken({}, fixtureTagKeys(fixtureNodeId, 'k1', randomBytes(32)))
    assert.deepEqual(verifier.verify(forged, request), { ok: false, reason: 'bad-signature' })
    assert.equal(verifier.cacheSize, 0)
  })

  it('refuses a token whose payload was altered after signing', () => {
    const { verifier } = newVerifier()
    const [, signature = '', coordTag = ''] = fixtureToken().split('.')
    const [payload = ''] = fixtureToken({ path: '/img/secret.png' }).split('.')
    assert.deepEqual(verifier.verify(`${payload}.${signature}.${coordTag}`, { ...request, path: '/img/secret.png' }), { ok: false, reason: 'bad-signature' })
  })

  it('refuses garbage as malformed', () => {
    const { verifier } = newVerifier()
    assert.deepEqual(verifier.verify('not-a-ticket', request), { ok: false, reason: 'malformed' })
  })

  it('refuses an expired ticket', () => {
    const { verifier } = newVerifier()
    assert.deepEqual(verifier.verify(fixtureToken(), { ...request, nowMs: expiresAtMs }), { ok: false, reason: 'expired' })
  })

  it('refuses a ticket replayed after its expiry even though it is cached', () => {
    const { verifier } = newVerifier()
    const token = fixtureToken()
    assert.equal(verifier.verify(token, request).ok, true)
    assert.equal(verifier.verify(token, { ...request, nowMs: expiresAtMs - 1 }).ok, true)
    assert.deepEqual(verifier.verify(token, { ...request, nowMs: expiresAtMs }), { ok: false, reason: 'expired' })
    // And the expired entry is dropped, not kept around.
    assert.equal(verifier.cacheSize, 0)
  })

  it('re-checks node, zone, path and client on a cache hit', () => {
    const { verifier } = newVerifier()
    const token = fixtureToken()
    assert.equal(verifier.verify(token, request).ok, true)
    assert.deepEqual(verifier.verify(token, { ...request, zone: 'other-site' }), { ok: false, reason: 'wrong-zone' })
    assert.deepEqual(verifier.verify(token, { ...request, path: '/img/other.png' }), { ok: false, reason: 'wrong-path' })
    assert.deepEqual(verifier.verify(token, { ...request, path: '/img/%2e%2e/logo.png' }), { ok: false, reason: 'wrong-path' })
    assert.deepEqual(verifier.verify(token, { ...request, clientIp: '198.51.100.1' }), { ok: false, reason: 'wrong-client' })
    assert.deepEqual(verifier.verify(token, { ...request, nowMs: FIXTURE_ISSUED_AT_MS - 31_000 }), { ok: false, reason: 'not-yet-valid' })
    // The entry survives refusals that are about the request, not the ticket.
    assert.equal(verifier.verify(token, request).ok, true)
  })

  it('re-checks the path on every cache hit, also after the same path was covered before', () => {
    const { verifier } = newVerifier()
    const prefixToken = fixtureToken({ path: '/img', prefix: true, nonce: 'tn_prefixprefixprefixx' })
    for (const [path, isCovered] of [
      ['/img/a.png', true],
      ['/img/a.png', true],
      ['/img/../secret.png', false],
      ['/img/a.png', true],
      ['/other/a.png', false],
      ['/img/%2E%2E/secret.png', false],
      ['/img/b.png', true],
      ['/img/a.png', true],
    ] as const) {
      assert.equal(verifier.verify(prefixToken, { ...request, path }).ok, isCovered, path)
    }
  })

  it('answers from its cache only for the exact token: another one with the same ending is checked in full', () => {
    const { verifier } = newVerifier()
    const token = fixtureToken()
    assert.equal(verifier.verify(token, request).ok, true)
    // The cache is keyed by the token's last characters; a forgery keeps them and changes the rest.
    const [, nodeTag = '', coordTag = ''] = token.split('.')
    const [otherPayload = ''] = fixtureToken({ path: '/img/secret.png' }).split('.')
    const forged = `${otherPayload}.${nodeTag}.${coordTag}`
    assert.ok(forged.endsWith(token.slice(-24)) && forged !== token)
    assert.deepEqual(verifier.verify(forged, { ...request, path: '/img/secret.png' }), { ok: false, reason: 'bad-signature' })
    // The forgery did not push the real token out.
    const again = verifier.verify(token, request)
    assert.ok(again.ok)
    assert.equal(again.cached, true)
  })

  it('re-checks the client on every cache hit, also after the same client was covered before', () => {
    const { verifier } = newVerifier()
    const token = fixtureToken()
    for (const clientIp of [request.clientIp, '198.51.100.1', request.clientIp, '198.51.100.1', '198.51.100.1']) {
      assert.equal(verifier.verify(token, { ...request, clientIp }).ok, clientIp === request.clientIp, clientIp)
    }
  })

  it('refuses a ticket issued to another node: its tag is made with that node\'s key', () => {
    const { verifier } = newVerifier()
    const otherNode = nodeIdFromPublicKey(generateKeyPair().publicKey)
    assert.deepEqual(verifier.verify(fixtureToken({ nodeId: otherNode }, fixtureTagKeys(otherNode)), request), { ok: false, reason: 'bad-signature' })
    // Tagged with this node's key but naming another node (a coordinator bug): still refused.
    assert.deepEqual(verifier.verify(fixtureToken({ nodeId: otherNode }), request), { ok: false, reason: 'wrong-node' })
  })

  it('refuses another path, and accepts a path under a prefix ticket', () => {
    const { verifier } = newVerifier()
    assert.deepEqual(verifier.verify(fixtureToken(), { ...request, path: '/img/logo.png.bak' }), { ok: false, reason: 'wrong-path' })
    const prefixToken = fixtureToken({ path: '/img', prefix: true, nonce: 'tn_prefixprefixprefixx' })
    assert.equal(verifier.verify(prefixToken, { ...request, path: '/img/a/b.png' }).ok, true)
    assert.deepEqual(verifier.verify(prefixToken, { ...request, path: '/imgs/b.png' }), { ok: false, reason: 'wrong-path' })
  })

  it('refuses everything until ticket keys were delivered', () => {
    const verifier = new TicketVerifier({ keyHolder: new NodeTicketKeyHolder(), nodeId: fixtureNodeId })
    assert.deepEqual(verifier.verify(fixtureToken(), request), { ok: false, reason: 'no-coordinator-key' })
  })

  it('during a rotation overlap accepts tickets of the old and the new generation, refusing none', () => {
    const { verifier, keyHolder } = newVerifier()
    const oldToken = fixtureToken()
    assert.equal(verifier.verify(oldToken, request).ok, true)
    // Registration delivers both generations; the coordinator then starts issuing with k2.
    assert.equal(keyHolder.replace([{ kid: 'k1', key: fixtureNodeKey() }, { kid: 'k2', key: fixtureNodeKey(fixtureNodeId, 'k2') }]), true)
    const newToken = fixtureToken({ kid: 'k2', nonce: 'tn_rotatedrotatedrotat' }, fixtureTagKeys(fixtureNodeId, 'k2'))
    for (const token of [oldToken, newToken, oldToken, newToken]) assert.equal(verifier.verify(token, request).ok, true)
    // Once k1 is retired, its tickets stop verifying, even those cached before.
    keyHolder.replace([{ kid: 'k2', key: fixtureNodeKey(fixtureNodeId, 'k2') }])
    assert.deepEqual(verifier.verify(oldToken, request), { ok: false, reason: 'unknown-key' })
    assert.equal(verifier.verify(newToken, request).ok, true)
  })

  it('reports no change when handed the same keys again', () => {
    const { verifier, keyHolder } = newVerifier()
    assert.equal(keyHolder.replace([{ kid: 'k1', key: fixtureNodeKey() }]), false)
    assert.equal(verifier.verify(fixtureToken(), request).ok, true)
  })

  it('keeps at most cacheSize tokens, evicting the least recently used', () => {
    const { verifier } = newVerifier({ cacheSize: 2 })
    const tokens = ['tn_aaaaaaaaaaaaaaaaaaaa', 'tn_bbbbbbbbbbbbbbbbbbbb', 'tn_cccccccccccccccccccc'].map((nonce) => fixtureToken({ nonce }))
    const [a = '', b = '', c = ''] = tokens
    verifier.verify(a, request)
    verifier.verify(b, request)
    verifier.verify(a, request)
    verifier.verify(c, request)
    assert.equal(verifier.cacheSize, 2)
    const aAgain = verifier.verify(a, request)
    assert.ok(aAgain.ok)
    assert.equal(aAgain.cached, true)
    const bAgain = verifier.verify(b, request)
    assert.ok(bAgain.ok)
    assert.equal(bAgain.cached, false)
  })
})
