import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import * as dagPb from '@ipld/dag-pb'
import { UnixFS } from 'ipfs-unixfs'
import { base36 } from 'multiformats/bases/base36'
import { equals } from 'multiformats/bytes'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { importFiles } from '../../gateway/import-files.ts'
import { buildGatewayFixtures, fixtureBytes } from '../../testing/gateway/gateway-fixtures.ts'
import type { GatewayFixtures } from '../../testing/gateway/gateway-fixtures.ts'
import { startGatewayHarness } from '../../testing/gateway/gateway-harness.ts'
import type { GatewayHarness } from '../../testing/gateway/gateway-harness.ts'
import { readAndVerifyCar } from '../../testing/gateway/read-car.ts'

// Cases of the public ipfs gateway-conformance suite (t0116 cache, trustless CAR and raw,
// path gateway) that the neighbouring answer tests do not cover, against a node gateway
// on loopback in front of a loopback upstream.

let fixtures: GatewayFixtures
let harness: GatewayHarness
/** A directory with two identical files (ascii.txt, ascii-copy.txt), a multi-block file and ą/ę/file-źł.txt. */
let duplicates: CID
/** A UnixFS symlink whose target is "foo". */
let symlink: CID
/** Blocks of the plain json (0x0200) and cbor (0x51) codecs. */
const PLAIN_JSON = new TextEncoder().encode('{"hello":"plain json","n":[1,2,3]}')
const PLAIN_CBOR = Uint8Array.from([0xa1, 0x61, 0x61, 0x01])
let plainJson: CID
let plainCbor: CID
/** A raw block no other test asks for, so it is not cached before the only-if-cached test. */
let uncached: CID
const ASCII = new TextEncoder().encode('hello application/vnd.ipld.car')

before(async () => {
  fixtures = await buildGatewayFixtures()
  const ascii = new TextEncoder().encode('the same bytes twice\n')
  duplicates = await importFiles(
    fixtures.blocks,
    [
      { path: 'ascii.txt', content: ascii },
      { path: 'ascii-copy.txt', content: ascii },
      { path: 'multiblock.txt', content: fixtureBytes(1026, 5) },
      { path: 'ą/ę/file-źł.txt', content: ASCII },
    ],
    { chunkSizeBytes: 256 },
  )
  const node = dagPb.encode(dagPb.prepare({ Data: new UnixFS({ type: 'symlink', data: new TextEncoder().encode('foo') }).marshal() }))
  symlink = CID.createV1(dagPb.code, await sha256.digest(node))
  await fixtures.blocks.put(symlink, node)
  plainJson = CID.createV1(0x0200, await sha256.digest(PLAIN_JSON))
  plainCbor = CID.createV1(0x51, await sha256.digest(PLAIN_CBOR))
  await fixtures.blocks.put(plainJson, PLAIN_JSON)
  await fixtures.blocks.put(plainCbor, PLAIN_CBOR)
  const uncachedBytes = new TextEncoder().encode('asked for with only-if-cached first')
  uncached = CID.createV1(0x55, await sha256.digest(uncachedBytes))
  await fixtures.blocks.put(uncached, uncachedBytes)
  harness = await startGatewayHarness([fixtures.blocks])
})
after(async () => {
  await harness.close()
})

