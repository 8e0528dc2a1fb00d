import type { CID } from 'multiformats/cid'
import { importer } from 'ipfs-unixfs-importer'
import { fixedSize } from 'ipfs-unixfs-importer/chunker'
import { balanced } from 'ipfs-unixfs-importer/layout'
import type { MemoryBlockSource } from './memory-block-source.ts'

/** One file to add. */
export interface FileToImport {
  /** Relative path inside the directory (`a/b.txt`). */
  readonly path: string
  readonly content: Uint8Array
}

/** How the DAG is built (defaults: kubo's CIDv1 profile, 256 KiB chunks, 174 links per node). */
export interface ImportFilesOptions {
  readonly chunkSizeBytes?: number
  readonly maxChildrenPerNode?: number
  /** Directories whose entries exceed this many bytes become HAMT shards (importer default 256 KiB). */
  readonly shardSplitThresholdBytes?: number
}

/**
 * Adds files as a UnixFS directory (CIDv1, raw leaves, balanced layout) into `blocks`
 * with ipfs-unixfs-importer and returns the directory's CID. Used to seed the demo's
 * and the tests' local upstream.
 */
export async function importFiles(blocks: MemoryBlockSource, files: readonly FileToImport[], options: ImportFilesOptions = {}): Promise<CID> {
  const chunker = fixedSize({ chunkSize: options.chunkSizeBytes ?? 262_144 })
  const layout = balanced({ maxChildrenPerNode: options.maxChildrenPerNode ?? 174 })
  let root: CID | undefined
  const candidates = files.map((file) => ({ path: file.path, content: file.content }))
  const sharding = options.shardSplitThresholdBytes === undefined ? {} : { shardSplitThresholdBytes: options.shardSplitThresholdBytes }
  for await (const entry of importer(candidates, blocks, { cidVersion: 1, rawLeaves: true, wrapWithDirectory: true, chunker, layout, ...sharding })) {
    root = entry.cid
  }
  if (root === undefined) throw new Error('importer produced nothing: give at least one file')
  return root
}

/** Adds one file's bytes (no directory) and returns the file's CID. */
export async function importFileBytes(blocks: MemoryBlockSource, content: Uint8Array, options: ImportFilesOptions = {}): Promise<CID> {
  const chunker = fixedSize({ chunkSize: options.chunkSizeBytes ?? 262_144 })
  const layout = balanced({ maxChildrenPerNode: options.maxChildrenPerNode ?? 174 })
  let root: CID | undefined
  for await (const entry of importer([{ content }], blocks, { cidVersion: 1, rawLeaves: true, chunker, layout })) root = entry.cid
  if (root === undefined) throw new Error('importer produced nothing')
  return root
}
