import * as dagCbor from '@ipld/dag-cbor'
import * as dagJson from '@ipld/dag-json'
import { blake3 } from '@noble/hashes/blake3.js'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { create as createDigest } from 'multiformats/hashes/digest'
import { sha256 } from 'multiformats/hashes/sha2'
import { importFileBytes, importFiles } from '../../gateway/import-files.ts'
import { MemoryBlockSource } from '../../gateway/memory-block-source.ts'

/** Content the gateway tests build for themselves, held by a memory upstream. */
export interface GatewayFixtures {
  readonly blocks: MemoryBlockSource
  /** A multi-level UnixFS file (16 KiB chunks, 8 links per node): 1.5 MiB. */
  readonly bigFile: { readonly cid: CID; readonly bytes: Uint8Array }
  /** A directory without index.html: hello.txt, big.bin, image (a PNG without extension), sub/note.md. */
  readonly dir: { readonly cid: CID; readonly hello: Uint8Array }
  /** A directory with index.html. */
  readonly site: { readonly cid: CID; readonly indexHtml: Uint8Array }
  /** A raw leaf block. */
  readonly rawLeaf: { readonly cid: CID; readonly bytes: Uint8Array }
  /** A dag-cbor node linking the big file and the raw leaf. */
  readonly cbor: { readonly cid: CID; readonly bytes: Uint8Array }
  /** A dag-json node linking the raw leaf. */
  readonly json: { readonly cid: CID; readonly bytes: Uint8Array }
  /** A raw block addressed by a blake3 multihash. */
  readonly blake3Block: { readonly cid: CID; readonly bytes: Uint8Array }
}

export const PNG_HEAD = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13])

/** Deterministic pseudo-random bytes (xorshift32), so fixtures are the same every run. */
export function fixtureBytes(sizeBytes: number, seed = 1): Uint8Array {
  const out = new Uint8Array(sizeBytes)
  let state = seed >>> 0 || 1
  for (let index = 0; index < sizeBytes; index += 1) {
    state ^= state << 13
    state >>>= 0
    state ^= state >>> 17
    state ^= state << 5
    state >>>= 0
    out[index] = state & 0xff
  }
  return out
}

/** Builds every fixture into one memory block source. */
export async function buildGatewayFixtures(): Promise<GatewayFixtures> {
  const blocks = new MemoryBlockSource()
  const bigBytes = fixtureBytes(1_572_864, 7)
  const small = { chunkSizeBytes: 16_384, maxChildrenPerNode: 8 }
  const bigCid = await importFileBytes(blocks, bigBytes, small)
  const hello = new TextEncoder().encode('hello from ipfs\n')
  const image = Uint8Array.from([...PNG_HEAD, ...fixtureBytes(200, 3)])
  const dirCid = await importFiles(
    blocks,
    [
      { path: 'hello.txt', content: hello },
      { path: 'big.bin', content: bigBytes },
      { path: 'image', content: image },
      { path: 'sub/note.md', content: new TextEncoder().encode('# note\n') },
    ],
    small,
  )
  const indexHtml = new TextEncoder().encode('<!doctype html><title>site</title><p>hi</p>\n')
  const siteCid = await importFiles(blocks, [{ path: 'index.html', content: indexHtml }, { path: 'style.css', content: new TextEncoder().encode('p{}') }])
  const rawBytes = fixtureBytes(3000, 11)
  const rawCid = CID.createV1(raw.code, await sha256.digest(rawBytes))
  await blocks.put(rawCid, rawBytes)
  const cborBytes = dagCbor.encode({ name: 'fixture', file: bigCid, leaf: rawCid })
  const cborCid = CID.createV1(dagCbor.code, await sha256.digest(cborBytes))
  await blocks.put(cborCid, cborBytes)
  const jsonBytes = dagJson.encode({ kind: 'json', leaf: rawCid })
  const jsonCid = CID.createV1(dagJson.code, await sha256.digest(jsonBytes))
  await blocks.put(jsonCid, jsonBytes)
  const blake3Bytes = new TextEncoder().encode('addressed by blake3')
  const blake3Cid = CID.createV1(raw.code, createDigest(0x1e, blake3(blake3Bytes)))
  await blocks.put(blake3Cid, blake3Bytes)
  return {
    blocks,
    bigFile: { cid: bigCid, bytes: bigBytes },
    dir: { cid: dirCid, hello },
    site: { cid: siteCid, indexHtml },
    rawLeaf: { cid: rawCid, bytes: rawBytes },
    cbor: { cid: cborCid, bytes: cborBytes },
    json: { cid: jsonCid, bytes: jsonBytes },
    blake3Block: { cid: blake3Cid, bytes: blake3Bytes },
  }
}
