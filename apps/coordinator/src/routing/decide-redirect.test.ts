import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { verifyTicket } from '@meson/protocol'
import type { AccountId } from '@meson/protocol'
import { createStaticCountryLookup } from './country-lookup.ts'
import { decideRedirect } from './decide-redirect.ts'
import type { DecideRedirectParameters, DecideRedirectResult } from './decide-redirect.ts'
import type { FleetNode } from './fleet-node.ts'
import { buildFleetView } from './fleet-view.ts'
import { testNode } from '../testing/test-fleet.ts'
import { nodeKeyLookup, testTicketKeys } from '../testing/test-ticket-keys.ts'
import { issueTicket } from '../tickets/issue-ticket.ts'
import type { TicketClaims } from '../tickets/issue-ticket.ts'
import { ZoneDirectory } from './zone-directory.ts'
import type { ZoneEntry } from './zone-directory.ts'

const ticketKeys = testTicketKeys()
const NOW = 1_700_000_000_000
const GERMAN_CLIENT = '198.51.100.7'
const NORTH_KOREAN_CLIENT = '198.51.100.66'
const geo = createStaticCountryLookup({
  [GERMAN_CLIENT]: { country: 'DE', continent: 'EU' },
  [NORTH_KOREAN_CLIENT]: { country: 'KP', continent: 'AS' },
})
const berlin = testNode('berlin', { publicUrl: 'http://203.0.113.10:8080/' })
const lan = testNode('lan', { country: 'local', continent: 'local', publicUrl: 'http://127.0.0.1:9001' })
const zone: ZoneEntry = {
  name: 'my-site',
  origin: 'https://origin.example.com',
  pricePerGiB: 1n,
  accountId: 'acc_aaaaaaaaaaaaaaaaaaaa' as AccountId, // a fixture id shaped like newAccountId()'s
  hasBalance: true,
  blockedCountries: ['KP'],
}
const zones = new ZoneDirectory([zone, { ...zone, name: 'broke', hasBalance: false }])
const signed: TicketClaims[] = []

function decide(overrides: Partial<DecideRedirectParameters> = {}, nodes: readonly FleetNode[] = [berlin, lan]): DecideRedirectResult {
  return decideRedirect({
    zone: 'my-site',
    path: '/img/logo.png',
    clientIp: GERMAN_CLIENT,
    now: NOW,
    fleet: buildFleetView(nodes),
    zones,
    geo,
    ticketTtlMs: 10 * 60_000,
    byteBudget: 1n << 30n,
    sign: (ticket) => {
      signed.push(ticket)
      return issueTicket(ticketKeys, ticket)
    },
    newNonce: () => 'tn_abcdefghijklmnopqrst',
    ...overrides,
  })
}

function redirectOf(result: DecideRedirectResult): Extract<DecideRedirectResult, { kind: 'redirect' }> {
  assert.equal(result.kind, 'redirect', result.kind)
  return result
}

