import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { equals } from 'multiformats/bytes'
import { PLAIN_JSON, PLAIN_CBOR, useConformanceSetup } from '../../testing/gateway/conformance-setup.ts'
import type { ConformanceSetup } from '../../testing/gateway/conformance-setup.ts'
import { readAndVerifyCar } from '../../testing/gateway/read-car.ts'

// Cases of the public ipfs gateway-conformance suite the neighbouring answer tests do not cover
// (dag-json, dag-cbor, plain json and cbor answers), against a node gateway on loopback in front
// of a loopback upstream.

let setup: ConformanceSetup
useConformanceSetup((started) => {
  setup = started
})

describe('dag-json and dag-cbor answers (path gateway spec; conformance TestNativeDag, TestPathing, TestDagPbConversion)', () => {
  it('serves a dag-json block as is, inline <cid>.json, nosniff, "<cid>.dag-json" Etag; dag-cbor as an attachment <cid>.cbor', async () => {
    const json = setup.fixtures.json.cid.toString()
    const answer = await setup.get(`/ipfs/${json}/`)
    assert.equal(answer.status, 200)
    assert.ok(equals(answer.body, setup.fixtures.json.bytes))
    assert.equal(answer.headers.get('content-type'), 'application/vnd.ipld.dag-json')
    assert.equal(answer.headers.get('content-disposition'), `inline; filename="${json}.json"`)
    assert.equal(answer.headers.get('x-content-type-options'), 'nosniff')
    assert.equal(answer.headers.get('etag'), `"${json}.dag-json"`)
    assert.equal(answer.headers.get('cache-control'), 'public, max-age=29030400, immutable')
    assert.equal(answer.headers.get('content-length'), String(setup.fixtures.json.bytes.length))
    const cbor = await setup.get(`/ipfs/${setup.fixtures.cbor.cid.toString()}`, { accept: 'application/vnd.ipld.dag-cbor' })
    assert.ok(equals(cbor.body, setup.fixtures.cbor.bytes))
    assert.equal(cbor.headers.get('content-disposition'), `attachment; filename="${setup.fixtures.cbor.cid.toString()}.cbor"`)
    assert.equal(cbor.headers.get('etag'), `"${setup.fixtures.cbor.cid.toString()}.dag-cbor"`)
    assert.equal((await setup.get(`/ipfs/${json}`, { 'if-none-match': `"${json}.dag-json"` })).status, 304)
  })

  it('answers ?format=dag-json, Accept: foo, application/vnd.ipld.dag-json,bar, ?format=json and Accept: application/cbor with the same bytes', async () => {
    const json = setup.fixtures.json.cid.toString()
    const cases: readonly [string, Record<string, string>, string, Uint8Array][] = [
      [`/ipfs/${json}?format=dag-json`, {}, 'application/vnd.ipld.dag-json', setup.fixtures.json.bytes],
      [`/ipfs/${json}`, { accept: 'foo, application/vnd.ipld.dag-json,bar' }, 'application/vnd.ipld.dag-json', setup.fixtures.json.bytes],
      [`/ipfs/${json}?format=json`, {}, 'application/json', setup.fixtures.json.bytes],
      [`/ipfs/${setup.fixtures.cbor.cid.toString()}`, { accept: 'application/cbor' }, 'application/cbor', setup.fixtures.cbor.bytes],
    ]
    for (const [path, headers, type, bytes] of cases) {
      const answer = await setup.get(path, headers)
      assert.equal(answer.status, 200, path)
      assert.equal(answer.headers.get('content-type'), type, path)
      assert.ok(equals(answer.body, bytes), path)
    }
    const head = await setup.get(`/ipfs/${setup.fixtures.cbor.cid.toString()}?format=dag-cbor`, {}, 'HEAD')
    assert.equal(head.status, 200)
    assert.equal(head.headers.get('content-length'), String(setup.fixtures.cbor.bytes.length))
  })

  it('honours ?filename= and ?download=true, and answers a byte range of the block', async () => {
    const json = setup.fixtures.json.cid.toString()
    assert.equal((await setup.get(`/ipfs/${json}?filename=foobar.json`, { accept: 'application/vnd.ipld.dag-json' })).headers.get('content-disposition'), 'inline; filename="foobar.json"')
    assert.equal((await setup.get(`/ipfs/${json}?filename=foobar.json&download=true`, { accept: 'application/vnd.ipld.dag-json' })).headers.get('content-disposition'), 'attachment; filename="foobar.json"')
    const part = await setup.get(`/ipfs/${json}`, { range: 'bytes=2-5' })
    assert.equal(part.status, 206)
    assert.equal(part.headers.get('content-range'), `bytes 2-5/${setup.fixtures.json.bytes.length}`)
    assert.ok(equals(part.body, setup.fixtures.json.bytes.subarray(2, 6)))
  })

  it('answers Accept: text/html with an HTML view: DagIndex Etag, no Content-Disposition, no immutable caching', async () => {
    const answer = await setup.get(`/ipfs/${setup.fixtures.cbor.cid.toString()}/`, { accept: 'text/html' })
    assert.equal(answer.status, 200)
    assert.equal(answer.headers.get('content-type'), 'text/html; charset=utf-8')
    assert.match(answer.headers.get('etag') ?? '', /DagIndex-/)
    assert.equal(answer.headers.get('content-disposition'), null)
    assert.equal(answer.headers.get('cache-control'), null)
    const html = new TextDecoder().decode(answer.body)
    assert.ok(html.includes('</html>'))
    assert.ok(html.includes(setup.fixtures.rawLeaf.cid.toString()), 'the value, with its links, is shown')
  })

  it('answers 501 for a codec conversion it does not do, and serves plain json asked of UnixFS as the file (no-op)', async () => {
    assert.equal((await setup.get(`/ipfs/${setup.fixtures.cbor.cid.toString()}?format=dag-json`)).status, 501)
    assert.equal((await setup.get(`/ipfs/${setup.fixtures.dir.cid.toString()}/?format=dag-json`)).status, 501)
    const file = await setup.get(`/ipfs/${setup.fixtures.dir.cid.toString()}/hello.txt?format=json`)
    assert.equal(file.status, 200)
    assert.equal(file.headers.get('content-type'), 'text/plain; charset=utf-8')
    assert.ok(equals(file.body, setup.fixtures.dir.hello))
  })

  it('answers 501 for a path that ends on a field inside a block (never the whole block), 404 for a missing one, and follows links', async () => {
    const cbor = setup.fixtures.cbor.cid.toString()
    for (const format of ['', '?format=raw', '?format=car', '?format=dag-cbor']) {
      const field = await setup.get(`/ipfs/${cbor}/name${format}`)
      assert.equal(field.status, 501, format)
      assert.match(new TextDecoder().decode(field.body), /reading IPLD Kinds other than Links \(CBOR Tag 42\) is not implemented/)
    }
    assert.equal((await setup.get(`/ipfs/${cbor}/i-do-not-exist`)).status, 404)
    const leaf = await setup.get(`/ipfs/${cbor}/leaf?format=raw`)
    assert.equal(leaf.status, 200)
    assert.ok(equals(leaf.body, setup.fixtures.rawLeaf.bytes))
  })
})

