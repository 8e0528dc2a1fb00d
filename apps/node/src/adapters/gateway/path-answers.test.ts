import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { base36 } from 'multiformats/bases/base36'
import { equals } from 'multiformats/bytes'
import { ASCII, useConformanceSetup } from '../../testing/gateway/conformance-setup.ts'
import type { ConformanceSetup } from '../../testing/gateway/conformance-setup.ts'

// Cases of the public ipfs gateway-conformance suite the neighbouring answer tests do not cover
// (path gateway details: Content-Disposition, redirects, listings, ranges, symlinks, CORS, IPNS),
// against a node gateway on loopback in front of a loopback upstream.

let setup: ConformanceSetup
useConformanceSetup((started) => {
  setup = started
})

describe('Content-Disposition (path gateway spec "filename", "download"; trustless raw)', () => {
  it('names a raw block ?filename= as an attachment, and a deserialized file inline or, with download=true, as an attachment', async () => {
    const raw = await setup.get(`/ipfs/${setup.fixtures.rawLeaf.cid.toString()}?filename=foobar.bin`, { accept: 'application/vnd.ipld.raw' })
    assert.equal(raw.headers.get('content-disposition'), 'attachment; filename="foobar.bin"')
    const path = `/ipfs/${setup.fixtures.dir.cid.toString()}/hello.txt`
    assert.equal((await setup.get(`${path}?filename=greeting.txt`)).headers.get('content-disposition'), 'inline; filename="greeting.txt"')
    assert.equal((await setup.get(`${path}?filename=greeting.txt&download=true`)).headers.get('content-disposition'), 'attachment; filename="greeting.txt"')
    const utf8 = await setup.get(`${path}?filename=${encodeURIComponent('テスト.txt')}`)
    assert.equal(utf8.headers.get('content-disposition'), `inline; filename="___.txt"; filename*=UTF-8''${encodeURIComponent('テスト.txt')}`)
    assert.equal((await setup.get(path)).headers.get('content-disposition'), null)
  })
})

describe('UnixFS paths and ranges (conformance TestUnixFSDirectoryListing, TestGatewayUnixFSFileRanges, TestGatewaySymlink)', () => {
  it('redirects a directory to its absolute /-terminated path, percent-encoding and query kept', async () => {
    const redirect = await setup.get(`/ipfs/${setup.duplicates.toString()}/ą/ę?filename=x`)
    assert.equal(redirect.status, 301)
    assert.equal(redirect.headers.get('location'), `/ipfs/${setup.duplicates.toString()}/%C4%85/%C4%99/?filename=x`)
    const file = await setup.get(`/ipfs/${setup.duplicates.toString()}/%C4%85/%C4%99/file-%C5%BA%C5%82.txt`)
    assert.ok(equals(file.body, ASCII))
  })

  it('lists a directory with breadcrumbs, a backlink and absolute links under the content path', async () => {
    const root = setup.duplicates.toString()
    const listing = await setup.get(`/ipfs/${root}/%C4%85/%C4%99/`)
    assert.equal(listing.status, 200)
    const html = new TextDecoder().decode(listing.body)
    assert.ok(html.includes(`/ipfs/<a href="/ipfs/${root}">${root}</a>/<a href="/ipfs/${root}/%C4%85">ą</a>/<a href="/ipfs/${root}/%C4%85/%C4%99">ę</a>`))
    assert.ok(html.includes(`<a href="/ipfs/${root}/%C4%85/%C4%99/..">..</a>`))
    assert.ok(html.includes(`<a href="/ipfs/${root}/%C4%85/%C4%99/file-%C5%BA%C5%82.txt">file-źł.txt</a>`))
    assert.match(html, /<a class="ipfs-hash" translate="no" href="\/ipfs\/[a-z0-9]+\?filename=file-%25C5%25BA%25C5%2582.txt">/)
    assert.ok(!new TextDecoder().decode((await setup.get(`/ipfs/${root}/`)).body).includes('>..</a>'))
  })

  it('answers several ranges with a 206 multipart/byteranges whose parts are exactly those bytes', async () => {
    const answer = await setup.get(`/ipfs/${setup.duplicates.toString()}/%C4%85/%C4%99/file-%C5%BA%C5%82.txt`, { range: 'bytes=6-16,0-4' })
    assert.equal(answer.status, 206)
    const type = answer.headers.get('content-type') ?? ''
    const boundary = /^multipart\/byteranges; boundary=(\S+)$/.exec(type)?.[1]
    assert.ok(boundary !== undefined, type)
    assert.equal(answer.headers.get('content-length'), String(answer.body.length))
    const text = Buffer.from(answer.body).toString('latin1')
    const expected = (start: number, end: number): string => `--${boundary}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Range: bytes ${start}-${end}/${ASCII.length}\r\n\r\n${Buffer.from(ASCII.subarray(start, end + 1)).toString('latin1')}`
    assert.equal(text, `${expected(6, 16)}\r\n${expected(0, 4)}\r\n--${boundary}--\r\n`)
    const merged = await setup.get(`/ipfs/${setup.duplicates.toString()}/%C4%85/%C4%99/file-%C5%BA%C5%82.txt`, { range: 'bytes=0-4,3-8' })
    assert.equal(merged.status, 206)
    assert.equal(merged.headers.get('content-range'), `bytes 0-8/${ASCII.length}`)
    assert.ok(equals(merged.body, ASCII.subarray(0, 9)))
  })

  it('serves a setup.symlink as its target path, with a length that matches the body', async () => {
    const answer = await setup.get(`/ipfs/${setup.symlink.toString()}`)
    assert.equal(answer.status, 200)
    assert.equal(new TextDecoder().decode(answer.body), 'foo')
    assert.equal(answer.headers.get('content-length'), '3')
  })
})

