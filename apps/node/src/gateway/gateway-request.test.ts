import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { resolveEntityBytes } from './car-blocks.ts'
import { trailingSlashLocation, urlPrefixBefore } from './gateway-headers.ts'
import { parseEntityBytes, parseGatewayRequest } from './gateway-request.ts'

const CID_V1 = 'bafkreie7q3iidccmpvszul7kudcvvuavuo7u6gzlbobczuk5nqk3b4akba'
const CID_V0 = 'QmbWqxBEKC3P8tqsKc98xmWNzrzDtRLMiMPL8wBuTGsMnR'

describe('parseGatewayRequest (trustless gateway spec: request)', () => {
  const table: readonly { readonly target: string; readonly accept?: string; readonly expect: string }[] = [
    { target: `/ipfs/${CID_V1}?format=raw`, expect: 'raw' },
    { target: `/ipfs/${CID_V1}?format=car`, expect: 'car' },
    { target: `/ipfs/${CID_V1}`, accept: 'application/vnd.ipld.raw', expect: 'raw' },
    { target: `/ipfs/${CID_V1}`, accept: 'application/vnd.ipld.car', expect: 'car' },
    { target: `/ipfs/${CID_V1}`, accept: 'application/vnd.ipld.car; version=1; order=dfs; dups=n', expect: 'car' },
    { target: `/ipfs/${CID_V1}`, accept: 'application/vnd.ipld.car;version=2, application/vnd.ipld.raw', expect: 'raw' },
    { target: `/ipfs/${CID_V1}`, accept: 'text/html,application/xhtml+xml,*/*;q=0.8', expect: 'deserialized' },
    { target: `/ipfs/${CID_V1}`, expect: 'deserialized' },
    { target: `/ipfs/${CID_V0}/a/b%20c.txt`, expect: 'deserialized' },
    // ?format= wins over Accept (path gateway spec).
    { target: `/ipfs/${CID_V1}?format=raw`, accept: 'application/vnd.ipld.car', expect: 'raw' },
    { target: `/ipfs/${CID_V1}`, accept: 'application/vnd.ipld.car; version=2', expect: 'NOT_ACCEPTABLE' },
    { target: `/ipfs/${CID_V1}`, accept: 'application/vnd.ipld.car; order=weird', expect: 'NOT_ACCEPTABLE' },
    { target: `/ipfs/${CID_V1}`, accept: 'application/vnd.ipld.dag-json', expect: 'deserialized' },
    { target: `/ipfs/${CID_V1}`, accept: 'application/vnd.ipld.dag-foo', expect: 'NOT_ACCEPTABLE' },
    // The first specific type wins wherever it stands (conformance: "Accept: foo, application/vnd.ipld.dag-json,bar").
    { target: `/ipfs/${CID_V1}`, accept: 'text/html, application/vnd.ipld.raw', expect: 'raw' },
    { target: `/ipfs/${CID_V1}?format=dag-json`, expect: 'deserialized' },
    { target: `/ipfs/${CID_V1}?format=cbor`, expect: 'deserialized' },
    { target: `/ipfs/${CID_V1}?format=tar`, expect: 'BAD_GATEWAY_REQUEST' },
    { target: `/ipfs/${CID_V1}`, accept: 'application/x-tar', expect: 'NOT_ACCEPTABLE' },
    { target: `/ipfs/${CID_V1}`, accept: 'application/vnd.ipfs.ipns-record', expect: 'NOT_ACCEPTABLE' },
    { target: `/ipfs/${CID_V1}?format=`, accept: 'application/vnd.ipld.raw', expect: 'raw' },
    { target: '/ipfs/not-a-cid', expect: 'BAD_CID' },
    { target: '/ipfs/', expect: 'BAD_CID' },
    { target: `/ipfs/${CID_V1}/../etc`, expect: 'BAD_PATH' },
    { target: `/ipfs/${CID_V1}/a%2Fb`, expect: 'BAD_PATH' },
    { target: `/ipfs/${CID_V1}/%E0%A4%A`, expect: 'BAD_PATH' },
    { target: `/ipfs/${CID_V1}?format=car&dag-scope=tree`, expect: 'BAD_GATEWAY_REQUEST' },
    { target: `/ipfs/${CID_V1}?format=car&entity-bytes=10:5`, expect: 'BAD_GATEWAY_REQUEST' },
    { target: `/ipfs/${CID_V1}?format=car&entity-bytes=x:5`, expect: 'BAD_GATEWAY_REQUEST' },
    // car-version / car-order / car-dups query parameters (trustless gateway spec).
    { target: `/ipfs/${CID_V1}?format=car&car-version=1&car-order=dfs&car-dups=y`, expect: 'car' },
    { target: `/ipfs/${CID_V1}?format=car&car-order=unk`, expect: 'car' },
    { target: `/ipfs/${CID_V1}?format=car&car-version=2`, expect: 'BAD_GATEWAY_REQUEST' },
    { target: `/ipfs/${CID_V1}?format=car&car-order=bfs`, expect: 'BAD_GATEWAY_REQUEST' },
    { target: `/ipfs/${CID_V1}?format=car&car-dups=maybe`, expect: 'BAD_GATEWAY_REQUEST' },
    // Base36 CIDs (k...) are CIDs too.
    { target: '/ipfs/k2cwuecmjhil59wbzcwn7mhcm1lxzpq6nqefdeonp9ltuxb1nbmb28eg', expect: 'deserialized' },
    // IPNS is not resolved here: a clear answer of its own, not "bad path".
    { target: '/ipns/example.com/index.html', expect: 'IPNS_UNSUPPORTED' },
    { target: '/ipns/k51qzi5uqu5dlxdsdu5fpuu7h69wu4ohp32iwm9pdt9nq3y5rpn3ln9j12zfhe', expect: 'IPNS_UNSUPPORTED' },
  ]
  for (const row of table) {
    it(`${row.target} Accept: ${row.accept ?? '(none)'} → ${row.expect}`, () => {
      const parsed = parseGatewayRequest(row.target, row.accept)
      assert.equal(parsed.ok ? parsed.value.format : parsed.reason.code, row.expect)
    })
  }

  it('reads dag-scope, entity-bytes and dups, and decodes path segments', () => {
    // ?format=car names the type; the Accept's dups=y still applies (conformance: "specific Accept header is prioritized").
    const parsed = parseGatewayRequest(`/ipfs/${CID_V0}/dir/b%20c.txt?format=car&dag-scope=entity&entity-bytes=-100:*`, 'application/vnd.ipld.car; dups=y')
    assert.ok(parsed.ok)
    assert.deepEqual(parsed.value.segments, ['dir', 'b c.txt'])
    assert.deepEqual(parsed.value.car, { scope: 'entity', entityBytes: { from: -100, to: '*' }, duplicates: true })
    const dups = parseGatewayRequest(`/ipfs/${CID_V1}`, 'application/vnd.ipld.car; dups=y')
    assert.ok(dups.ok)
    assert.equal(dups.value.car.duplicates, true)
    assert.equal(dups.value.car.scope, 'all')
    // entity-bytes implies dag-scope=entity (trustless gateway spec).
    const implied = parseGatewayRequest(`/ipfs/${CID_V1}?format=car&entity-bytes=0:99`, undefined)
    assert.ok(implied.ok)
    assert.equal(implied.value.car.scope, 'entity')
    // The query parameter wins over the Accept parameter.
    const query = parseGatewayRequest(`/ipfs/${CID_V1}?car-dups=n`, 'application/vnd.ipld.car; dups=y')
    assert.ok(query.ok)
    assert.equal(query.value.car.duplicates, false)
  })
})

