import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parsePlainRequestHead } from './plain-request-head.ts'
import type { PlainRequestHead } from './plain-request-head.ts'

const limits = { maxHeadBytes: 1024, maxHeaderCount: 5 }

function parse(text: string, start = 0, parseLimits = limits): PlainRequestHead {
  return parsePlainRequestHead(Buffer.from(text, 'latin1'), start, parseLimits)
}

describe('parsePlainRequestHead', () => {
  it('reads a plain GET and says where the next request starts', () => {
    const text = 'GET /a/b?c=1&d=%20 HTTP/1.1\r\nHost: x\r\nUser-Agent: wrk\r\n\r\nGET'
    assert.deepEqual(parse(text), { kind: 'request', isHead: false, target: '/a/b?c=1&d=%20', wantsClose: false, endOffset: text.length - 3 })
  })

  it('reads HEAD, a request at an offset, and Connection: close in any case', () => {
    const text = 'xxHEAD / HTTP/1.1\r\nhost:x\r\nConnection: \tClose \r\n\r\n'
    assert.deepEqual(parse(text, 2), { kind: 'request', isHead: true, target: '/', wantsClose: true, endOffset: text.length })
  })

  it('accepts Content-Length: 0 once and Connection: keep-alive', () => {
    const result = parse('GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: keep-alive\r\n\r\n')
    assert.equal(result.kind, 'request')
    assert.equal(result.wantsClose, false)
  })

  it('is incomplete at every proper prefix of a plain request', () => {
    const text = 'GET /x HTTP/1.1\r\nHost: x\r\nAccept: */*\r\n\r\n'
    for (let length = 0; length < text.length; length++) assert.equal(parse(text.slice(0, length)).kind, 'incomplete', `prefix of ${length} bytes`)
    assert.equal(parse(text).kind, 'request')
  })

  // Every one of these must go to node:http untouched (RFC 9112 §11.2: smuggling lives here).
  const handedOver: ReadonlyArray<readonly [string, string]> = [
    ['CL + TE', 'GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nTransfer-Encoding: chunked\r\n\r\n'],
    ['TE: chunked', 'GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n'],
    ['TE with odd case and spacing', 'GET / HTTP/1.1\r\nHost: x\r\ntRaNsFeR-eNcOdInG :chunked\r\n\r\n'],
    ['TE: identity', 'GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: identity\r\n\r\n'],
    ['duplicate Content-Length', 'GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nContent-Length: 0\r\n\r\n'],
    ['Content-Length other than 0', 'GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello'],
    ['Content-Length 00', 'GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 00\r\n\r\n'],
    ['Content-Length list', 'GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 0, 0\r\n\r\n'],
    ['obs-fold', 'GET / HTTP/1.1\r\nHost: x\r\nX-A: a\r\n b\r\n\r\n'],
    ['obs-fold with a tab', 'GET / HTTP/1.1\r\nHost: x\r\nX-A: a\r\n\tTransfer-Encoding: chunked\r\n\r\n'],
    ['bare LF line ends', 'GET / HTTP/1.1\nHost: x\n\n'],
    ['a bare LF in a field', 'GET / HTTP/1.1\r\nHost: x\nX: y\r\n\r\n'],
    ['a bare CR in a value', 'GET / HTTP/1.1\r\nHost: x\r\nX: a\rb\r\n\r\n'],
    ['a NUL in a value', 'GET / HTTP/1.1\r\nHost: x\r\nX: a\u0000b\r\n\r\n'],
    ['a NUL in the target', 'GET /a\u0000b HTTP/1.1\r\nHost: x\r\n\r\n'],
    ['non-ASCII in a value', 'GET / HTTP/1.1\r\nHost: x\r\nX: caf\u00e9\r\n\r\n'],
    ['whitespace before the colon', 'GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding : chunked\r\n\r\n'],
    ['an empty field name', 'GET / HTTP/1.1\r\nHost: x\r\n: v\r\n\r\n'],
    ['absolute-form target', 'GET http://x/ HTTP/1.1\r\nHost: x\r\n\r\n'],
    ['asterisk-form target', 'GET * HTTP/1.1\r\nHost: x\r\n\r\n'],
    ['a fragment', 'GET /a#b HTTP/1.1\r\nHost: x\r\n\r\n'],
    ['a space in the target', 'GET /a b HTTP/1.1\r\nHost: x\r\n\r\n'],
    ['two spaces after the method', 'GET  / HTTP/1.1\r\nHost: x\r\n\r\n'],
    ['HTTP/1.0', 'GET / HTTP/1.0\r\nHost: x\r\n\r\n'],
    ['HTTP/0.9', 'GET /\r\n\r\n'],
    ['the HTTP/2 preface', 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'],
    ['a lowercase method', 'get / HTTP/1.1\r\nHost: x\r\n\r\n'],
    ['POST', 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n'],
    ['a leading empty line', '\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n'],
    ['no Host', 'GET / HTTP/1.1\r\nAccept: */*\r\n\r\n'],
    ['two Hosts', 'GET / HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n'],
    ['Expect', 'GET / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n\r\n'],
    ['Upgrade', 'GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n'],
    ['Connection: upgrade', 'GET / HTTP/1.1\r\nHost: x\r\nConnection: upgrade\r\n\r\n'],
    ['a Connection list', 'GET / HTTP/1.1\r\nHost: x\r\nConnection: keep-alive, close\r\n\r\n'],
    ['two Connection fields', 'GET / HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\nConnection: close\r\n\r\n'],
    ['Range', 'GET / HTTP/1.1\r\nHost: x\r\nRange: bytes=0-1\r\n\r\n'],
    ['If-None-Match', 'GET / HTTP/1.1\r\nHost: x\r\nIf-None-Match: "a"\r\n\r\n'],
    ['Authorization', 'GET / HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer t\r\n\r\n'],
    ['request Cache-Control', 'GET / HTTP/1.1\r\nHost: x\r\nCache-Control: no-cache\r\n\r\n'],
    ['Pragma', 'GET / HTTP/1.1\r\nHost: x\r\nPragma: no-cache\r\n\r\n'],
    ['too many fields', 'GET / HTTP/1.1\r\nHost: x\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\nE: 5\r\n\r\n'],
    ['a CR not followed by LF at the end', 'GET / HTTP/1.1\r\nHost: x\r\n\rX'],
  ]
  for (const [name, text] of handedOver) {
    it(`hands over ${name}`, () => assert.equal(parse(text).kind, 'other'))
  }

  it('hands over a head that reaches the size limit, complete or not', () => {
    const small = { maxHeadBytes: 40, maxHeaderCount: 5 }
    assert.equal(parse(`GET / HTTP/1.1\r\nHost: x\r\nX: ${'a'.repeat(30)}\r\n\r\n`, 0, small).kind, 'other')
    assert.equal(parse(`GET / HTTP/1.1\r\nHost: x\r\nX: ${'a'.repeat(30)}`, 0, small).kind, 'other')
    assert.equal(parse('GET / HTTP/1.1\r\nHost: x\r\n\r\n', 0, small).kind, 'request')
  })

  it('hands over a second request that follows Content-Length: 0 as its own head, not as a body', () => {
    const text = 'GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\nPOST /x HTTP/1.1\r\n'
    const first = parse(text)
    assert.equal(first.kind, 'request')
    assert.equal(parse(text, first.endOffset).kind, 'other')
  })
})
