import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { buildSocksReply, parseSocksGreeting, parseSocksRequest, parseSocksUserPass, SOCKS_REPLY } from './socks5-messages.ts'

const b = (...bytes: number[]): Uint8Array => Uint8Array.from(bytes)
const text = (value: string): number[] => Array.from(Buffer.from(value))

describe('SOCKS5 greeting (RFC 1928 §3)', () => {
  const cases: readonly (readonly [string, Uint8Array, string])[] = [
    ['empty', b(), 'incomplete'],
    ['version only', b(5), 'incomplete'],
    ['methods still coming', b(5, 2, 0), 'incomplete'],
    ['one method', b(5, 1, 2), 'ok'],
    ['SOCKS4', b(4, 1, 0, 80, 127, 0, 0, 1, 0), 'invalid'],
    ['HTTP text', b(...text('GET / HTTP/1.1\r\n')), 'invalid'],
    ['zero methods', b(5, 0), 'invalid'],
  ]
  for (const [name, bytes, status] of cases) {
    it(`${name} → ${status}`, () => assert.equal(parseSocksGreeting(bytes).status, status))
  }
  it('reads the methods and what it consumed', () => {
    assert.deepEqual(parseSocksGreeting(b(5, 2, 0, 2, 99)), { status: 'ok', value: { methods: [0, 2] }, consumed: 4 })
  })
})

describe('SOCKS5 username/password (RFC 1929 §2)', () => {
  it('reads username and password', () => {
    const bytes = b(1, 3, ...text('abc'), 2, ...text('pw'))
    assert.deepEqual(parseSocksUserPass(bytes), { status: 'ok', value: { username: 'abc', password: 'pw' }, consumed: 8 })
  })
  it('waits for the rest', () => assert.equal(parseSocksUserPass(b(1, 3, 97)).status, 'incomplete'))
  it('refuses version 5 here', () => assert.equal(parseSocksUserPass(b(5, 1, 97, 1, 98)).status, 'invalid'))
  it('refuses empty fields', () => {
    assert.equal(parseSocksUserPass(b(1, 0, 1, 98)).status, 'invalid')
    assert.equal(parseSocksUserPass(b(1, 1, 97, 0)).status, 'invalid')
  })
})

describe('SOCKS5 request (RFC 1928 §4, §5)', () => {
  it('reads IPv4 CONNECT', () => {
    assert.deepEqual(parseSocksRequest(b(5, 1, 0, 1, 127, 0, 0, 1, 0x1f, 0x90)), { status: 'ok', value: { command: 1, addressType: 'ipv4', host: '127.0.0.1', port: 8080 }, consumed: 10 })
  })
  it('reads IPv6 CONNECT', () => {
    const parsed = parseSocksRequest(b(5, 1, 0, 4, ...new Array<number>(15).fill(0), 1, 0, 80))
    assert.deepEqual(parsed.status === 'ok' ? parsed.value : undefined, { command: 1, addressType: 'ipv6', host: '0:0:0:0:0:0:0:1', port: 80 })
  })
  it('keeps a domain as text for remote DNS', () => {
    const parsed = parseSocksRequest(b(5, 1, 0, 3, 11, ...text('example.com'), 1, 187))
    assert.deepEqual(parsed.status === 'ok' ? parsed.value : undefined, { command: 1, addressType: 'domain', host: 'example.com', port: 443 })
  })
  it('parses BIND so the server can answer "command not supported"', () => {
    const parsed = parseSocksRequest(b(5, 2, 0, 1, 1, 2, 3, 4, 0, 80))
    assert.equal(parsed.status === 'ok' ? parsed.value.command : undefined, 2)
  })
  const bad: readonly (readonly [string, Uint8Array, string])[] = [
    ['short', b(5, 1, 0, 1, 127), 'incomplete'],
    ['wrong version', b(4, 1, 0, 1, 1, 2, 3, 4, 0, 80), 'invalid'],
    ['reserved not zero', b(5, 1, 1, 1, 1, 2, 3, 4, 0, 80), 'invalid'],
    ['unknown address type', b(5, 1, 0, 9, 1, 2, 3, 4, 0, 80), 'bad-address-type'],
    ['empty domain', b(5, 1, 0, 3, 0, 0, 80), 'invalid'],
    ['domain with a space', b(5, 1, 0, 3, 3, ...text('a b'), 0, 80), 'invalid'],
    ['domain with a NUL', b(5, 1, 0, 3, 3, 97, 0, 98, 0, 80), 'invalid'],
  ]
  for (const [name, bytes, status] of bad) {
    it(`${name} → ${status}`, () => assert.equal(parseSocksRequest(bytes).status, status))
  }
})

describe('SOCKS5 reply (RFC 1928 §6)', () => {
  it('is VER REP RSV ATYP=1 0.0.0.0:0', () => {
    assert.deepEqual(Array.from(buildSocksReply(SOCKS_REPLY.notAllowedByRuleset)), [5, 2, 0, 1, 0, 0, 0, 0, 0, 0])
  })
})