describe('IPLD representations (path gateway spec: format, Accept)', () => {
  const table: readonly { readonly target: string; readonly accept?: string; readonly ipldFormat: string | undefined; readonly acceptsHtml: boolean }[] = [
    { target: `/ipfs/${CID_V1}?format=dag-json`, ipldFormat: 'dag-json', acceptsHtml: false },
    { target: `/ipfs/${CID_V1}?format=dag-cbor`, accept: 'text/html', ipldFormat: 'dag-cbor', acceptsHtml: false },
    { target: `/ipfs/${CID_V1}?format=json`, ipldFormat: 'json', acceptsHtml: false },
    { target: `/ipfs/${CID_V1}?format=cbor`, ipldFormat: 'cbor', acceptsHtml: false },
    { target: `/ipfs/${CID_V1}`, accept: 'foo, application/vnd.ipld.dag-json,bar', ipldFormat: 'dag-json', acceptsHtml: false },
    { target: `/ipfs/${CID_V1}`, accept: 'application/cbor', ipldFormat: 'cbor', acceptsHtml: false },
    { target: `/ipfs/${CID_V1}`, accept: 'text/html', ipldFormat: undefined, acceptsHtml: true },
    { target: `/ipfs/${CID_V1}`, accept: 'text/html,application/xhtml+xml,*/*;q=0.8', ipldFormat: undefined, acceptsHtml: true },
    { target: `/ipfs/${CID_V1}`, accept: '*/*', ipldFormat: undefined, acceptsHtml: false },
    { target: `/ipfs/${CID_V1}`, ipldFormat: undefined, acceptsHtml: false },
  ]
  for (const row of table) {
    it(`${row.target} Accept: ${row.accept ?? '(none)'} → ${row.ipldFormat ?? 'as is'}${row.acceptsHtml ? ', html' : ''}`, () => {
      const parsed = parseGatewayRequest(row.target, row.accept)
      assert.ok(parsed.ok)
      assert.equal(parsed.value.format, 'deserialized')
      assert.equal(parsed.value.ipldFormat, row.ipldFormat)
      assert.equal(parsed.value.acceptsHtml, row.acceptsHtml)
    })
  }
})

