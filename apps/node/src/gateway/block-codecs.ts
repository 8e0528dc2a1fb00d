import * as dagCbor from '@ipld/dag-cbor'
import * as dagJson from '@ipld/dag-json'
import * as dagPb from '@ipld/dag-pb'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { GatewayError } from './gateway-error.ts'

/** Multicodec codes of the block formats served here. */
export const DAG_PB = dagPb.code
export const RAW = raw.code
export const DAG_CBOR = dagCbor.code
export const DAG_JSON = dagJson.code
/** Plain JSON and CBOR (multicodec 0x0200, 0x51): bytes with a type, no links (path gateway spec). */
export const JSON_CODEC = 0x0200
export const CBOR_CODEC = 0x51

/** One outgoing link of a block, in the order the block holds it. */
export interface BlockLink {
  readonly cid: CID
  /** dag-pb link name (a UnixFS directory entry name), when the block has names. */
  readonly name?: string
}

/** True for the codecs this gateway serves (dag-pb, raw, dag-cbor, dag-json, plain json and cbor). */
export function isSupportedCodec(code: number): boolean {
  return code === DAG_PB || code === RAW || code === DAG_CBOR || code === DAG_JSON || code === JSON_CODEC || code === CBOR_CODEC
}

/** Decodes a dag-cbor or dag-json block to its data model value. */
export function decodeIpldValue(cid: CID, bytes: Uint8Array): unknown {
  if (cid.code === DAG_CBOR) return dagCbor.decode(bytes)
  if (cid.code === DAG_JSON) return dagJson.decode(bytes)
  throw new GatewayError('UNSUPPORTED_CODEC', `Codec 0x${cid.code.toString(16)} has no data model value here.`)
}

/**
 * The links of a block, in order: dag-pb links as stored (which is the DFS order of a
 * UnixFS file's chunks), dag-cbor/dag-json links in the order of a depth-first walk of
 * the value (map keys in their encoded order), none for raw, plain json and cbor.
 */
export function blockLinks(cid: CID, bytes: Uint8Array): readonly BlockLink[] {
  switch (cid.code) {
    case RAW:
    case JSON_CODEC:
    case CBOR_CODEC:
      return []
    case DAG_PB:
      return dagPb.decode(bytes).Links.map((link) => (link.Name === undefined ? { cid: link.Hash } : { cid: link.Hash, name: link.Name }))
    case DAG_CBOR:
    case DAG_JSON: {
      const links: BlockLink[] = []
      collectLinks(decodeIpldValue(cid, bytes), links)
      return links
    }
    default:
      throw new GatewayError('UNSUPPORTED_CODEC', `Codec 0x${cid.code.toString(16)} is not served by this gateway.`)
  }
}

function collectLinks(value: unknown, into: BlockLink[]): void {
  const link = CID.asCID(value)
  if (link !== null) {
    into.push({ cid: link })
    return
  }
  if (Array.isArray(value)) {
    for (const item of value) collectLinks(item, into)
    return
  }
  if (typeof value === 'object' && value !== null && !(value instanceof Uint8Array)) {
    for (const item of Object.values(value)) collectLinks(item, into)
  }
}
