import type { CID } from 'multiformats/cid'
import { CBOR_CODEC, DAG_CBOR, DAG_JSON, JSON_CODEC } from './block-codecs.ts'
import type { GatewayRequest, IpldFormat } from './gateway-request.ts'

/** How a deserialized request for an IPLD representation is answered. */
export type DagAnswerPlan =
  /** The verified block as it is, labelled with the asked representation. */
  | { readonly kind: 'block'; readonly format: IpldFormat; readonly contentType: string; readonly disposition: 'inline' | 'attachment'; readonly extension: 'json' | 'cbor' }
  /** An HTML view of a dag-json/dag-cbor block, for a browser that asked for text/html. */
  | { readonly kind: 'html' }
  /** The answer needs a codec conversion, which this gateway does not do (ADR 0014). */
  | { readonly kind: 'conversion-unsupported'; readonly from: string; readonly to: IpldFormat }
  /** Not a DAG answer: UnixFS (a file, a directory) as usual. */
  | { readonly kind: 'unixfs' }

/** The representation a block of each codec is in. */
const NATIVE_FORMATS: ReadonlyMap<number, IpldFormat> = new Map([
  [DAG_JSON, 'dag-json'],
  [DAG_CBOR, 'dag-cbor'],
  [JSON_CODEC, 'json'],
  [CBOR_CODEC, 'cbor'],
])

const CONTENT_TYPES: Readonly<Record<IpldFormat, string>> = {
  'dag-json': 'application/vnd.ipld.dag-json',
  'dag-cbor': 'application/vnd.ipld.dag-cbor',
  json: 'application/json',
  cbor: 'application/cbor',
}

/**
 * Plans the deserialized answer for `target` (path gateway spec, "format" and "Accept";
 * gateway conformance `TestNativeDag`, `TestDagPbConversion`): a dag-json block is
 * valid dag-json and plain JSON, a dag-cbor block valid dag-cbor and plain CBOR, so those
 * are served byte for byte; without an explicit representation a browser (`text/html`)
 * gets the HTML view of a dag-json/dag-cbor block and anyone else the block in its own
 * codec. A plain json/cbor block is served like raw with its type (`TestPlainCodec`);
 * asking it as dag-* would be a reinterpretation, not done. Plain json/cbor asked of
 * UnixFS is a no-op (the file as usual); anything else is a conversion.
 */
export function planDagAnswer(request: Pick<GatewayRequest, 'ipldFormat' | 'acceptsHtml'>, target: CID): DagAnswerPlan {
  const native = NATIVE_FORMATS.get(target.code)
  const asked = request.ipldFormat
  if (native === undefined) {
    if (asked === undefined || asked === 'json' || asked === 'cbor') return { kind: 'unixfs' }
    return { kind: 'conversion-unsupported', from: `codec 0x${target.code.toString(16)}`, to: asked }
  }
  const family = native === 'dag-json' || native === 'json' ? 'json' : 'cbor'
  // Plain json/cbor "work exactly the same as raw" (path gateway spec): no HTML view for them.
  if (asked === undefined && request.acceptsHtml && native !== family) return { kind: 'html' }
  const format = asked ?? native
  if (format !== native && format !== family) return { kind: 'conversion-unsupported', from: native, to: format }
  return { kind: 'block', format, contentType: CONTENT_TYPES[format], disposition: family === 'json' ? 'inline' : 'attachment', extension: family }
}
