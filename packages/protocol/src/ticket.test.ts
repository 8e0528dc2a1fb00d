import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { encodeBase64Url } from './base64url.ts'
import { canonicalJson } from './canonical-json.ts'
import { generateKeyPair, publicKeyObjectFrom } from './keys.ts'
import { nodeIdFromPublicKey } from './node-id.ts'
import { signBytes } from './signing.ts'
import { encodeTicket, isPathCovered, ticketSchema, verifyTicket } from './ticket.ts'
import type { Ticket, TicketRequest } from './ticket.ts'

const coordinator = generateKeyPair()
const impostor = generateKeyPair()
const nodeId = nodeIdFromPublicKey(generateKeyPair().publicKey)
const otherNodeId = nodeIdFromPublicKey(generateKeyPair().publicKey)
const issuedAt = 1_700_000_000_000
const ticket: Ticket = ticketSchema.parse({
  v: 1,
  zone: 'my-site',
  path: '/img/logo.png',
  prefix: false,
  nodeId,
  client: '203.0.113.0/24',
  issuedAt,
  expiresAt: issuedAt + 10 * 60_000,
  byteBudget: '1073741824',
  nonce: 'tn_abcdefghijklmnopqrst',
})
const request: TicketRequest = { now: issuedAt + 1000, nodeId, zone: 'my-site', path: '/img/logo.png', clientIp: '203.0.113.9' }
const token = encodeTicket(coordinator.privateKey, ticket)

/** Signs arbitrary JSON text as a ticket would be, to forge well-signed malformed tokens. */
function signedToken(json: string): string {
  const bytes = Buffer.from(json, 'utf8')
  return `${encodeBase64Url(bytes)}.${signBytes(coordinator.privateKey, bytes, 'ticket')}`
}

describe('encodeTicket', () => {
  it('writes base64url(canonical JSON) "." base64url(signature), URL-safe', () => {
    const [payload, signature, ...rest] = token.split('.')
    assert.equal(rest.length, 0)
    assert.equal(Buffer.from(payload ?? '', 'base64url').toString(), canonicalJson(ticket))
    assert.equal(Buffer.from(signature ?? '', 'base64url').length, 64)
    assert.equal(encodeURIComponent(token), token)
  })
})

