import assert from 'node:assert/strict'
import { createHmac, randomBytes } from 'node:crypto'
import { blake3 } from '@noble/hashes/blake3.js'
import { describe, it } from 'node:test'
import { encodeBase64Url } from './base64url.ts'
import { canonicalJson } from './canonical-json.ts'
import { generateKeyPair } from './keys.ts'
import { nodeIdFromPublicKey } from './node-id.ts'
import { deriveCoordinatorTicketKey, deriveNodeTicketKey, TicketKeyRing } from './ticket-keys.ts'
import { encodeTicket, encodeTicketClaims, isPathCovered, openBillableTicket, ticketJson, ticketSchema, verifyTicket } from './ticket.ts'
import { TicketMacKey } from './ticket-mac.ts'
import type { Ticket, TicketRequest } from './ticket.ts'

const master = randomBytes(32)
const impostorMaster = randomBytes(32)
const nodeId = nodeIdFromPublicKey(generateKeyPair().publicKey)
const otherNodeId = nodeIdFromPublicKey(generateKeyPair().publicKey)
const nodeKey = deriveNodeTicketKey(master, 'k1', nodeId)
const coordinatorKey = deriveCoordinatorTicketKey(master, 'k1')
const keys = { nodeKey: new TicketMacKey(nodeKey), coordinatorKey: new TicketMacKey(coordinatorKey) }
/** What the node holds: its own key for k1. */
const nodeRing = new TicketKeyRing([{ kid: 'k1', key: nodeKey }])
const nodeKeys = (kid: string) => nodeRing.get(kid)
/** What coordinators hold and nodes never do. */
const coordinatorRing = new TicketKeyRing([{ kid: 'k1', key: coordinatorKey }])
const coordinatorKeys = (kid: string) => coordinatorRing.get(kid)
const issuedAt = 1_700_000_000_000
const ticket: Ticket = ticketSchema.parse({
  v: 3,
  kid: 'k1',
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
const token = encodeTicket(keys, ticket)

/** A tag as the protocol defines it, from @noble/hashes' BLAKE3 (an independent implementation). */
function mac(key: Uint8Array, bytes: Uint8Array): string {
  return encodeBase64Url(blake3(bytes, { key }).subarray(0, 16))
}

/** An HMAC-SHA256-128 tag, as ticket v2 had (ADR 0016): what an old coordinator would issue. */
function hmacTag(key: Uint8Array, bytes: Uint8Array): string {
  return encodeBase64Url(createHmac('sha256', key).update(bytes).digest().subarray(0, 16))
}

/** A token tagged the v2 way (two HMACs) over this JSON. */
function hmacToken(json: string): string {
  const bytes = Buffer.from(json, 'utf8')
  return `${encodeBase64Url(bytes)}.${hmacTag(nodeKey, bytes)}.${hmacTag(coordinatorKey, bytes)}`
}

/** Tags arbitrary JSON text as a ticket would be, to forge well-tagged malformed tokens. */
function signedToken(json: string): string {
  const bytes = Buffer.from(json, 'utf8')
  return `${encodeBase64Url(bytes)}.${mac(nodeKey, bytes)}.${mac(coordinatorKey, bytes)}`
}

describe('encodeTicket', () => {
  it('carries the upstreams of an ipfs zone: a token without them would send the node to the plain CDN path', () => {
    const withUpstreams = { ...ticket, upstreams: ['https://up-1.example'] }
    const parsed: unknown = JSON.parse(Buffer.from(encodeTicket(keys, withUpstreams).split('.')[0] ?? '', 'base64url').toString('utf8'))
    assert.ok(typeof parsed === 'object' && parsed !== null && 'upstreams' in parsed)
    assert.deepEqual(parsed.upstreams, ['https://up-1.example'])
  })

  it('writes every field the ticket schema knows (a field left out of ticketJson would silently vanish from tokens)', () => {
    const full = { ...ticket, origin: 'https://o.example', zoneId: 'zon_abcdefghijklmnopqrst', upstreams: ['https://up-1.example'] }
    const written: unknown = JSON.parse(ticketJson(full))
    assert.ok(typeof written === 'object' && written !== null)
    assert.deepEqual(Object.keys(written).sort(), Object.keys(ticketSchema.shape).sort())
  })

  it('writes exactly the canonical JSON of the ticket, with and without optional fields', () => {
    for (const value of [ticket, { ...ticket, origin: 'https://o.example/a"b', zoneId: 'zon_abcdefghijklmnopqrst' }, { ...ticket, path: '/caf\u00e9/\u2028' }, { ...ticket, upstreams: ['https://up-1.example', 'https://up-2.example'] }]) {
      assert.equal(ticketJson(value), canonicalJson(value))
    }
  })

  it('gives the same token from claims and a key id (the issuer path) as from the whole ticket', () => {
    for (const value of [ticket, { ...ticket, origin: 'https://o.example/a"b', zoneId: 'zon_abcdefghijklmnopqrst' }, { ...ticket, path: '/caf\u00e9/\u2028' }, { ...ticket, upstreams: ['https://up-1.example'] }]) {
      const { v: _v, kid, ...claims } = value
      assert.equal(encodeTicketClaims(keys, kid, claims), encodeTicket(keys, value))
    }
  })

  it('writes base64url(canonical JSON) "." nodeTag "." coordTag, URL-safe', () => {
    const [payload, nodeTag, coordTag, ...rest] = token.split('.')
    assert.equal(rest.length, 0)
    assert.equal(Buffer.from(payload ?? '', 'base64url').toString(), canonicalJson(ticket))
    assert.equal(Buffer.from(nodeTag ?? '', 'base64url').length, 16)
    assert.equal(Buffer.from(coordTag ?? '', 'base64url').length, 16)
    assert.notEqual(nodeTag, coordTag)
    assert.equal(encodeURIComponent(token), token)
  })
})

describe('verifyTicket', () => {
  it('accepts a valid ticket and returns it parsed', () => {
    assert.deepEqual(verifyTicket(token, nodeKeys, request), { ok: true, ticket })
  })

  const [payloadPart = '', signaturePart = '', coordPart = ''] = token.split('.')
  const otherTicketToken = encodeTicket(keys, { ...ticket, nonce: 'tn_zzzzzzzzzzzzzzzzzzzz' })
  const otherSignature = otherTicketToken.split('.')[1] ?? ''
  const json = canonicalJson(ticket)
  const malformed: [string, string][] = [
    ['an empty token', ''],
    ['no dot', payloadPart],
    ['one dot (the old ed25519 shape)', `${payloadPart}.${signaturePart}`],
    ['three dots', `${token}.x`],
    ['a truncated payload', `${payloadPart.slice(0, -3)}.${signaturePart}.${coordPart}`],
    ['a payload with a non-alphabet character', `${payloadPart.slice(0, -1)}*.${signaturePart}.${coordPart}`],
    ['standard-base64 padding', `${payloadPart}==.${signaturePart}.${coordPart}`],
    ['a tag with a non-alphabet character', `${payloadPart}.${signaturePart.slice(0, -1)}*.${coordPart}`],
    ['a payload that is not JSON', signedToken('{"v":3,')],
    ['a payload that is not UTF-8', `${encodeBase64Url(Uint8Array.from([0xff, 0xfe]))}.${signaturePart}.${coordPart}`],
    ['a tagged payload with an extra key', signedToken(canonicalJson({ ...ticket, admin: true }))],
    ['a tagged payload of version 1', signedToken(canonicalJson({ ...ticket, v: 1 }))],
    ['a tagged payload of version 2', signedToken(canonicalJson({ ...ticket, v: 2 }))],
    ['a v2 token as an old coordinator issued it (HMAC-SHA256 tags)', hmacToken(canonicalJson({ ...ticket, v: 2 }))],
    ['a tagged payload without a key id', signedToken(canonicalJson({ ...ticket, kid: undefined }))],
    ['a signed payload with a numeric byte budget', signedToken(json.replace('"byteBudget":"1073741824"', '"byteBudget":1073741824'))],
    ['a signed payload with a huge byte budget', signedToken(json.replace('"1073741824"', `"${'9'.repeat(40)}"`))],
    ['a signed payload with a negative byte budget', signedToken(json.replace('"1073741824"', '"-1"'))],
    ['a signed payload expiring before it is issued', signedToken(canonicalJson({ ...ticket, expiresAt: issuedAt - 1 }))],
    ['a signed payload with a relative path', signedToken(canonicalJson({ ...ticket, path: 'img/logo.png' }))],
    ['a signed payload with a /16 client', signedToken(canonicalJson({ ...ticket, client: '203.0.0.0/16' }))],
    ['a signed JSON array', signedToken('[]')],
    ['a token over 4096 characters', `${'A'.repeat(4096)}.${signaturePart}.${coordPart}`],
  ]
  for (const [name, bad] of malformed) {
    it(`rejects ${name} as malformed`, () => {
      assert.deepEqual(verifyTicket(bad, nodeKeys, request), { ok: false, reason: 'malformed' })
      assert.deepEqual(openBillableTicket(bad, coordinatorKeys), { ok: false, reason: 'malformed' })
    })
  }

  const badSignatures: [string, string][] = [
    ['a missing tag', `${payloadPart}..${coordPart}`],
    ['a truncated tag', `${payloadPart}.${signaturePart.slice(0, -2)}.${coordPart}`],
    ['a swapped tag (from another ticket)', `${payloadPart}.${otherSignature}.${coordPart}`],
    ['a tag from another master secret', encodeTicket({ nodeKey: new TicketMacKey(deriveNodeTicketKey(impostorMaster, 'k1', nodeId)), coordinatorKey: keys.coordinatorKey }, ticket)],
    ['the coordinator tag in the node tag place', `${payloadPart}.${coordPart}.${coordPart}`],
    ['a v3 payload with HMAC-SHA256 tags under the right keys', hmacToken(canonicalJson(ticket))],
    ['a payload re-serialized with other key order', `${encodeBase64Url(Buffer.from(JSON.stringify({ ...ticket, byteBudget: '1073741824' })))}.${signaturePart}.${coordPart}`],
    ['a tampered payload with the original tags', `${encodeBase64Url(Buffer.from(canonicalJson({ ...ticket, byteBudget: 10n ** 15n })))}.${signaturePart}.${coordPart}`],
  ]
  for (const [name, bad] of badSignatures) {
    it(`rejects ${name} as bad-signature`, () => {
      assert.deepEqual(verifyTicket(bad, nodeKeys, request), { ok: false, reason: 'bad-signature' })
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
      assert.deepEqual(verifyTicket(token, nodeKeys, { ...request, ...change }), { ok: false, reason })
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
      assert.equal(verifyTicket(token, nodeKeys, { ...request, ...change }).ok, true)
    })
  }

  it('never throws on non-string input', () => {
    assert.deepEqual(verifyTicket(42 as unknown as string, nodeKeys, request), { ok: false, reason: 'malformed' })
    assert.deepEqual(verifyTicket(token, () => undefined, request), { ok: false, reason: 'unknown-key' })
  })

  it('checks a prefix ticket against paths under it', () => {
    const prefixToken = encodeTicket(keys, { ...ticket, path: '/img', prefix: true })
    assert.equal(verifyTicket(prefixToken, nodeKeys, { ...request, path: '/img/a/b.png' }).ok, true)
    assert.deepEqual(verifyTicket(prefixToken, nodeKeys, { ...request, path: '/imgs/a.png' }), { ok: false, reason: 'wrong-path' })
  })

  it('never verifies a ticket for node A on node B, even with the node id in the request forged', () => {
    const ringOfB = new TicketKeyRing([{ kid: 'k1', key: deriveNodeTicketKey(master, 'k1', otherNodeId) }])
    assert.deepEqual(verifyTicket(token, (kid) => ringOfB.get(kid), { ...request, nodeId: otherNodeId }), { ok: false, reason: 'bad-signature' })
    assert.deepEqual(verifyTicket(token, (kid) => ringOfB.get(kid), request), { ok: false, reason: 'bad-signature' })
  })

  it('refuses a ticket whose key id the node does not hold as unknown-key', () => {
    const k2 = encodeTicket({ nodeKey: new TicketMacKey(deriveNodeTicketKey(master, 'k2', nodeId)), coordinatorKey: keys.coordinatorKey }, { ...ticket, kid: 'k2' })
    assert.deepEqual(verifyTicket(k2, nodeKeys, request), { ok: false, reason: 'unknown-key' })
  })
})

describe('openBillableTicket', () => {
  it('opens a coordinator-issued ticket with the coordinators key alone (no record of the redirect)', () => {
    assert.deepEqual(openBillableTicket(token, coordinatorKeys), { ok: true, ticket })
  })

  it('refuses a ticket a node minted with its own node key: it cannot make the coord tag', () => {
    const minted = { ...ticket, nonce: 'tn_mintedmintedminted1', byteBudget: 10n ** 15n }
    const json = Buffer.from(canonicalJson(minted))
    // The node knows its node key, so its node tag is right; the coord tag it can only guess.
    const forged = `${encodeBase64Url(json)}.${mac(nodeKey, json)}.${mac(nodeKey, json)}`
    assert.equal(verifyTicket(forged, nodeKeys, request).ok, true)
    assert.deepEqual(openBillableTicket(forged, coordinatorKeys), { ok: false, reason: 'bad-signature' })
  })

  it('refuses a coordinator tag made the v2 way (HMAC-SHA256 under the coordinator key) as bad-signature', () => {
    assert.deepEqual(openBillableTicket(hmacToken(canonicalJson(ticket)), coordinatorKeys), { ok: false, reason: 'bad-signature' })
  })

  it('refuses a ticket whose key id no coordinator holds any more as unknown-key', () => {
    assert.deepEqual(openBillableTicket(token, () => undefined), { ok: false, reason: 'unknown-key' })
  })
})

describe('key rotation', () => {
  it('a node holding the old and the new key accepts tickets of both during the overlap', () => {
    const newNodeKey = deriveNodeTicketKey(master, 'k2', nodeId)
    const overlap = new TicketKeyRing([
      { kid: 'k1', key: nodeKey },
      { kid: 'k2', key: newNodeKey },
    ])
    const newToken = encodeTicket({ nodeKey: new TicketMacKey(newNodeKey), coordinatorKey: new TicketMacKey(deriveCoordinatorTicketKey(master, 'k2')) }, { ...ticket, kid: 'k2' })
    assert.equal(verifyTicket(token, (kid) => overlap.get(kid), request).ok, true)
    assert.equal(verifyTicket(newToken, (kid) => overlap.get(kid), request).ok, true)
  })

  it('derives different keys per node, per key id and per role', () => {
    const all = [nodeKey, deriveNodeTicketKey(master, 'k2', nodeId), deriveNodeTicketKey(master, 'k1', otherNodeId), coordinatorKey, deriveCoordinatorTicketKey(master, 'k2')]
    assert.equal(new Set(all.map((key) => Buffer.from(key).toString('hex'))).size, all.length)
    assert.deepEqual(deriveNodeTicketKey(master, 'k1', nodeId), nodeKey)
  })
})

describe('ticket origin', () => {
  it('carries the zone origin signed with the ticket, and stays optional', () => {
    const withOrigin = { ...ticket, origin: 'https://origin.example.com/static' }
    const verified = verifyTicket(encodeTicket(keys, withOrigin), nodeKeys, request)
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
