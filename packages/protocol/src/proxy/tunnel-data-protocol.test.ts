import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { describe, it } from 'node:test'
import {
  buildDataHello,
  buildDataReply,
  buildDataRequest,
  DATA_HELLO_BYTES,
  dataGrantHeaders,
  isDataHelloAuthentic,
  parseDataGrant,
  parseDataHello,
  parseDataReply,
  parseDataRequest,
  parseTunnelOpening,
  TUNNEL_CONTROL_MAGIC,
} from './tunnel-data-protocol.ts'

const grant = { sessionId: randomBytes(16), key: randomBytes(32), idle: 8, max: 512 }

describe('data connection hello', () => {
  it('authenticates a hello built with the session key, for its own counter only', () => {
    const hello = parseDataHello(buildDataHello(grant, 41))
    assert.ok(hello !== undefined)
    assert.equal(hello.counter, 41)
    assert.equal(hello.sessionId, grant.sessionId.toString('base64url'))
    assert.equal(isDataHelloAuthentic(hello, grant.key), true)
    assert.equal(isDataHelloAuthentic(hello, randomBytes(32)), false)
    assert.equal(isDataHelloAuthentic({ ...hello, counter: 42 }, grant.key), false)
  })
  it('reads the control magic and refuses anything else', () => {
    assert.deepEqual(parseTunnelOpening(Buffer.concat([TUNNEL_CONTROL_MAGIC, Buffer.from('PRI *')])), { status: 'ok', value: 'control', consumed: 4 })
    assert.equal(parseTunnelOpening(Buffer.from('MS')).status, 'incomplete')
    assert.equal(parseTunnelOpening(buildDataHello(grant, 1).subarray(0, DATA_HELLO_BYTES - 1)).status, 'incomplete')
    assert.equal(parseTunnelOpening(Buffer.from('GET / HTTP/1.1')).status, 'invalid')
    const opening = parseTunnelOpening(Buffer.concat([buildDataHello(grant, 1), Buffer.from('x')]))
    assert.equal(opening.status === 'ok' && opening.consumed, DATA_HELLO_BYTES)
  })
})

describe('data grant headers', () => {
  it('round-trips and refuses malformed or out-of-range values', () => {
    const parsed = parseDataGrant(dataGrantHeaders(grant))
    assert.deepEqual(parsed && { ...parsed, sessionId: Buffer.from(parsed.sessionId), key: Buffer.from(parsed.key) }, grant)
    const headers = dataGrantHeaders(grant)
    for (const [name, value] of [['meson-data-key', 'short'], ['meson-data-session', grant.key.toString('base64url')], ['meson-data-idle', '65'], ['meson-data-max', '-1'], ['meson-data-idle', '1e3']]) {
      assert.equal(parseDataGrant({ ...headers, [name ?? '']: value }), undefined, `${name}: ${value}`)
    }
  })
})

describe('data request and reply', () => {
  it('round-trips a request, waits for all of it and refuses oversized or foreign ones', () => {
    const bytes = buildDataRequest('[2001:db8::1]:443')
    assert.deepEqual(parseDataRequest(Buffer.concat([bytes, Buffer.from('rest')])), { status: 'ok', value: '[2001:db8::1]:443', consumed: bytes.length })
    assert.equal(parseDataRequest(bytes.subarray(0, bytes.length - 1)).status, 'incomplete')
    assert.equal(parseDataRequest(buildDataRequest('a'.repeat(301))).status, 'invalid')
    assert.equal(parseDataRequest(Buffer.from([0x02, 0, 1, 0x61])).status, 'invalid')
    assert.equal(parseDataRequest(Buffer.from([0x01, 0, 0])).status, 'invalid')
  })
  it('round-trips replies; an unknown refusal reads as connect-failed', () => {
    assert.deepEqual(parseDataReply(buildDataReply({ ok: true, exitAddress: '127.0.0.1' })), { status: 'ok', value: { ok: true, exitAddress: '127.0.0.1' }, consumed: 11 })
    assert.deepEqual(parseDataReply(buildDataReply({ ok: false, reason: 'monthly-cap' })), { status: 'ok', value: { ok: false, reason: 'monthly-cap' }, consumed: 13 })
    const odd = parseDataReply(Buffer.from([0x01, 3, 0x61, 0x62, 0x63]))
    assert.deepEqual(odd.status === 'ok' && odd.value, { ok: false, reason: 'connect-failed' })
    assert.equal(parseDataReply(Buffer.from([0x00, 5, 0x31])).status, 'incomplete')
    assert.equal(parseDataReply(Buffer.from([0x07])).status, 'invalid')
  })
})