describe('verifyTicket', () => {
  it('accepts a valid ticket and returns it parsed', () => {
    assert.deepEqual(verifyTicket(token, coordinator.publicKey, request), { ok: true, ticket })
  })

  it('accepts with a prepared public KeyObject', () => {
    const key = publicKeyObjectFrom(coordinator.publicKey)
    assert.ok(key.ok)
    assert.equal(verifyTicket(token, key.value, request).ok, true)
  })

  const [payloadPart = '', signaturePart = ''] = token.split('.')
  const otherTicketToken = encodeTicket(coordinator.privateKey, { ...ticket, nonce: 'tn_zzzzzzzzzzzzzzzzzzzz' })
  const otherSignature = otherTicketToken.split('.')[1] ?? ''
  const json = canonicalJson(ticket)
  const malformed: [string, string][] = [
    ['an empty token', ''],
    ['no dot', payloadPart],
    ['two dots', `${token}.x`],
    ['a truncated payload', `${payloadPart.slice(0, -3)}.${signaturePart}`],
    ['a payload with a non-alphabet character', `${payloadPart.slice(0, -1)}*.${signaturePart}`],
    ['standard-base64 padding', `${payloadPart}==.${signaturePart}`],
    ['a payload that is not JSON', signedToken('{"v":1,')],
    ['a payload that is not UTF-8', `${encodeBase64Url(Uint8Array.from([0xff, 0xfe]))}.${signaturePart}`],
    ['a signed payload with an extra key', signedToken(canonicalJson({ ...ticket, admin: true }))],
    ['a signed payload of version 2', signedToken(canonicalJson({ ...ticket, v: 2 }))],
    ['a signed payload with a numeric byte budget', signedToken(json.replace('"byteBudget":"1073741824"', '"byteBudget":1073741824'))],
    ['a signed payload with a huge byte budget', signedToken(json.replace('"1073741824"', `"${'9'.repeat(40)}"`))],
    ['a signed payload with a negative byte budget', signedToken(json.replace('"1073741824"', '"-1"'))],
    ['a signed payload expiring before it is issued', signedToken(canonicalJson({ ...ticket, expiresAt: issuedAt - 1 }))],
    ['a signed payload with a relative path', signedToken(canonicalJson({ ...ticket, path: 'img/logo.png' }))],
    ['a signed payload with a /16 client', signedToken(canonicalJson({ ...ticket, client: '203.0.0.0/16' }))],
    ['a signed JSON array', signedToken('[]')],
    ['a token over 4096 characters', `${'A'.repeat(4096)}.${signaturePart}`],
  ]
  for (const [name, bad] of malformed) {
    it(`rejects ${name} as malformed`, () => {
      assert.deepEqual(verifyTicket(bad, coordinator.publicKey, request), { ok: false, reason: 'malformed' })
    })
  }

  const badSignatures: [string, string][] = [
    ['a missing signature', `${payloadPart}.`],
    ['a truncated signature', `${payloadPart}.${signaturePart.slice(0, -4)}`],
    ['a swapped signature (from another ticket)', `${payloadPart}.${otherSignature}`],
    ['a signature from another key', encodeTicket(impostor.privateKey, ticket)],
    ['a signature for another purpose', `${payloadPart}.${signBytes(coordinator.privateKey, Buffer.from(json), 'command')}`],
    ['a payload re-serialized with other key order', `${encodeBase64Url(Buffer.from(JSON.stringify({ ...ticket, byteBudget: '1073741824' })))}.${signaturePart}`],
    ['a tampered payload with the original signature', `${encodeBase64Url(Buffer.from(canonicalJson({ ...ticket, byteBudget: 10n ** 15n })))}.${signaturePart}`],
  ]
  for (const [name, bad] of badSignatures) {
    it(`rejects ${name} as bad-signature`, () => {
      assert.deepEqual(verifyTicket(bad, coordinator.publicKey, request), { ok: false, reason: 'bad-signature' })
    })
  }

  const mismatches: [string, Partial<TicketRequest>, string][] = [
    ['at its expiry instant', { now: ticket.expiresAt }, 'expired'],
    ['after expiry', { now: ticket.expiresAt + 1 }, 'expired'],
    ['long before issue', { now: issuedAt - 3_600_000 }, 'not-yet-valid'],
    ['just beyond the clock skew before issue', { now: issuedAt - 30_001 }, 'not-yet-valid'],
    ['before issue with skew tolerance turned off', { now: issuedAt - 1, clockSkewMs: 0 }, 'not-yet-valid'],
    ['on another node', { nodeId: otherNodeId }, 'wrong-node'],
    ['in another zone', { zone: 'other-site' }, 'wrong-zone'],
    ['for another path', { path: '/img/other.png' }, 'wrong-path'],
    ['for a longer path (not a prefix ticket)', { path: '/img/logo.png/x' }, 'wrong-path'],
    ['for the path with a query glued on', { path: '/img/logo.png?x=1' }, 'wrong-path'],
    ['from another /24', { clientIp: '203.0.114.9' }, 'wrong-client'],
    ['from an IPv4-mapped address in another /24', { clientIp: '::ffff:203.0.114.9' }, 'wrong-client'],
    ['from an IPv6 client', { clientIp: '2001:db8::1' }, 'wrong-client'],
    ['from a garbage client address', { clientIp: 'localhost' }, 'wrong-client'],
  ]
  for (const [name, change, reason] of mismatches) {
    it(`rejects a request ${name} as ${reason}`, () => {
      assert.deepEqual(verifyTicket(token, coordinator.publicKey, { ...request, ...change }), { ok: false, reason })
    })
  }

  const stillValid: [string, Partial<TicketRequest>][] = [
    ['at its issue instant', { now: issuedAt }],
    ['within the clock skew before issue', { now: issuedAt - 30_000 }],
    ['one millisecond before expiry', { now: ticket.expiresAt - 1 }],
    ['from an IPv4-mapped IPv6 address in the /24', { clientIp: '::ffff:203.0.113.200' }],
  ]
  for (const [name, change] of stillValid) {
    it(`accepts a request ${name}`, () => {
      assert.equal(verifyTicket(token, coordinator.publicKey, { ...request, ...change }).ok, true)
    })
  }

  it('never throws on non-string input', () => {
    assert.deepEqual(verifyTicket(42 as unknown as string, coordinator.publicKey, request), { ok: false, reason: 'malformed' })
    assert.deepEqual(verifyTicket(token, new Uint8Array(3), request), { ok: false, reason: 'bad-signature' })
  })

  it('checks a prefix ticket against paths under it', () => {
    const prefixToken = encodeTicket(coordinator.privateKey, { ...ticket, path: '/img', prefix: true })
    assert.equal(verifyTicket(prefixToken, coordinator.publicKey, { ...request, path: '/img/a/b.png' }).ok, true)
    assert.deepEqual(verifyTicket(prefixToken, coordinator.publicKey, { ...request, path: '/imgs/a.png' }), { ok: false, reason: 'wrong-path' })
  })
})

