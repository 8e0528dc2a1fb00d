import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { useConformanceSetup } from '../../testing/gateway/conformance-setup.ts'
import type { ConformanceSetup } from '../../testing/gateway/conformance-setup.ts'

// Cases of the public ipfs gateway-conformance suite the neighbouring answer tests do not cover
// (caching: If-None-Match, generated pages, only-if-cached and Content-Location), against a node
// gateway on loopback in front of a loopback upstream.

let setup: ConformanceSetup
useConformanceSetup((started) => {
  setup = started
})

describe('If-None-Match (path gateway spec "If-None-Match"; conformance t0116)', () => {
  it('answers 304 without a body for a file whose Etag is named, alone, third in a list, weak, or by *', async () => {
    const path = `/ipfs/${setup.fixtures.dir.cid.toString()}/hello.txt`
    const file = await setup.get(path)
    const etag = file.headers.get('etag') ?? ''
    assert.equal(file.status, 200)
    for (const ifNoneMatch of [etag, `"fakeEtag1", "fakeEtag2", ${etag}`, `W/${etag}`, '*']) {
      const answer = await setup.get(path, { 'if-none-match': ifNoneMatch })
      assert.equal(answer.status, 304, ifNoneMatch)
      assert.equal(answer.body.length, 0)
      assert.equal(answer.headers.get('etag'), etag)
      assert.equal(answer.headers.get('cache-control'), 'public, max-age=29030400, immutable')
      assert.equal(answer.headers.get('x-ipfs-path'), path)
    }
    assert.equal((await setup.get(path, { 'if-none-match': '"something-else"' })).status, 200)
    assert.equal((await setup.get(path, { 'if-none-match': etag }, 'HEAD')).status, 304)
  })

  it('answers 304 for a directory served by its index.html when its CID is named, and gives that CID as Etag', async () => {
    const path = `/ipfs/${setup.fixtures.site.cid.toString()}/`
    const page = await setup.get(path)
    assert.equal(page.status, 200)
    assert.equal(page.headers.get('etag'), `"${setup.fixtures.site.cid.toString()}"`)
    assert.equal(page.headers.get('cache-control'), 'public, max-age=29030400, immutable')
    assert.equal((await setup.get(path, { 'if-none-match': `"${setup.fixtures.site.cid.toString()}"` })).status, 304)
  })

  it('answers 304 for a directory listing named by the weak directory CID or by its own DirIndex Etag', async () => {
    const path = `/ipfs/${setup.fixtures.dir.cid.toString()}/`
    const listing = await setup.get(path)
    const etag = listing.headers.get('etag') ?? ''
    assert.equal((await setup.get(path, { 'if-none-match': `W/"${setup.fixtures.dir.cid.toString()}"` })).status, 304)
    const revalidated = await setup.get(path, { 'if-none-match': etag })
    assert.equal(revalidated.status, 304)
    // Like its 200, the listing's 304 is not immutable.
    assert.equal(revalidated.headers.get('cache-control'), null)
  })

  it('matches raw and CAR answers by their own Etags only, not the deserialized one', async () => {
    const cid = setup.fixtures.rawLeaf.cid.toString()
    assert.equal((await setup.get(`/ipfs/${cid}?format=raw`, { 'if-none-match': `"${cid}.raw"` })).status, 304)
    assert.equal((await setup.get(`/ipfs/${cid}?format=raw`, { 'if-none-match': `"${cid}"` })).status, 200)
    const car = await setup.get(`/ipfs/${cid}?format=car`)
    const carEtag = car.headers.get('etag') ?? ''
    assert.equal((await setup.get(`/ipfs/${cid}?format=car`, { 'if-none-match': carEtag })).status, 304)
    assert.equal((await setup.get(`/ipfs/${cid}?format=car&dag-scope=block`, { 'if-none-match': carEtag })).status, 200)
  })
})

describe('directory listing headers (conformance t0116 "unixfs dir listing")', () => {
  it('has a DirIndex-..._CID-<cid> Etag and no immutable Cache-Control (the HTML is the gateway\'s, not the DAG\'s)', async () => {
    const listing = await setup.get(`/ipfs/${setup.fixtures.dir.cid.toString()}/sub/`)
    assert.equal(listing.status, 200)
    const sub = listing.headers.get('x-ipfs-roots')?.split(',').at(-1) ?? ''
    assert.match(listing.headers.get('etag') ?? '', new RegExp(`^"DirIndex-.*_CID-${sub}"$`))
    assert.equal(listing.headers.get('cache-control'), null)
    assert.equal(listing.headers.get('x-ipfs-path'), `/ipfs/${setup.fixtures.dir.cid.toString()}/sub/`)
  })
})

describe('Cache-Control: only-if-cached (path gateway spec; trustless spec; conformance t0116)', () => {
  it('answers 412 while the root block is not held here, and normally once it is', async () => {
    const path = `/ipfs/${setup.uncached.toString()}?format=raw`
    const onlyIfCached = { 'cache-control': 'only-if-cached' }
    assert.equal((await setup.get(path, onlyIfCached)).status, 412)
    assert.equal((await setup.get(path, onlyIfCached, 'HEAD')).status, 412)
    assert.equal((await setup.get(path)).status, 200)
    const cached = await setup.get(path, { 'cache-control': 'max-age=0, only-if-cached' })
    assert.equal(cached.status, 200)
    assert.equal(new TextDecoder().decode(cached.body), 'asked for with only-if-cached first')
    assert.equal((await setup.get(path, onlyIfCached, 'HEAD')).status, 200)
    assert.equal((await setup.get('/ipfs/bafkqaaa?format=raw', onlyIfCached)).status, 200, 'identity CIDs are always here')
  })
})

describe('Content-Location (path gateway spec: a format negotiated by Accept)', () => {
  it('names the format in the URL when Accept chose it, and not otherwise or on errors', async () => {
    const raw = setup.fixtures.rawLeaf.cid.toString()
    assert.equal((await setup.get(`/ipfs/${raw}?filename=a.bin`, { accept: 'application/vnd.ipld.raw' })).headers.get('content-location'), `/ipfs/${raw}?filename=a.bin&format=raw`)
    assert.equal((await setup.get(`/ipfs/${raw}?format=raw`)).headers.get('content-location'), null)
    assert.equal((await setup.get(`/ipfs/${raw}`)).headers.get('content-location'), null)
    assert.equal((await setup.get(`/ipfs/${setup.duplicates.toString()}`, { accept: 'application/vnd.ipld.car; version=1; order=dfs; dups=y' })).headers.get('content-location'), `/ipfs/${setup.duplicates.toString()}?format=car&car-dups=y`)
    const json = setup.fixtures.json.cid.toString()
    assert.equal((await setup.get(`/ipfs/${json}`, { accept: 'application/vnd.ipld.dag-json' })).headers.get('content-location'), `/ipfs/${json}?format=dag-json`)
    const missing = await setup.get(`/ipfs/${setup.fixtures.dir.cid.toString()}/nope.txt`, { accept: 'application/vnd.ipld.raw' })
    assert.equal(missing.status, 404)
    assert.equal(missing.headers.get('content-location'), null)
    const cbor = setup.fixtures.cbor.cid.toString()
    const failed = await setup.get(`/ipfs/${cbor}`, { accept: 'application/vnd.ipld.dag-json' })
    assert.equal(failed.status, 501)
    assert.equal(failed.headers.get('content-location'), null)
  })
})
