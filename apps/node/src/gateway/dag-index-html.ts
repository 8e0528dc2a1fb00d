import * as dagJson from '@ipld/dag-json'
import type { CID } from 'multiformats/cid'
import { decodeIpldValue } from './block-codecs.ts'
import { escapeHtml } from './directory-listing.ts'

/**
 * The HTML view of a dag-json/dag-cbor block for a browser (path gateway spec: a
 * `text/html` request for a DAG gets a page, not bytes to download): the CID, its codec
 * and the value as dag-json (exact, not re-parsed as JS numbers), every text escaped (the value is the author's).
 * The bytes were verified before; this only renders them.
 */
export function renderDagIndex(contentPath: string, cid: CID, codecName: string, bytes: Uint8Array): string {
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>${escapeHtml(contentPath)}</title></head>
<body><h1>${escapeHtml(contentPath)}</h1>
<p>CID <code>${escapeHtml(cid.toString())}</code> (${escapeHtml(codecName)}, ${bytes.length} bytes).
Ask with <code>Accept: application/vnd.ipld.raw</code> or <code>?format=raw</code> for the verifiable block.</p>
<pre>${escapeHtml(dagJsonText(cid, bytes))}</pre>
</body></html>
`
}

/** The block's value as dag-json, or a note when it has no dag-json form. */
function dagJsonText(cid: CID, bytes: Uint8Array): string {
  try {
    return new TextDecoder().decode(dagJson.encode(decodeIpldValue(cid, bytes)))
  } catch {
    return '(this value has no dag-json form)'
  }
}
