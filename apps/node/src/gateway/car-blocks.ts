import type { CID } from 'multiformats/cid'
import { UnixFS } from 'ipfs-unixfs'
import * as dagPb from '@ipld/dag-pb'
import { blockLinks, DAG_PB } from './block-codecs.ts'
import type { BlockReadOptions, BlockSource } from './block-source.ts'
import type { CarOptions, EntityBytes } from './gateway-request.ts'
import { prefetchBlocks } from './prefetch-blocks.ts'

/** Multihash code of identity "hashes" (the digest is the data). */
const IDENTITY_MULTIHASH = 0x00

/** One block of a CAR answer. */
export interface CarBlock {
  readonly cid: CID
  readonly bytes: Uint8Array
}

/** Where the walk starts: the resolved target and the blocks that prove the path to it. */
export interface CarStart {
  readonly target: CID
  /** Blocks read to resolve the path, root first (the target's own block excluded). */
  readonly pathBlocks: readonly CarBlock[]
}

/** Inclusive byte range inside a file. */
interface FileRange {
  readonly start: bigint
  readonly end: bigint
}

/**
 * The blocks of a CAR answer in DFS order (trustless gateway spec, IPIP-402): the path
 * blocks, then the target per `dag-scope` — `block`: its block; `entity`: a UnixFS file's
 * whole DAG (only the blocks `entity-bytes` needs when given), a directory's own block
 * (and its HAMT shard blocks), the block of anything else; `all`: the whole DAG. Each
 * block once, unless `duplicates`; identity-CID blocks never (their CID holds the bytes).
 */
export async function* carBlocks(source: BlockSource, start: CarStart, car: CarOptions, window: number, options: BlockReadOptions = {}): AsyncGenerator<CarBlock> {
  const seen = new Set<string>()
  const emit = function* (block: CarBlock): Generator<CarBlock> {
    // Identity CIDs carry their bytes: never a block of the CAR, whatever dups says (trustless gateway spec, "CAR dups").
    if (block.cid.multihash.code === IDENTITY_MULTIHASH) return
    const key = block.cid.toString()
    if (!car.duplicates && seen.has(key)) return
    seen.add(key)
    yield block
  }
  for (const block of start.pathBlocks) yield* emit(block)
  const rootBytes = await source.getBlock(start.target, options)
  const root: CarBlock = { cid: start.target, bytes: rootBytes }
  if (car.scope === 'block') {
    yield* emit(root)
    return
  }
  const walker: Walker = { source, window, options, emit }
  if (car.scope === 'all') {
    yield* walkAll(walker, root)
    return
  }
  yield* walkEntity(walker, root, car.entityBytes)
}

interface Walker {
  readonly source: BlockSource
  readonly window: number
  readonly options: BlockReadOptions
  readonly emit: (block: CarBlock) => Generator<CarBlock>
}

async function* walkAll(walker: Walker, block: CarBlock): AsyncGenerator<CarBlock> {
  yield* walker.emit(block)
  const links = blockLinks(block.cid, block.bytes).map((link) => link.cid)
  let index = 0
  for await (const bytes of prefetchBlocks(walker.source, links, walker.window, walker.options)) {
    const cid = links[index]
    index += 1
    if (cid !== undefined) yield* walkAll(walker, { cid, bytes })
  }
}

async function* walkEntity(walker: Walker, root: CarBlock, entityBytes: EntityBytes | undefined): AsyncGenerator<CarBlock> {
  if (root.cid.code !== DAG_PB) {
    yield* walker.emit(root)
    return
  }
  const unixfs = unixfsOf(root.bytes)
  if (unixfs?.type === 'file' || unixfs?.type === 'raw') {
    const size = unixfs.fileSize()
    const range = entityBytes === undefined ? { start: 0n, end: size - 1n } : resolveEntityBytes(entityBytes, size)
    yield* walkFileRange(walker, root, 0n, range)
    return
  }
  if (unixfs?.type === 'hamt-sharded-directory') {
    yield* walkShards(walker, root)
    return
  }
  yield* walker.emit(root)
}

/** `from:to` against a file of `size` bytes (IPIP-402: negative values count from the end). */
export function resolveEntityBytes(entityBytes: EntityBytes, size: bigint): FileRange | undefined {
  const from = BigInt(entityBytes.from)
  const start = from < 0n ? maxOf(0n, size + from) : from
  const to = entityBytes.to === '*' ? size - 1n : BigInt(entityBytes.to)
  const end = to < 0n ? size + to : minOf(to, size - 1n)
  if (start > end || start >= size) return undefined
  return { start, end }
}

/**
 * A file node and, of its children, those whose bytes overlap `range` (offsets from the
 * UnixFS `blockSizes`, after the node's own data). An empty range keeps just the root,
 * which is what a client needs to learn the size.
 */
async function* walkFileRange(walker: Walker, block: CarBlock, nodeOffset: bigint, range: FileRange | undefined): AsyncGenerator<CarBlock> {
  yield* walker.emit(block)
  if (range === undefined || block.cid.code !== DAG_PB) return
  const node = dagPb.decode(block.bytes)
  const unixfs = unixfsOf(block.bytes)
  if (unixfs === undefined) return
  let offset = nodeOffset + BigInt(unixfs.data?.length ?? 0)
  const wanted: { cid: CID; offset: bigint }[] = []
  node.Links.forEach((link, index) => {
    const size = unixfs.blockSizes[index] ?? 0n
    if (offset <= range.end && offset + size - 1n >= range.start) wanted.push({ cid: link.Hash, offset })
    offset += size
  })
  let index = 0
  for await (const bytes of prefetchBlocks(walker.source, wanted.map((child) => child.cid), walker.window, walker.options)) {
    const child = wanted[index]
    index += 1
    if (child !== undefined) yield* walkFileRange(walker, { cid: child.cid, bytes }, child.offset, range)
  }
}

/** A HAMT directory's shard blocks (links whose name is only the bucket prefix), not its entries. */
async function* walkShards(walker: Walker, block: CarBlock): AsyncGenerator<CarBlock> {
  yield* walker.emit(block)
  const unixfs = unixfsOf(block.bytes)
  const padLength = unixfs?.fanout === undefined ? 2 : (Number(unixfs.fanout) - 1).toString(16).length
  const shards = dagPb.decode(block.bytes).Links.filter((link) => link.Name?.length === padLength).map((link) => link.Hash)
  let index = 0
  for await (const bytes of prefetchBlocks(walker.source, shards, walker.window, walker.options)) {
    const cid = shards[index]
    index += 1
    if (cid !== undefined) yield* walkShards(walker, { cid, bytes })
  }
}

/** The UnixFS data of a dag-pb block, or undefined when it has none (plain dag-pb). */
export function unixfsOf(bytes: Uint8Array): UnixFS | undefined {
  const data = dagPb.decode(bytes).Data
  if (data === undefined) return undefined
  try {
    return UnixFS.unmarshal(data)
  } catch {
    return undefined
  }
}

function maxOf(a: bigint, b: bigint): bigint {
  return a > b ? a : b
}

function minOf(a: bigint, b: bigint): bigint {
  return a < b ? a : b
}
