import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { clientFieldFor, isClientCovered, ticketClientSchema } from './ticket-client.ts'

describe('isClientCovered', () => {
  const cases: [string, string, boolean][] = [
    // One address.
    ['203.0.113.7', '203.0.113.7', true],
    ['203.0.113.7', '203.0.113.8', false],
    ['2001:db8::1', '2001:db8::1', true],
    ['2001:db8::1', '2001:0db8:0000::0001', true],
    ['2001:db8::1', '2001:db8::2', false],
    // IPv4-mapped IPv6 (RFC 4291 §2.5.5.2), as dual-stack sockets report IPv4 clients.
    ['203.0.113.7', '::ffff:203.0.113.7', true],
    ['203.0.113.7', '::ffff:cb00:7107', true],
    ['::ffff:203.0.113.7', '203.0.113.7', true],
    ['203.0.113.7', '::ffff:203.0.113.8', false],
    // IPv4 /24.
    ['203.0.113.0/24', '203.0.113.0', true],
    ['203.0.113.0/24', '203.0.113.255', true],
    ['203.0.113.0/24', '203.0.114.1', false],
    ['203.0.113.0/24', '::ffff:203.0.113.99', true],
    ['203.0.113.0/24', '::ffff:203.0.114.99', false],
    ['203.0.113.0/24', '2001:db8::1', false],
    // IPv6 /48.
    ['2001:db8:1::/48', '2001:db8:1:ffff:ffff:ffff:ffff:ffff', true],
    ['2001:db8:1::/48', '2001:db8:2::1', false],
    ['2001:db8:1::/48', '203.0.113.7', false],
    ['2001:db8:1:2::5/48', '2001:db8:1:9::1', true],
    // Unparsable or out-of-policy input never matches.
    ['203.0.113.0/16', '203.0.5.5', false],
    ['203.0.113.0/32', '203.0.113.0', false],
    ['2001:db8:1::/64', '2001:db8:1::1', false],
    ['203.0.113.0/48', '203.0.113.1', false],
    ['2001:db8::/24', '2001:db8::1', false],
    ['::/48', '::ffff:203.0.113.7', false],
    ['::ffff:203.0.113.0/48', '203.0.113.7', false],
    ['0.0.0.0/0', '203.0.113.7', false],
    ['203.0.113.7', 'not-an-ip', false],
    ['203.0.113.7', '', false],
    ['fe80::1%eth0', 'fe80::1', false],
    ['fe80::1', 'fe80::1%eth0', false],
    ['203.0.113.07', '203.0.113.7', false],
    ['', '203.0.113.7', false],
    ['*', '203.0.113.7', false],
  ]
  for (const [field, ip, covered] of cases) {
    it(`${covered ? 'covers' : 'does not cover'} ${ip || '(empty)'} with "${field}"`, () => {
      assert.equal(isClientCovered(field, ip), covered)
    })
  }
})

describe('ticketClientSchema', () => {
  for (const field of ['203.0.113.7', '203.0.113.0/24', '2001:db8::1', '2001:db8:1::/48', '::ffff:203.0.113.7']) {
    it(`accepts "${field}"`, () => {
      assert.equal(ticketClientSchema.safeParse(field).success, true)
    })
  }
  for (const field of ['203.0.113.0/16', '::/48', 'example.com', '203.0.113.7 ', 7]) {
    it(`rejects ${JSON.stringify(field)}`, () => {
      assert.equal(ticketClientSchema.safeParse(field).success, false)
    })
  }
})

describe('clientFieldFor', () => {
  const cases: [string, 'address' | 'network', string | undefined][] = [
    ['203.0.113.7', 'address', '203.0.113.7'],
    ['203.0.113.7', 'network', '203.0.113.0/24'],
    ['::ffff:203.0.113.7', 'network', '203.0.113.0/24'],
    ['::ffff:203.0.113.7', 'address', '203.0.113.7'],
    ['::ffff:cb00:7107', 'address', '203.0.113.7'],
    ['2001:db8:1:2::5', 'network', '2001:db8:1:2::5/48'],
    ['::1', 'network', '::1'],
    ['garbage', 'address', undefined],
  ]
  for (const [ip, scope, field] of cases) {
    it(`writes the ${scope} of ${ip} as ${field ?? 'nothing'}`, () => {
      assert.equal(clientFieldFor(ip, scope), field)
    })
  }

  it('produces fields that cover the address they were made for', () => {
    for (const ip of ['198.51.100.20', '::ffff:198.51.100.20', '2001:db8:aa::7']) {
      for (const scope of ['address', 'network'] as const) {
        const field = clientFieldFor(ip, scope)
        assert.ok(field !== undefined && isClientCovered(field, ip), `${scope} ${ip}`)
      }
    }
  })
})
