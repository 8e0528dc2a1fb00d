import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { endToEndHeaders, parseAbsoluteTarget, unsupportedTransferCoding } from './http-proxy-request.ts'

describe('absolute-form request targets (RFC 9112 §3.2.2)', () => {
  it('reads host, port, path and the Host field to send', () => {
    assert.deepEqual(parseAbsoluteTarget('http://example.com/a?b=1'), { ok: true, host: 'example.com', port: 80, hostHeader: 'example.com', path: '/a?b=1' })
    assert.deepEqual(parseAbsoluteTarget('HTTP://Example.com:8080'), { ok: true, host: 'example.com', port: 8080, hostHeader: 'example.com:8080', path: '/' })
    assert.deepEqual(parseAbsoluteTarget('http://[::1]:81/x'), { ok: true, host: '::1', port: 81, hostHeader: '[::1]:81', path: '/x' })
  })
  const refused: readonly (readonly [string, string, 400 | 501])[] = [
    ['origin-form', '/path', 400],
    ['asterisk-form', '*', 400],
    ['https in absolute form', 'https://example.com/', 400],
    ['another scheme', 'ftp://example.com/', 400],
    ['no authority', 'http:/example.com/', 400],
    ['empty authority', 'http:///x', 400],
    ['userinfo (RFC 9110 §4.2.4)', 'http://user:pw@example.com/', 400],
    ['port 0', 'http://example.com:0/', 400],
    ['port above 65535', 'http://example.com:65536/', 400],
    ['garbage', 'http://exa mple.com/', 400],
  ]
  for (const [name, target, status] of refused) {
    it(`${name} → ${status}`, () => {
      assert.deepEqual({ ...parseAbsoluteTarget(target), message: '' }, { ok: false, status, message: '' })
    })
  }
})

describe('transfer codings in requests (RFC 9112 §6.1)', () => {
  it('accepts none or chunked alone', () => {
    assert.equal(unsupportedTransferCoding({}), false)
    assert.equal(unsupportedTransferCoding({ 'transfer-encoding': ' Chunked ' }), false)
  })
  it('refuses any other coding', () => assert.equal(unsupportedTransferCoding({ 'transfer-encoding': 'gzip, chunked' }), true))
})

describe('end-to-end fields (RFC 9110 §7.6.1)', () => {
  it('drops the hop-by-hop fields, the proxy\'s own, Host, and whatever Connection or Proxy-Connection names', () => {
    const kept = endToEndHeaders({
      host: 'elsewhere.example',
      connection: 'keep-alive, X-Secret,,  X-Other ',
      'proxy-connection': 'x-proxy-listed',
      'keep-alive': 'timeout=5',
      'proxy-authorization': 'Basic eDp5',
      'proxy-authenticate': 'Basic',
      te: 'trailers',
      trailer: 'x-t',
      'transfer-encoding': 'chunked',
      upgrade: 'h2c',
      'x-secret': 's',
      'x-other': 'o',
      'x-proxy-listed': 'p',
      'x-end': 'e',
      'set-cookie': ['a=1', 'b=2'],
    })
    assert.deepEqual(kept, { 'x-end': 'e', 'set-cookie': ['a=1', 'b=2'] })
  })
})
