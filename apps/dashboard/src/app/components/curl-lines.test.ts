import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { proxyCurlLines, shellQuote } from './curl-lines.ts'

describe('proxyCurlLines', () => {
  it('puts the credentials into the HTTP and SOCKS5 endpoints, resolving names on the proxy', () => {
    const lines = proxyCurlLines({ username: 'u1', password: 'p2', http: 'http://127.0.0.1:7600', socks5: 'socks5://127.0.0.1:7601' })
    assert.equal(lines.http, 'curl --proxy http://u1:p2@127.0.0.1:7600 https://example.com/')
    assert.equal(lines.socks5, 'curl --proxy socks5h://u1:p2@127.0.0.1:7601 https://example.com/')
  })

  it('accepts bare host:port endpoints and escapes characters that are special in URLs and shells', () => {
    const lines = proxyCurlLines({ username: 'a b', password: "x'y@z", http: 'proxy.example:8080', socks5: 'proxy.example:1080' })
    assert.equal(lines.http, "curl --proxy 'http://a%20b:x'\\''y%40z@proxy.example:8080' https://example.com/")
    assert.match(lines.socks5, /^curl --proxy 'socks5h:\/\/a%20b:/)
  })

  it('quotes only what needs quoting', () => {
    assert.equal(shellQuote('https://a.example/x'), 'https://a.example/x')
    assert.equal(shellQuote('two words'), "'two words'")
  })
})