describe('plain json and cbor codecs (path gateway spec "Response Payload"; conformance TestPlainCodec)', () => {
  it('serves a plain json block like raw with application/json, inline <cid>.json, with ?format=json, Accept and ranges', async () => {
    const cid = setup.plainJson.toString()
    for (const [path, headers] of [[`/ipfs/${cid}`, {}], [`/ipfs/${cid}?format=json`, {}], [`/ipfs/${cid}`, { accept: 'application/json' }]] as const) {
      const answer = await setup.get(path, headers)
      assert.equal(answer.status, 200, path)
      assert.equal(answer.headers.get('content-type'), 'application/json', path)
      assert.equal(answer.headers.get('content-disposition'), `inline; filename="${cid}.json"`, path)
      assert.ok(equals(answer.body, PLAIN_JSON), path)
    }
    const part = await setup.get(`/ipfs/${cid}`, { range: 'bytes=1-7' })
    assert.equal(part.status, 206)
    assert.ok(equals(part.body, PLAIN_JSON.subarray(1, 8)))
  })

  it('serves a plain cbor block as an application/cbor attachment, and both as raw blocks and in CARs', async () => {
    const cbor = await setup.get(`/ipfs/${setup.plainCbor.toString()}`)
    assert.equal(cbor.status, 200)
    assert.equal(cbor.headers.get('content-type'), 'application/cbor')
    assert.equal(cbor.headers.get('content-disposition'), `attachment; filename="${setup.plainCbor.toString()}.cbor"`)
    assert.ok(equals(cbor.body, PLAIN_CBOR))
    assert.ok(equals((await setup.get(`/ipfs/${setup.plainJson.toString()}?format=raw`)).body, PLAIN_JSON))
    const car = await readAndVerifyCar((await setup.get(`/ipfs/${setup.plainCbor.toString()}?format=car`)).body)
    assert.deepEqual(car.blocks.map((block) => block.cid.toString()), [setup.plainCbor.toString()])
  })
})