async function get(path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<{ status: number; headers: Headers; body: Uint8Array }> {
  const response = await fetch(`${harness.url}${path}`, { headers, method, redirect: 'manual' })
  return { status: response.status, headers: response.headers, body: new Uint8Array(await response.arrayBuffer()) }
}

describe('If-None-Match (path gateway spec "If-None-Match"; conformance t0116)', () => {
  it('answers 304 without a body for a file whose Etag is named, alone, third in a list, weak, or by *', async () => {
    const path = `/ipfs/${fixtures.dir.cid.toString()}/hello.txt`
    const file = await get(path)
    const etag = file.headers.get('etag') ?? ''
    assert.equal(file.status, 200)
    for (const ifNoneMatch of [etag, `"fakeEtag1", "fakeEtag2", ${etag}`, `W/${etag}`, '*']) {
      const answer = await get(path, { 'if-none-match': ifNoneMatch })
      assert.equal(answer.status, 304, ifNoneMatch)
      assert.equal(answer.body.length, 0)
      assert.equal(answer.headers.get('etag'), etag)
      assert.equal(answer.headers.get('cache-control'), 'public, max-age=29030400, immutable')
      assert.equal(answer.headers.get('x-ipfs-path'), path)
    }
    assert.equal((await get(path, { 'if-none-match': '"something-else"' })).status, 200)
    assert.equal((await get(path, { 'if-none-match': etag }, 'HEAD')).status, 304)
  })

  it('answers 304 for a directory served by its index.html when its CID is named, and gives that CID as Etag', async () => {
    const path = `/ipfs/${fixtures.site.cid.toString()}/`
    const page = await get(path)
    assert.equal(page.status, 200)
    assert.equal(page.headers.get('etag'), `"${fixtures.site.cid.toString()}"`)
    assert.equal(page.headers.get('cache-control'), 'public, max-age=29030400, immutable')
    assert.equal((await get(path, { 'if-none-match': `"${fixtures.site.cid.toString()}"` })).status, 304)
  })

  it('answers 304 for a directory listing named by the weak directory CID or by its own DirIndex Etag', async () => {
    const path = `/ipfs/${fixtures.dir.cid.toString()}/`
    const listing = await get(path)
    const etag = listing.headers.get('etag') ?? ''
    assert.equal((await get(path, { 'if-none-match': `W/"${fixtures.dir.cid.toString()}"` })).status, 304)
    assert.equal((await get(path, { 'if-none-match': etag })).status, 304)
  })

  it('matches raw and CAR answers by their own Etags only, not the deserialized one', async () => {
    const cid = fixtures.rawLeaf.cid.toString()
    assert.equal((await get(`/ipfs/${cid}?format=raw`, { 'if-none-match': `"${cid}.raw"` })).status, 304)
    assert.equal((await get(`/ipfs/${cid}?format=raw`, { 'if-none-match': `"${cid}"` })).status, 200)
    const car = await get(`/ipfs/${cid}?format=car`)
    const carEtag = car.headers.get('etag') ?? ''
    assert.equal((await get(`/ipfs/${cid}?format=car`, { 'if-none-match': carEtag })).status, 304)
    assert.equal((await get(`/ipfs/${cid}?format=car&dag-scope=block`, { 'if-none-match': carEtag })).status, 200)
  })
})

describe('directory listing headers (conformance t0116 "unixfs dir listing")', () => {
  it('has a DirIndex-..._CID-<cid> Etag and no immutable Cache-Control (the HTML is the gateway\'s, not the DAG\'s)', async () => {
    const listing = await get(`/ipfs/${fixtures.dir.cid.toString()}/sub/`)
    assert.equal(listing.status, 200)
    const sub = listing.headers.get('x-ipfs-roots')?.split(',').at(-1) ?? ''
    assert.match(listing.headers.get('etag') ?? '', new RegExp(`^"DirIndex-.*_CID-${sub}"$`))
    assert.equal(listing.headers.get('cache-control'), null)
    assert.equal(listing.headers.get('x-ipfs-path'), `/ipfs/${fixtures.dir.cid.toString()}/sub/`)
  })
})

describe('CAR variants (trustless gateway spec "CAR dups", IPIP-412; conformance TestTrustlessCarOrderAndDuplicates)', () => {
  it('honours dups=y from Accept when ?format=car is given too, and car-dups in the query', async () => {
    const all = await readAndVerifyCar((await get(`/ipfs/${duplicates.toString()}?format=car`)).body)
    for (const [path, headers] of [
      [`/ipfs/${duplicates.toString()}?format=car`, { accept: 'application/vnd.ipld.car; version=1; order=dfs; dups=y' }],
      [`/ipfs/${duplicates.toString()}`, { accept: 'application/vnd.ipld.car; version=1; order=dfs; dups=y' }],
      [`/ipfs/${duplicates.toString()}?format=car&car-dups=y`, {}],
    ] as const) {
      const answer = await get(path, headers)
      assert.equal(answer.status, 200, path)
      assert.equal(answer.headers.get('content-type'), 'application/vnd.ipld.car; version=1; order=dfs; dups=y', path)
      const car = await readAndVerifyCar(answer.body)
      assert.equal(car.mismatched, 0)
      // The shared file's block comes twice; nothing else changes.
      assert.equal(car.blocks.length, all.blocks.length + 1, path)
      assert.deepEqual(new Set(car.blocks.map((block) => block.cid.toString())), new Set(all.blocks.map((block) => block.cid.toString())))
    }
    const once = await get(`/ipfs/${duplicates.toString()}`, { accept: 'application/vnd.ipld.car; version=1; order=dfs; dups=n' })
    assert.equal(once.headers.get('content-type'), 'application/vnd.ipld.car; version=1; order=dfs; dups=n')
    const onceCar = await readAndVerifyCar(once.body)
    assert.equal(new Set(onceCar.blocks.map((block) => block.cid.toString())).size, onceCar.blocks.length)
  })

  it('names a CAR of a path after the CID the path ends at', async () => {
    const answer = await get(`/ipfs/${fixtures.dir.cid.toString()}/hello.txt`, { accept: 'application/vnd.ipld.car' })
    const target = answer.headers.get('x-ipfs-roots')?.split(',').at(-1) ?? ''
    assert.notEqual(target, fixtures.dir.cid.toString())
    assert.equal(answer.headers.get('content-disposition'), `attachment; filename="${target}.car"`)
    assert.equal(answer.headers.get('content-length'), null)
    assert.equal(answer.headers.get('accept-ranges'), 'none')
  })

  it('reads entity-bytes without dag-scope as dag-scope=entity: only the blocks of the range', async () => {
    const file = `/ipfs/${fixtures.bigFile.cid.toString()}?format=car`
    const all = await readAndVerifyCar((await get(file)).body)
    const range = await readAndVerifyCar((await get(`${file}&entity-bytes=0:99`)).body)
    assert.ok(range.blocks.length < all.blocks.length / 4, `${range.blocks.length} of ${all.blocks.length}`)
    assert.equal(range.blocks[0]?.cid.toString(), fixtures.bigFile.cid.toString())
  })

  it('answers 400 for a car-version it does not write', async () => {
    assert.equal((await get(`/ipfs/${duplicates.toString()}?format=car&car-version=2`)).status, 400)
  })

  it('never puts identity-CID blocks in a CAR, even with dups=y; the bafkqaaa probe is a valid empty CAR rooted at it', async () => {
    for (const cid of ['bafkqaaa', 'bafkqaf3imvwgy3zaneqgc3janfxgy2lomvscay3jmqfa']) {
      const answer = await get(`/ipfs/${cid}`, { accept: 'application/vnd.ipld.car; dups=y' })
      assert.equal(answer.status, 200, cid)
      const car = await readAndVerifyCar(answer.body)
      assert.deepEqual(car.roots.map(String), [cid])
      assert.deepEqual(car.blocks, [], cid)
    }
  })
})

describe('Content-Disposition (path gateway spec "filename", "download"; trustless raw)', () => {
  it('names a raw block ?filename= as an attachment, and a deserialized file inline or, with download=true, as an attachment', async () => {
    const raw = await get(`/ipfs/${fixtures.rawLeaf.cid.toString()}?filename=foobar.bin`, { accept: 'application/vnd.ipld.raw' })
    assert.equal(raw.headers.get('content-disposition'), 'attachment; filename="foobar.bin"')
    const path = `/ipfs/${fixtures.dir.cid.toString()}/hello.txt`
    assert.equal((await get(`${path}?filename=greeting.txt`)).headers.get('content-disposition'), 'inline; filename="greeting.txt"')
    assert.equal((await get(`${path}?filename=greeting.txt&download=true`)).headers.get('content-disposition'), 'attachment; filename="greeting.txt"')
    const utf8 = await get(`${path}?filename=${encodeURIComponent('テスト.txt')}`)
    assert.equal(utf8.headers.get('content-disposition'), `inline; filename="___.txt"; filename*=UTF-8''${encodeURIComponent('テスト.txt')}`)
    assert.equal((await get(path)).headers.get('content-disposition'), null)
  })
})

describe('dag-json and dag-cbor answers (path gateway spec; conformance TestNativeDag, TestPathing, TestDagPbConversion)', () => {
  it('serves a dag-json block as is, inline <cid>.json, nosniff, "<cid>.dag-json" Etag; dag-cbor as an attachment <cid>.cbor', async () => {
    const json = fixtures.json.cid.toString()
    const answer = await get(`/ipfs/${json}/`)
    assert.equal(answer.status, 200)
    assert.ok(equals(answer.body, fixtures.json.bytes))
    assert.equal(answer.headers.get('content-type'), 'application/vnd.ipld.dag-json')
    assert.equal(answer.headers.get('content-disposition'), `inline; filename="${json}.json"`)
    assert.equal(answer.headers.get('x-content-type-options'), 'nosniff')
    assert.equal(answer.headers.get('etag'), `"${json}.dag-json"`)
    assert.equal(answer.headers.get('cache-control'), 'public, max-age=29030400, immutable')
    assert.equal(answer.headers.get('content-length'), String(fixtures.json.bytes.length))
    const cbor = await get(`/ipfs/${fixtures.cbor.cid.toString()}`, { accept: 'application/vnd.ipld.dag-cbor' })
    assert.ok(equals(cbor.body, fixtures.cbor.bytes))
    assert.equal(cbor.headers.get('content-disposition'), `attachment; filename="${fixtures.cbor.cid.toString()}.cbor"`)
    assert.equal(cbor.headers.get('etag'), `"${fixtures.cbor.cid.toString()}.dag-cbor"`)
    assert.equal((await get(`/ipfs/${json}`, { 'if-none-match': `"${json}.dag-json"` })).status, 304)
  })

  it('answers ?format=dag-json, Accept: foo, application/vnd.ipld.dag-json,bar, ?format=json and Accept: application/cbor with the same bytes', async () => {
    const json = fixtures.json.cid.toString()
    const cases: readonly [string, Record<string, string>, string, Uint8Array][] = [
      [`/ipfs/${json}?format=dag-json`, {}, 'application/vnd.ipld.dag-json', fixtures.json.bytes],
      [`/ipfs/${json}`, { accept: 'foo, application/vnd.ipld.dag-json,bar' }, 'application/vnd.ipld.dag-json', fixtures.json.bytes],
      [`/ipfs/${json}?format=json`, {}, 'application/json', fixtures.json.bytes],
      [`/ipfs/${fixtures.cbor.cid.toString()}`, { accept: 'application/cbor' }, 'application/cbor', fixtures.cbor.bytes],
    ]
    for (const [path, headers, type, bytes] of cases) {
      const answer = await get(path, headers)
      assert.equal(answer.status, 200, path)
      assert.equal(answer.headers.get('content-type'), type, path)
      assert.ok(equals(answer.body, bytes), path)
    }
    const head = await get(`/ipfs/${fixtures.cbor.cid.toString()}?format=dag-cbor`, {}, 'HEAD')
    assert.equal(head.status, 200)
    assert.equal(head.headers.get('content-length'), String(fixtures.cbor.bytes.length))
  })

  it('honours ?filename= and ?download=true, and answers a byte range of the block', async () => {
    const json = fixtures.json.cid.toString()
    assert.equal((await get(`/ipfs/${json}?filename=foobar.json`, { accept: 'application/vnd.ipld.dag-json' })).headers.get('content-disposition'), 'inline; filename="foobar.json"')
    assert.equal((await get(`/ipfs/${json}?filename=foobar.json&download=true`, { accept: 'application/vnd.ipld.dag-json' })).headers.get('content-disposition'), 'attachment; filename="foobar.json"')
    const part = await get(`/ipfs/${json}`, { range: 'bytes=2-5' })
    assert.equal(part.status, 206)
    assert.equal(part.headers.get('content-range'), `bytes 2-5/${fixtures.json.bytes.length}`)
    assert.ok(equals(part.body, fixtures.json.bytes.subarray(2, 6)))
  })

  it('answers Accept: text/html with an HTML view: DagIndex Etag, no Content-Disposition, no immutable caching', async () => {
    const answer = await get(`/ipfs/${fixtures.cbor.cid.toString()}/`, { accept: 'text/html' })
    assert.equal(answer.status, 200)
    assert.equal(answer.headers.get('content-type'), 'text/html; charset=utf-8')
    assert.match(answer.headers.get('etag') ?? '', /DagIndex-/)
    assert.equal(answer.headers.get('content-disposition'), null)
    assert.equal(answer.headers.get('cache-control'), null)
    const html = new TextDecoder().decode(answer.body)
    assert.ok(html.includes('</html>'))
    assert.ok(html.includes(fixtures.rawLeaf.cid.toString()), 'the value, with its links, is shown')
  })

  it('answers 501 for a codec conversion it does not do, and serves plain json asked of UnixFS as the file (no-op)', async () => {
    assert.equal((await get(`/ipfs/${fixtures.cbor.cid.toString()}?format=dag-json`)).status, 501)
    assert.equal((await get(`/ipfs/${fixtures.dir.cid.toString()}/?format=dag-json`)).status, 501)
    const file = await get(`/ipfs/${fixtures.dir.cid.toString()}/hello.txt?format=json`)
    assert.equal(file.status, 200)
    assert.equal(file.headers.get('content-type'), 'text/plain; charset=utf-8')
    assert.ok(equals(file.body, fixtures.dir.hello))
  })

  it('answers 501 for a path that ends on a field inside a block (never the whole block), 404 for a missing one, and follows links', async () => {
    const cbor = fixtures.cbor.cid.toString()
    for (const format of ['', '?format=raw', '?format=car', '?format=dag-cbor']) {
      const field = await get(`/ipfs/${cbor}/name${format}`)
      assert.equal(field.status, 501, format)
      assert.match(new TextDecoder().decode(field.body), /reading IPLD Kinds other than Links \(CBOR Tag 42\) is not implemented/)
    }
    assert.equal((await get(`/ipfs/${cbor}/i-do-not-exist`)).status, 404)
    const leaf = await get(`/ipfs/${cbor}/leaf?format=raw`)
    assert.equal(leaf.status, 200)
    assert.ok(equals(leaf.body, fixtures.rawLeaf.bytes))
  })
})

describe('plain json and cbor codecs (path gateway spec "Response Payload"; conformance TestPlainCodec)', () => {
  it('serves a plain json block like raw with application/json, inline <cid>.json, with ?format=json, Accept and ranges', async () => {
    const cid = plainJson.toString()
    for (const [path, headers] of [[`/ipfs/${cid}`, {}], [`/ipfs/${cid}?format=json`, {}], [`/ipfs/${cid}`, { accept: 'application/json' }]] as const) {
      const answer = await get(path, headers)
      assert.equal(answer.status, 200, path)
      assert.equal(answer.headers.get('content-type'), 'application/json', path)
      assert.equal(answer.headers.get('content-disposition'), `inline; filename="${cid}.json"`, path)
      assert.ok(equals(answer.body, PLAIN_JSON), path)
    }
    const part = await get(`/ipfs/${cid}`, { range: 'bytes=1-7' })
    assert.equal(part.status, 206)
    assert.ok(equals(part.body, PLAIN_JSON.subarray(1, 8)))
  })

  it('serves a plain cbor block as an application/cbor attachment, and both as raw blocks and in CARs', async () => {
    const cbor = await get(`/ipfs/${plainCbor.toString()}`)
    assert.equal(cbor.status, 200)
    assert.equal(cbor.headers.get('content-type'), 'application/cbor')
    assert.equal(cbor.headers.get('content-disposition'), `attachment; filename="${plainCbor.toString()}.cbor"`)
    assert.ok(equals(cbor.body, PLAIN_CBOR))
    assert.ok(equals((await get(`/ipfs/${plainJson.toString()}?format=raw`)).body, PLAIN_JSON))
    const car = await readAndVerifyCar((await get(`/ipfs/${plainCbor.toString()}?format=car`)).body)
    assert.deepEqual(car.blocks.map((block) => block.cid.toString()), [plainCbor.toString()])
  })
})

describe('UnixFS paths and ranges (conformance TestUnixFSDirectoryListing, TestGatewayUnixFSFileRanges, TestGatewaySymlink)', () => {
  it('redirects a directory to its absolute /-terminated path, percent-encoding and query kept', async () => {
    const redirect = await get(`/ipfs/${duplicates.toString()}/ą/ę?filename=x`)
    assert.equal(redirect.status, 301)
    assert.equal(redirect.headers.get('location'), `/ipfs/${duplicates.toString()}/%C4%85/%C4%99/?filename=x`)
    const file = await get(`/ipfs/${duplicates.toString()}/%C4%85/%C4%99/file-%C5%BA%C5%82.txt`)
    assert.ok(equals(file.body, ASCII))
  })

  it('lists a directory with breadcrumbs, a backlink and absolute links under the content path', async () => {
    const root = duplicates.toString()
    const listing = await get(`/ipfs/${root}/%C4%85/%C4%99/`)
    assert.equal(listing.status, 200)
    const html = new TextDecoder().decode(listing.body)
    assert.ok(html.includes(`/ipfs/<a href="/ipfs/${root}">${root}</a>/<a href="/ipfs/${root}/%C4%85">ą</a>/<a href="/ipfs/${root}/%C4%85/%C4%99">ę</a>`))
    assert.ok(html.includes(`<a href="/ipfs/${root}/%C4%85/%C4%99/..">..</a>`))
    assert.ok(html.includes(`<a href="/ipfs/${root}/%C4%85/%C4%99/file-%C5%BA%C5%82.txt">file-źł.txt</a>`))
    assert.match(html, /<a class="ipfs-hash" translate="no" href="\/ipfs\/[a-z0-9]+\?filename=file-%25C5%25BA%25C5%2582.txt">/)
    assert.ok(!new TextDecoder().decode((await get(`/ipfs/${root}/`)).body).includes('>..</a>'))
  })

  it('answers several ranges with a 206 multipart/byteranges whose parts are exactly those bytes', async () => {
    const answer = await get(`/ipfs/${duplicates.toString()}/%C4%85/%C4%99/file-%C5%BA%C5%82.txt`, { range: 'bytes=6-16,0-4' })
    assert.equal(answer.status, 206)
    const type = answer.headers.get('content-type') ?? ''
    const boundary = /^multipart\/byteranges; boundary=(\S+)$/.exec(type)?.[1]
    assert.ok(boundary !== undefined, type)
    assert.equal(answer.headers.get('content-length'), String(answer.body.length))
    const text = Buffer.from(answer.body).toString('latin1')
    const expected = (start: number, end: number): string => `--${boundary}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Range: bytes ${start}-${end}/${ASCII.length}\r\n\r\n${Buffer.from(ASCII.subarray(start, end + 1)).toString('latin1')}`
    assert.equal(text, `${expected(6, 16)}\r\n${expected(0, 4)}\r\n--${boundary}--\r\n`)
    const merged = await get(`/ipfs/${duplicates.toString()}/%C4%85/%C4%99/file-%C5%BA%C5%82.txt`, { range: 'bytes=0-4,3-8' })
    assert.equal(merged.status, 206)
    assert.equal(merged.headers.get('content-range'), `bytes 0-8/${ASCII.length}`)
    assert.ok(equals(merged.body, ASCII.subarray(0, 9)))
  })

  it('serves a symlink as its target path, with a length that matches the body', async () => {
    const answer = await get(`/ipfs/${symlink.toString()}`)
    assert.equal(answer.status, 200)
    assert.equal(new TextDecoder().decode(answer.body), 'foo')
    assert.equal(answer.headers.get('content-length'), '3')
  })
})

describe('raw block ranges (path gateway conformance TestGatewayBlock, TestGatewayBlockMultiRangeRequest)', () => {
  it('answers one range of a raw block with a 206 of those bytes, several with multipart/byteranges', async () => {
    const { cid, bytes } = fixtures.rawLeaf
    const one = await get(`/ipfs/${cid.toString()}`, { accept: 'application/vnd.ipld.raw', range: 'bytes=6-16' })
    assert.equal(one.status, 206)
    assert.equal(one.headers.get('content-type'), 'application/vnd.ipld.raw')
    assert.equal(one.headers.get('content-range'), `bytes 6-16/${bytes.length}`)
    assert.ok(equals(one.body, bytes.subarray(6, 17)))
    const several = await get(`/ipfs/${cid.toString()}?format=raw`, { range: 'bytes=6-16,0-4' })
    assert.equal(several.status, 206)
    assert.match(several.headers.get('content-type') ?? '', /^multipart\/byteranges; boundary=/)
    const text = Buffer.from(several.body).toString('latin1')
    for (const [start, end] of [[6, 16], [0, 4]] as const) {
      assert.ok(text.includes(`Content-Type: application/vnd.ipld.raw\r\nContent-Range: bytes ${start}-${end}/${bytes.length}\r\n\r\n${Buffer.from(bytes.subarray(start, end + 1)).toString('latin1')}`))
    }
  })
})

describe('Cache-Control: only-if-cached (path gateway spec; trustless spec; conformance t0116)', () => {
  it('answers 412 while the root block is not held here, and normally once it is', async () => {
    const path = `/ipfs/${uncached.toString()}?format=raw`
    const onlyIfCached = { 'cache-control': 'only-if-cached' }
    assert.equal((await get(path, onlyIfCached)).status, 412)
    assert.equal((await get(path, onlyIfCached, 'HEAD')).status, 412)
    assert.equal((await get(path)).status, 200)
    const cached = await get(path, { 'cache-control': 'max-age=0, only-if-cached' })
    assert.equal(cached.status, 200)
    assert.equal(new TextDecoder().decode(cached.body), 'asked for with only-if-cached first')
    assert.equal((await get(path, onlyIfCached, 'HEAD')).status, 200)
    assert.equal((await get('/ipfs/bafkqaaa?format=raw', onlyIfCached)).status, 200, 'identity CIDs are always here')
  })
})

describe('Content-Location (path gateway spec: a format negotiated by Accept)', () => {
  it('names the format in the URL when Accept chose it, and not otherwise or on errors', async () => {
    const raw = fixtures.rawLeaf.cid.toString()
    assert.equal((await get(`/ipfs/${raw}?filename=a.bin`, { accept: 'application/vnd.ipld.raw' })).headers.get('content-location'), `/ipfs/${raw}?filename=a.bin&format=raw`)
    assert.equal((await get(`/ipfs/${raw}?format=raw`)).headers.get('content-location'), null)
    assert.equal((await get(`/ipfs/${raw}`)).headers.get('content-location'), null)
    assert.equal((await get(`/ipfs/${duplicates.toString()}`, { accept: 'application/vnd.ipld.car; version=1; order=dfs; dups=y' })).headers.get('content-location'), `/ipfs/${duplicates.toString()}?format=car&car-dups=y`)
    const json = fixtures.json.cid.toString()
    assert.equal((await get(`/ipfs/${json}`, { accept: 'application/vnd.ipld.dag-json' })).headers.get('content-location'), `/ipfs/${json}?format=dag-json`)
    const missing = await get(`/ipfs/${fixtures.dir.cid.toString()}/nope.txt`, { accept: 'application/vnd.ipld.raw' })
    assert.equal(missing.status, 404)
    assert.equal(missing.headers.get('content-location'), null)
    const cbor = fixtures.cbor.cid.toString()
    const failed = await get(`/ipfs/${cbor}`, { accept: 'application/vnd.ipld.dag-json' })
    assert.equal(failed.status, 501)
    assert.equal(failed.headers.get('content-location'), null)
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
    const hello = await get('/ipfs/bafkqabtimvwgy3yk/')
    assert.equal(hello.status, 200)
    assert.equal(new TextDecoder().decode(hello.body), 'hello\n')
    assertCors(hello.headers, 'GET')
    const options = await get('/ipfs/bafkqabtimvwgy3yk/', { origin: 'http://127.0.0.1:1', 'access-control-request-method': 'GET' }, 'OPTIONS')
    assert.equal(options.status, 200)
    assertCors(options.headers, 'OPTIONS')
    assertCors((await get('/ipfs/not-a-cid')).headers, 'error')
    assertCors((await get(`/ipfs/${fixtures.dir.cid.toString()}/sub`)).headers, 'redirect')
    const post = await get('/ipfs/bafkqabtimvwgy3yk', {}, 'POST')
    assert.equal(post.status, 405)
    assert.equal(post.headers.get('allow'), 'GET, HEAD, OPTIONS')
  })
})

describe('paths this gateway does not serve', () => {
  it('answers /ipns/ with a clear 501 IPNS_UNSUPPORTED, never a stack trace', async () => {
    for (const path of ['/ipns/example.com/', '/ipns/k51qzi5uqu5dlxdsdu5fpuu7h69wu4ohp32iwm9pdt9nq3y5rpn3ln9j12zfhe?format=raw']) {
      const answer = await get(path)
      assert.equal(answer.status, 501, path)
      assert.equal(answer.headers.get('content-type'), 'application/json; charset=utf-8')
      assert.match(new TextDecoder().decode(answer.body), /"code":"IPNS_UNSUPPORTED"/)
    }
  })

  it('serves a CID written in base36 like its base32 form', async () => {
    const answer = await get(`/ipfs/${fixtures.rawLeaf.cid.toString(base36)}?format=raw`)
    assert.equal(answer.status, 200)
    assert.ok(equals(answer.body, fixtures.rawLeaf.bytes))
  })
})
