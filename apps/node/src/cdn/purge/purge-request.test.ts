import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parsePurgeRequest } from './purge-request.ts'

const origin = new URL('http://127.0.0.1:8000')

describe('parsePurgeRequest', () => {
  it('resolves paths against the origin', () => {
    assert.deepEqual(parsePurgeRequest('{"urls":["/a.js?v=1"],"prefixes":["/img/"]}', origin), {
      ok: true,
      request: { urls: ['http://127.0.0.1:8000/a.js?v=1'], prefixes: ['http://127.0.0.1:8000/img/'] },
    })
  })
  it('accepts absolute URLs on the origin', () => {
    const result = parsePurgeRequest('{"urls":["http://127.0.0.1:8000/x"]}', origin)
    assert.equal(result.ok, true)
  })
  it('refuses URLs of another origin', () => {
    assert.equal(parsePurgeRequest('{"urls":["http://example.com/x"]}', origin).ok, false)
  })
  it('refuses a body that is not JSON', () => {
    assert.deepEqual(parsePurgeRequest('{', origin), { ok: false, message: 'The body is not JSON.' })
  })
  it('refuses unknown fields and wrong types', () => {
    assert.equal(parsePurgeRequest('{"url":"/x"}', origin).ok, false)
    assert.equal(parsePurgeRequest('{"urls":"/x"}', origin).ok, false)
  })
  it('refuses an empty purge', () => {
    assert.equal(parsePurgeRequest('{}', origin).ok, false)
  })
})
