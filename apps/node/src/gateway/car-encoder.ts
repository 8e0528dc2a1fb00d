import * as dagCbor from '@ipld/dag-cbor'
import type { CID } from 'multiformats/cid'
import { varint } from 'multiformats'

/**
 * CARv1 framing (ipld.io/specs/transport/car/carv1): a varint-prefixed dag-cbor header
 * `{ roots, version: 1 }`, then per block `varint(len(cid) + len(bytes)) cid bytes`.
 * Written here rather than through @ipld/car's CarWriter so each block goes straight to
 * the socket without a second queue; the tests read every answer back with @ipld/car.
 */
export function encodeCarHeader(roots: readonly CID[]): Uint8Array {
  const header = dagCbor.encode({ roots: [...roots], version: 1 })
  return withLengthPrefix(header.length, [header])
}

/** The frame of one block: the length prefix and CID, to be followed by the block's bytes. */
export function encodeCarBlockPrefix(cid: CID, blockSizeBytes: number): Uint8Array {
  return withLengthPrefix(cid.bytes.length + blockSizeBytes, [cid.bytes])
}

function withLengthPrefix(length: number, parts: readonly Uint8Array[]): Uint8Array {
  const prefixLength = varint.encodingLength(length)
  const partsLength = parts.reduce((sum, part) => sum + part.length, 0)
  const out = new Uint8Array(prefixLength + partsLength)
  varint.encodeTo(length, out, 0)
  let offset = prefixLength
  for (const part of parts) {
    out.set(part, offset)
    offset += part.length
  }
  return out
}