describe('ticket origin', () => {
  it('carries the zone origin signed with the ticket, and stays optional', () => {
    const withOrigin = { ...ticket, origin: 'https://origin.example.com/static' }
    const verified = verifyTicket(encodeTicket(coordinator.privateKey, withOrigin), coordinator.publicKey, request)
    assert.deepEqual(verified, { ok: true, ticket: withOrigin })
    assert.equal('origin' in ticket, false)
  })

  const origins: [string, boolean][] = [
    ['http://127.0.0.1:8000', true],
    ['https://origin.example.com/base/', true],
    ['https://user:pass@origin.example.com', false],
    ['https://origin.example.com/?a=1', false],
    ['https://origin.example.com/?', false],
    ['https://origin.example.com/#top', false],
    ['ftp://origin.example.com', false],
    ['/relative/path', false],
  ]
  for (const [origin, isValid] of origins) {
    it(`${isValid ? 'accepts' : 'refuses'} origin ${origin}`, () => {
      assert.equal(ticketSchema.safeParse({ ...ticket, byteBudget: String(ticket.byteBudget), origin }).success, isValid)
    })
  }
})

describe('isPathCovered', () => {
  const cases: [string, boolean, string, boolean][] = [
    ['/a/b.txt', false, '/a/b.txt', true],
    ['/a/b.txt', false, '/a/b.TXT', false],
    ['/a', true, '/a', true],
    ['/a', true, '/a/b', true],
    ['/a', true, '/ab', false],
    ['/a/', true, '/a/b', true],
    ['/a/', true, '/a', false],
    ['/', true, '/anything/at/all', true],
    ['/a', true, '/a/../secret', false],
    ['/a', true, '/a/%2e%2e/secret', false],
    ['/a', true, '/a/%2E./secret', false],
    ['/a', true, '/a/./b', false],
    ['/a', true, '/a/..', false],
    ['/a', true, '/a\\..\\secret', false],
    ['/a', true, 'a/b', false],
    ['/a', true, '/a/..b', true],
  ]
  for (const [ticketPath, prefix, path, covered] of cases) {
    it(`${covered ? 'covers' : 'does not cover'} "${path}" with ${prefix ? 'prefix' : 'exact'} "${ticketPath}"`, () => {
      assert.equal(isPathCovered({ path: ticketPath, prefix }, path), covered)
    })
  }
})
