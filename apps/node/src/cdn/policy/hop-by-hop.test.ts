import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { stripHopByHop } from './hop-by-hop.ts'

describe('stripHopByHop (RFC 9110 §7.6.1)', () => {
  it('removes Connection, the fields it names, and the fixed hop-by-hop set', () => {
    const stripped = stripHopByHop({
      connection: 'close, X-Trace , keep-alive',
      'x-trace': '1',
      'keep-alive': 'timeout=5',
      'proxy-connection': 'keep-alive',
      te: 'trailers',
      'transfer-encoding': 'chunked',
      upgrade: 'h2c',
      'proxy-authenticate': 'Basic',
      'proxy-authorization': 'Basic secret',
      'content-type': 'text/plain',
      etag: '"v1"',
    })
    assert.deepEqual(stripped, { 'content-type': 'text/plain', etag: '"v1"' })
  })
  it('keeps everything when there is nothing hop-by-hop', () => {
    assert.deepEqual(stripHopByHop({ 'cache-control': 'max-age=1' }), { 'cache-control': 'max-age=1' })
  })
})
