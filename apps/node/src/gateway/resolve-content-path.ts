import type { CID } from 'multiformats/cid'
import { walkPath } from 'ipfs-unixfs-exporter'
import { blockstoreOver } from './block-source-blockstore.ts'
import type { BlockReadOptions, BlockSource } from './block-source.ts'
import type { CarBlock } from './car-blocks.ts'
import { GatewayError } from './gateway-error.ts'

/** A content path resolved to the CID it names. */
export interface ResolvedContentPath {
  readonly target: CID
  /** The CIDs met along the path, root first, target last (`X-Ipfs-Roots`). */
  readonly roots: readonly CID[]
  /** Blocks read to walk the path (the root's, directory and HAMT shard blocks), target excluded. */
  readonly pathBlocks: readonly CarBlock[]
  /** Path segments left inside the target block (dag-cbor/dag-json field paths). */
  readonly remainder: readonly string[]
}

/**
 * Walks `/ipfs/<root>/<segments>` with ipfs-unixfs-exporter (UnixFS directories, HAMT
 * shards, dag-cbor/dag-json fields) over verified blocks, recording which blocks the
 * walk read: those are what a CAR for the path must carry before the target's blocks.
 */
export async function resolveContentPath(source: BlockSource, root: CID, segments: readonly string[], options: BlockReadOptions = {}): Promise<ResolvedContentPath> {
  if (segments.length === 0) return { target: root, roots: [root], pathBlocks: [], remainder: [] }
  const read: CarBlock[] = []
  const blockstore = blockstoreOver(source, (cid, bytes) => read.push({ cid, bytes }))
  let last: { cid: CID; roots: CID[]; remainder: string[] } | undefined
  try {
    for await (const entry of walkPath(`${root.toString()}/${segments.join('/')}`, blockstore, options.signal === undefined ? {} : { signal: options.signal })) {
      last = entry
    }
  } catch (error) {
    if (error instanceof GatewayError) throw error
    throw new GatewayError('PATH_NOT_FOUND', `/${segments.join('/')} does not exist under ${root.toString()}.`, { cause: error })
  }
  if (last === undefined) throw new GatewayError('PATH_NOT_FOUND', `Nothing at ${root.toString()}.`)
  const target = last.cid
  const seen = new Set<string>()
  const pathBlocks = read.filter((block) => {
    const key = block.cid.toString()
    if (block.cid.equals(target) || seen.has(key)) return false
    seen.add(key)
    return true
  })
  return { target, roots: last.roots, pathBlocks, remainder: last.remainder }
}
