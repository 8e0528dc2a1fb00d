import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { CID } from 'multiformats/cid'
import { planDagAnswer } from './dag-answer.ts'
import type { IpldFormat } from './gateway-request.ts'

const DIGEST_CID = CID.parse('bafkreie7q3iidccmpvszul7kudcvvuavuo7u6gzlbobczuk5nqk3b4akba')
const cidOf = (code: number): CID => CID.createV1(code, DIGEST_CID.multihash)
const DAG_JSON = cidOf(0x0129)
const DAG_CBOR = cidOf(0x71)
const DAG_PB = cidOf(0x70)
const RAW = cidOf(0x55)
const JSON_PLAIN = cidOf(0x0200)
const CBOR_PLAIN = cidOf(0x51)

describe('planDagAnswer (conformance TestNativeDag, TestDagPbConversion, TestPlainCodec)', () => {
  const table: readonly { readonly rule: string; readonly target: CID; readonly ipldFormat?: IpldFormat; readonly acceptsHtml?: boolean; readonly expect: string }[] = [
    { rule: 'dag-json, nothing asked: the block, inline JSON', target: DAG_JSON, expect: 'block dag-json application/vnd.ipld.dag-json inline json' },
    { rule: 'dag-cbor, nothing asked: the block, an attachment', target: DAG_CBOR, expect: 'block dag-cbor application/vnd.ipld.dag-cbor attachment cbor' },
    { rule: 'dag-json as plain json: same bytes, plain type', target: DAG_JSON, ipldFormat: 'json', expect: 'block json application/json inline json' },
    { rule: 'dag-cbor as plain cbor: same bytes, plain type', target: DAG_CBOR, ipldFormat: 'cbor', expect: 'block cbor application/cbor attachment cbor' },
    { rule: 'dag-json asked as dag-json', target: DAG_JSON, ipldFormat: 'dag-json', acceptsHtml: true, expect: 'block dag-json application/vnd.ipld.dag-json inline json' },
    { rule: 'a browser gets the HTML view', target: DAG_CBOR, acceptsHtml: true, expect: 'html' },
    { rule: 'dag-cbor as dag-json is a conversion', target: DAG_CBOR, ipldFormat: 'dag-json', expect: 'conversion-unsupported' },
    { rule: 'dag-json as cbor is a conversion', target: DAG_JSON, ipldFormat: 'cbor', expect: 'conversion-unsupported' },
    { rule: 'UnixFS as dag-json is a conversion', target: DAG_PB, ipldFormat: 'dag-json', expect: 'conversion-unsupported' },
    { rule: 'UnixFS as plain json is a no-op', target: DAG_PB, ipldFormat: 'json', expect: 'unixfs' },
    { rule: 'raw as plain cbor is a no-op', target: RAW, ipldFormat: 'cbor', expect: 'unixfs' },
    { rule: 'UnixFS for a browser is UnixFS', target: DAG_PB, acceptsHtml: true, expect: 'unixfs' },
    { rule: 'plain json: the block as application/json, inline, even for a browser', target: JSON_PLAIN, acceptsHtml: true, expect: 'block json application/json inline json' },
    { rule: 'plain cbor asked as cbor: an attachment', target: CBOR_PLAIN, ipldFormat: 'cbor', expect: 'block cbor application/cbor attachment cbor' },
    { rule: 'plain json asked as dag-json is a reinterpretation, not done', target: JSON_PLAIN, ipldFormat: 'dag-json', expect: 'conversion-unsupported' },
  ]
  for (const row of table) {
    it(row.rule, () => {
      const plan = planDagAnswer({ ipldFormat: row.ipldFormat, acceptsHtml: row.acceptsHtml ?? false }, row.target)
      const text = plan.kind === 'block' ? `block ${plan.format} ${plan.contentType} ${plan.disposition} ${plan.extension}` : plan.kind
      assert.equal(text, row.expect)
    })
  }
})
