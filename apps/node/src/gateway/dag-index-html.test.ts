import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import * as dagCbor from '@ipld/dag-cbor'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { renderDagIndex } from './dag-index-html.ts'

describe('renderDagIndex', () => {
  it('shows the value as dag-json with every author-chosen text escaped', async () => {
    const bytes = dagCbor.encode({ '<b>key</b>': '</pre><script>alert(1)</script>', big: 2 ** 53 + 2 })
    const cid = CID.createV1(dagCbor.code, await sha256.digest(bytes))
    const html = renderDagIndex(`/ipfs/${cid.toString()}/"><x>`, cid, 'dag-cbor', bytes)
    assert.ok(!html.includes('<script>'))
    assert.ok(!html.includes('<b>'))
    assert.ok(!html.includes('"><x>'))
    assert.ok(html.includes('&#60;/pre&#62;&#60;script&#62;'))
    assert.ok(html.includes(String(2 ** 53 + 2)), 'integers are shown exactly')
    assert.ok(html.trimEnd().endsWith('</html>'))
  })
})