describe('entity-bytes (IPIP-402)', () => {
  it('parses from:to, negative offsets and *', () => {
    assert.deepEqual(parseEntityBytes('0:99'), { from: 0, to: 99 })
    assert.deepEqual(parseEntityBytes('-10:*'), { from: -10, to: '*' })
    assert.deepEqual(parseEntityBytes('5:-1'), { from: 5, to: -1 })
    assert.equal(parseEntityBytes('5'), undefined)
    assert.equal(parseEntityBytes('1:2:3'), undefined)
  })

  it('resolves against the file size, clamping the end and refusing ranges past it', () => {
    assert.deepEqual(resolveEntityBytes({ from: 0, to: 99 }, 50n), { start: 0n, end: 49n })
    assert.deepEqual(resolveEntityBytes({ from: -10, to: '*' }, 50n), { start: 40n, end: 49n })
    assert.deepEqual(resolveEntityBytes({ from: 5, to: -2 }, 50n), { start: 5n, end: 48n })
    assert.deepEqual(resolveEntityBytes({ from: 5, to: -1 }, 50n), { start: 5n, end: 49n })
    assert.equal(resolveEntityBytes({ from: 60, to: '*' }, 50n), undefined)
  })
})

describe('trailingSlashLocation (path gateway spec: directory redirect)', () => {
  it('keeps the absolute path as requested, a zone prefix before it and the query after it', () => {
    assert.equal(trailingSlashLocation(`/ipfs/${CID_V1}/%C4%85/%C4%99`, `/ipfs/${CID_V1}/%C4%85/%C4%99`), `/ipfs/${CID_V1}/%C4%85/%C4%99/`)
    assert.equal(trailingSlashLocation(`/z/site/ipfs/${CID_V1}/docs?mt=ticket`, `/ipfs/${CID_V1}/docs`), `/z/site/ipfs/${CID_V1}/docs/?mt=ticket`)
    assert.equal(trailingSlashLocation('/elsewhere', `/ipfs/${CID_V1}/docs`), 'docs/')
  })

  it('finds the prefix a zone puts before the content path (listing links), or none', () => {
    assert.equal(urlPrefixBefore(`/z/site/ipfs/${CID_V1}/docs/?mt=ticket`, `/ipfs/${CID_V1}/docs/`), '/z/site')
    assert.equal(urlPrefixBefore(`/ipfs/${CID_V1}/`, `/ipfs/${CID_V1}/`), '')
    assert.equal(urlPrefixBefore('/elsewhere/', `/ipfs/${CID_V1}/`), '')
  })
})
