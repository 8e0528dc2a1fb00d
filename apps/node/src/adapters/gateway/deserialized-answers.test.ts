import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { equals } from 'multiformats/bytes'
import { legacyDenylistAnchor, parseDenylist } from '../../gateway/denylist.ts'
import { buildGatewayFixtures } from '../../testing/gateway/gateway-fixtures.ts'
import type { GatewayFixtures } from '../../testing/gateway/gateway-fixtures.ts'
import { startGatewayHarness } from '../../testing/gateway/gateway-harness.ts'
import type { GatewayHarness } from '../../testing/gateway/gateway-harness.ts'

let fixtures: GatewayFixtures
let harness: GatewayHarness

before(async () => {
  fixtures = await buildGatewayFixtures()
  harness = await startGatewayHarness([fixtures.blocks])
})
after(async () => {
  await harness.close()
})

async function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers; body: Uint8Array }> {
  const response = await fetch(`${harness.url}${path}`, { headers, redirect: 'manual' })
  return { status: response.status, headers: response.headers, body: new Uint8Array(await response.arrayBuffer()) }
}

describe('deserialized UnixFS answers', () => {
  it('serves a whole multi-block file with its length, immutable caching and the CID as Etag', async () => {
    const answer = await get(`/ipfs/${fixtures.bigFile.cid.toString()}`)
    assert.equal(answer.status, 200)
    assert.ok(equals(answer.body, fixtures.bigFile.bytes))
    assert.equal(answer.headers.get('etag'), `"${fixtures.bigFile.cid.toString()}"`)
    assert.equal(answer.headers.get('accept-ranges'), 'bytes')
    assert.equal(answer.headers.get('cache-control'), 'public, max-age=29030400, immutable')
  })

  it('answers byte ranges with exactly the same bytes of the original (206, Content-Range)', async () => {
    const total = fixtures.bigFile.bytes.length
    const cases: readonly [string, number, number][] = [
      ['bytes=0-0', 0, 0],
      ['bytes=16383-16385', 16_383, 16_385],
      ['bytes=700000-900123', 700_000, 900_123],
      ['bytes=-1000', total - 1000, total - 1],
      [`bytes=${total - 10}-`, total - 10, total - 1],
    ]
    for (const [range, start, end] of cases) {
      const answer = await get(`/ipfs/${fixtures.dir.cid.toString()}/big.bin`, { range })
      assert.equal(answer.status, 206, range)
      assert.equal(answer.headers.get('content-range'), `bytes ${start}-${end}/${total}`)
      assert.ok(equals(answer.body, fixtures.bigFile.bytes.subarray(start, end + 1)), range)
    }
    assert.equal((await get(`/ipfs/${fixtures.bigFile.cid.toString()}`, { range: `bytes=${total}-` })).status, 416)
  })

  it('takes the content type from the name, or sniffs it when the name does not tell', async () => {
    const hello = await get(`/ipfs/${fixtures.dir.cid.toString()}/hello.txt`)
    assert.equal(hello.headers.get('content-type'), 'text/plain; charset=utf-8')
    assert.ok(equals(hello.body, fixtures.dir.hello))
    assert.equal((await get(`/ipfs/${fixtures.dir.cid.toString()}/image`)).headers.get('content-type'), 'image/png')
    assert.equal((await get(`/ipfs/${fixtures.dir.cid.toString()}/sub/note.md`)).headers.get('content-type'), 'text/markdown; charset=utf-8')
  })

  it('redirects a directory to its /-terminated URL, then lists it when it has no index.html', async () => {
    const redirect = await get(`/ipfs/${fixtures.dir.cid.toString()}`)
    assert.equal(redirect.status, 301)
    assert.equal(redirect.headers.get('location'), `/ipfs/${fixtures.dir.cid.toString()}/`)
    const listing = await get(`/ipfs/${fixtures.dir.cid.toString()}/`)
    assert.equal(listing.status, 200)
    assert.equal(listing.headers.get('content-type'), 'text/html; charset=utf-8')
    const html = new TextDecoder().decode(listing.body)
    for (const name of ['hello.txt', 'big.bin', 'image', 'sub']) assert.ok(html.includes(`>${name}</a>`), name)
  })

  it('serves index.html for a directory that has one', async () => {
    const answer = await get(`/ipfs/${fixtures.site.cid.toString()}/`)
    assert.equal(answer.status, 200)
    assert.equal(answer.headers.get('content-type'), 'text/html; charset=utf-8')
    assert.ok(equals(answer.body, fixtures.site.indexHtml))
  })

  it('serves a dag-cbor node as application/vnd.ipld.dag-cbor', async () => {
    const answer = await get(`/ipfs/${fixtures.cbor.cid.toString()}`)
    assert.equal(answer.status, 200)
    assert.equal(answer.headers.get('content-type'), 'application/vnd.ipld.dag-cbor')
    assert.ok(equals(answer.body, fixtures.cbor.bytes))
  })
})

describe('denylist (bad-bits format)', () => {
  it('answers 410 Gone for listed content, in every format, and for paths under a listed directory', async () => {
    harness.gateway.setDenylist(parseDenylist(`# bad bits\n//${legacyDenylistAnchor(fixtures.site.cid)}\n`))
    try {
      assert.equal((await get(`/ipfs/${fixtures.site.cid.toString()}/`)).status, 410)
      assert.equal((await get(`/ipfs/${fixtures.site.cid.toString()}?format=raw`)).status, 410)
      assert.equal((await get(`/ipfs/${fixtures.site.cid.toString()}/index.html?format=car`)).status, 410)
      assert.equal((await get(`/ipfs/${fixtures.site.cid.toV0().toString()}/`)).status, 410)
      assert.equal((await get(`/ipfs/${fixtures.dir.cid.toString()}/hello.txt`)).status, 200)
    } finally {
      harness.gateway.setDenylist(parseDenylist(''))
    }
    assert.equal((await get(`/ipfs/${fixtures.site.cid.toString()}/`)).status, 200)
  })

  it('denies content reached through a path when the target CID itself is listed', async () => {
    harness.gateway.setDenylist(parseDenylist(`/ipfs/${fixtures.bigFile.cid.toString()}\n`))
    try {
      assert.equal((await get(`/ipfs/${fixtures.dir.cid.toString()}/big.bin`)).status, 410)
    } finally {
      harness.gateway.setDenylist(parseDenylist(''))
    }
  })
})
