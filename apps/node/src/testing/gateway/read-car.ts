import { CarReader } from '@ipld/car'
import type { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { equals } from 'multiformats/bytes'

/** A CAR read back by an independent reader (@ipld/car), every sha2-256 block re-hashed. */
export interface ReadCar {
  readonly roots: readonly CID[]
  readonly blocks: readonly { readonly cid: CID; readonly bytes: Uint8Array }[]
  /** Blocks whose bytes did not hash to their CID (must be none). */
  readonly mismatched: number
}

export async function readAndVerifyCar(bytes: Uint8Array): Promise<ReadCar> {
  const reader = await CarReader.fromBytes(bytes)
  const blocks: { cid: CID; bytes: Uint8Array }[] = []
  let mismatched = 0
  for await (const block of reader.blocks()) {
    blocks.push({ cid: block.cid, bytes: block.bytes })
    if (block.cid.multihash.code === sha256.code && !equals((await sha256.digest(block.bytes)).digest, block.cid.multihash.digest)) mismatched += 1
  }
  return { roots: await reader.getRoots(), blocks, mismatched }
}