describe('decideRedirect: redirects', () => {
  it('sends the client to the chosen node with a ticket the node accepts', () => {
    const result = redirectOf(decide())
    assert.equal(result.nodeId, berlin.nodeId)
    assert.equal(result.scope, 'country')
    const url = new URL(result.location)
    assert.equal(`${url.origin}${url.pathname}`, 'http://203.0.113.10:8080/z/my-site/img/logo.png')
    const token = url.searchParams.get('mt') ?? ''
    const verdict = verifyTicket(token, nodeKeyLookup(ticketKeys, berlin.nodeId), {
      now: NOW + 1000,
      nodeId: berlin.nodeId,
      zone: 'my-site',
      path: '/img/logo.png',
      clientIp: GERMAN_CLIENT,
    })
    assert.ok(verdict.ok, verdict.ok ? '' : verdict.reason)
    assert.deepEqual(verdict.ticket, {
      v: 3,
      kid: 'k1',
      zone: 'my-site',
      path: '/img/logo.png',
      prefix: false,
      nodeId: berlin.nodeId,
      client: GERMAN_CLIENT,
      issuedAt: NOW,
      expiresAt: NOW + 600_000,
      byteBudget: 1n << 30n,
      nonce: 'tn_abcdefghijklmnopqrst',
      origin: 'https://origin.example.com',
    })
    assert.equal(result.ticketNonce, 'tn_abcdefghijklmnopqrst')
    assert.equal(result.expiresAt, NOW + 600_000)
  })

  it("binds the ticket to the client's /24 when asked", () => {
    decide({ clientScope: 'network' })
    assert.equal(signed.at(-1)?.client, '198.51.100.0/24')
  })

  it('writes an IPv4-mapped client as plain IPv4 in the ticket', () => {
    redirectOf(decide({ clientIp: `::ffff:${GERMAN_CLIENT}` }))
    assert.equal(signed.at(-1)?.client, GERMAN_CLIENT)
  })

  it('sends a loopback client to a local node (the demo network)', () => {
    const result = redirectOf(decide({ clientIp: '127.0.0.1' }))
    assert.equal(result.nodeId, lan.nodeId)
    assert.ok(result.location.startsWith('http://127.0.0.1:9001/z/my-site/img/logo.png?mt='))
  })

  it('keeps the query, drops an old ticket from it, and puts the new ticket last', () => {
    const result = redirectOf(decide({ query: 'w=100&mt=stale.token&h=50&mt' }))
    assert.match(result.location, /\/z\/my-site\/img\/logo\.png\?w=100&h=50&mt=[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/)
  })

  it('uses the query as part of the object key (two variants may land on different nodes)', () => {
    const nodes = Array.from({ length: 40 }, (_, index) => testNode(`de-${index}`))
    const targets = new Set(Array.from({ length: 40 }, (_, variant) => redirectOf(decide({ query: `v=${variant}`, replicas: 1 }, nodes)).nodeId))
    assert.ok(targets.size > 1)
  })
})

describe('decideRedirect: every other answer', () => {
  const cases: readonly { readonly name: string; readonly overrides: Partial<DecideRedirectParameters>; readonly nodes?: readonly FleetNode[]; readonly kind: string }[] = [
    { name: 'an unknown zone', overrides: { zone: 'nobody' }, kind: 'zone-unknown' },
    { name: 'a zone name with upper case', overrides: { zone: 'My-Site' }, kind: 'zone-unknown' },
    { name: 'a zone name with a dot segment', overrides: { zone: '..' }, kind: 'zone-unknown' },
    { name: 'a zone name with a slash', overrides: { zone: 'my-site/../x' }, kind: 'zone-unknown' },
    { name: 'a zone name with percent-encoding', overrides: { zone: 'my%2dsite' }, kind: 'zone-unknown' },
    { name: 'a zone name like an object property', overrides: { zone: '__proto__' }, kind: 'zone-unknown' },
    { name: 'an empty zone name', overrides: { zone: '' }, kind: 'zone-unknown' },
    { name: 'a zone name of 64 characters', overrides: { zone: 'a'.repeat(64) }, kind: 'zone-unknown' },
    { name: 'a zone name with a non-ASCII letter', overrides: { zone: 'my-sité' }, kind: 'zone-unknown' },
    { name: 'a zone name with a newline', overrides: { zone: 'my-site\n' }, kind: 'zone-unknown' },
    { name: 'a buyer without balance', overrides: { zone: 'broke' }, kind: 'payment-required' },
    { name: 'a client from a blocked country', overrides: { clientIp: NORTH_KOREAN_CLIENT }, kind: 'country-blocked' },
    { name: 'a blocked country behind IPv4-mapped IPv6', overrides: { clientIp: `::ffff:${NORTH_KOREAN_CLIENT}` }, kind: 'country-blocked' },
    { name: 'no eligible node', overrides: {}, nodes: [], kind: 'origin-fallback' },
    { name: 'only overloaded nodes', overrides: {}, nodes: [{ ...berlin, load: 0.99 }], kind: 'origin-fallback' },
    { name: 'a public client when only local nodes exist', overrides: {}, nodes: [lan], kind: 'origin-fallback' },
    { name: 'a client GeoIP does not know, with a public node', overrides: { clientIp: '203.0.113.200' }, kind: 'redirect' },
    { name: 'a path with a dot segment', overrides: { path: '/img/../secret' }, kind: 'invalid-request' },
    { name: 'a path with an encoded dot segment', overrides: { path: '/img/%2e%2E/secret' }, kind: 'invalid-request' },
    { name: 'a path with a backslash', overrides: { path: '/img\\..\\x' }, kind: 'invalid-request' },
    { name: 'a path with a space', overrides: { path: '/a b' }, kind: 'invalid-request' },
    { name: 'a path without a leading slash', overrides: { path: 'img.png' }, kind: 'invalid-request' },
    { name: 'an empty path', overrides: { path: '' }, kind: 'invalid-request' },
    { name: 'a path over 2048 characters', overrides: { path: `/${'a'.repeat(2048)}` }, kind: 'invalid-request' },
    { name: 'a query with a fragment', overrides: { query: 'a=1#frag' }, kind: 'invalid-request' },
    { name: 'a query with a raw space', overrides: { query: 'a=1 2' }, kind: 'invalid-request' },
    { name: 'a query with non-ASCII', overrides: { query: 'q=ü' }, kind: 'invalid-request' },
    { name: 'a client address that is a host name', overrides: { clientIp: 'localhost' }, kind: 'invalid-request' },
    { name: 'an empty client address', overrides: { clientIp: '' }, kind: 'invalid-request' },
    { name: 'a client address with a zone id', overrides: { clientIp: 'fe80::1%eth0' }, kind: 'invalid-request' },
    { name: 'a client address with a port', overrides: { clientIp: '198.51.100.7:5555' }, kind: 'invalid-request' },
  ]
  for (const testCase of cases) {
    it(`answers ${testCase.kind} for ${testCase.name}`, () => {
      assert.equal(decide(testCase.overrides, testCase.nodes).kind, testCase.kind)
    })
  }

  it('falls back to the zone origin, with no ticket signed', () => {
    const before = signed.length
    const result = decide({}, [])
    assert.deepEqual(result.kind === 'origin-fallback' ? result.origin : undefined, 'https://origin.example.com')
    assert.equal(signed.length, before)
  })

  it('checks the zone before anything else (an unknown zone never reveals balance or blocks)', () => {
    assert.equal(decide({ zone: 'nobody', clientIp: 'bogus', path: '..' }).kind, 'zone-unknown')
  })
})

describe('decideRedirect: hot-link protection', () => {
  const guarded = new ZoneDirectory([{ ...zone, allowedReferrers: ['example.com', '*.example.org'] }])

  it('refuses a Referer from another site before any ticket is signed', () => {
    const before = signed.length
    assert.deepEqual(decide({ zones: guarded, referer: 'https://elsewhere.example.net/page' }), { kind: 'referrer-refused' })
    assert.equal(signed.length, before)
  })

  it('redirects an allowed Referer, a subdomain of a wildcard entry, and a request without one', () => {
    redirectOf(decide({ zones: guarded, referer: 'https://example.com/page' }))
    redirectOf(decide({ zones: guarded, referer: 'https://cdn.example.org/' }))
    redirectOf(decide({ zones: guarded }))
  })
})