describe('raw block ranges (path gateway conformance TestGatewayBlock, TestGatewayBlockMultiRangeRequest)', () => {
  it('answers one range of a raw block with a 206 of those bytes, several with multipart/byteranges', async () => {
    const { cid, bytes } = setup.fixtures.rawLeaf
    const one = await setup.get(`/ipfs/${cid.toString()}`, { accept: 'application/vnd.ipld.raw', range: 'bytes=6-16' })
    assert.equal(one.status, 206)
    assert.equal(one.headers.get('content-type'), 'application/vnd.ipld.raw')
    assert.equal(one.headers.get('content-range'), `bytes 6-16/${bytes.length}`)
    assert.ok(equals(one.body, bytes.subarray(6, 17)))
    const several = await setup.get(`/ipfs/${cid.toString()}?format=raw`, { range: 'bytes=6-16,0-4' })
    assert.equal(several.status, 206)
    assert.match(several.headers.get('content-type') ?? '', /^multipart\/byteranges; boundary=/)
    const text = Buffer.from(several.body).toString('latin1')
    for (const [start, end] of [[6, 16], [0, 4]] as const) {
      assert.ok(text.includes(`Content-Type: application/vnd.ipld.raw\r\nContent-Range: bytes ${start}-${end}/${bytes.length}\r\n\r\n${Buffer.from(bytes.subarray(start, end + 1)).toString('latin1')}`))
    }
  })
})

describe('CORS (conformance TestCors)', () => {
  const assertCors = (headers: Headers, what: string): void => {
    assert.equal(headers.get('access-control-allow-origin'), '*', what)
    assert.deepEqual(headers.get('access-control-allow-methods')?.split(', '), ['GET', 'HEAD', 'OPTIONS'], what)
    for (const name of ['Content-Type', 'Range', 'User-Agent', 'X-Requested-With']) assert.ok(headers.get('access-control-allow-headers')?.split(', ').includes(name), `${what}: ${name}`)
    for (const name of ['Content-Range', 'Content-Length', 'X-Ipfs-Roots', 'X-Chunked-Output', 'X-Stream-Output', 'Ipfs-Uri']) assert.ok(headers.get('access-control-expose-headers')?.split(', ').includes(name), `${what}: ${name}`)
  }

  it('lets any origin read answers, errors and redirects, and answers the OPTIONS preflight', async () => {
    const hello = await setup.get('/ipfs/bafkqabtimvwgy3yk/')
    assert.equal(hello.status, 200)
    assert.equal(new TextDecoder().decode(hello.body), 'hello\n')
    assertCors(hello.headers, 'GET')
    const options = await setup.get('/ipfs/bafkqabtimvwgy3yk/', { origin: 'http://127.0.0.1:1', 'access-control-request-method': 'GET' }, 'OPTIONS')
    assert.equal(options.status, 200)
    assertCors(options.headers, 'OPTIONS')
    assertCors((await setup.get('/ipfs/not-a-cid')).headers, 'error')
    assertCors((await setup.get(`/ipfs/${setup.fixtures.dir.cid.toString()}/sub`)).headers, 'redirect')
    const post = await setup.get('/ipfs/bafkqabtimvwgy3yk', {}, 'POST')
    assert.equal(post.status, 405)
    assert.equal(post.headers.get('allow'), 'GET, HEAD, OPTIONS')
  })
})

describe('paths this gateway does not serve', () => {
  it('answers /ipns/ with a clear 501 IPNS_UNSUPPORTED, never a stack trace', async () => {
    for (const path of ['/ipns/example.com/', '/ipns/k51qzi5uqu5dlxdsdu5fpuu7h69wu4ohp32iwm9pdt9nq3y5rpn3ln9j12zfhe?format=raw']) {
      const answer = await setup.get(path)
      assert.equal(answer.status, 501, path)
      assert.equal(answer.headers.get('content-type'), 'application/json; charset=utf-8')
      assert.match(new TextDecoder().decode(answer.body), /"code":"IPNS_UNSUPPORTED"/)
    }
  })

  it('serves a CID written in base36 like its base32 form', async () => {
    const answer = await setup.get(`/ipfs/${setup.fixtures.rawLeaf.cid.toString(base36)}?format=raw`)
    assert.equal(answer.status, 200)
    assert.ok(equals(answer.body, setup.fixtures.rawLeaf.bytes))
  })
})
