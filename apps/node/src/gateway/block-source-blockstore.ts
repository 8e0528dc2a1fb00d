import type { CID } from 'multiformats/cid'
import type { BlockSource } from './block-source.ts'

/** The read side of interface-blockstore, as ipfs-unixfs-exporter asks for it. */
/** interface-store's AbortOptions, restated so we need not depend on that package. */
export interface AbortOptions {
  signal?: AbortSignal
}

export interface ReadableBlockstore {
  get(cid: CID, options?: AbortOptions): AsyncGenerator<Uint8Array>
}

/**
 * ipfs-unixfs-exporter's blockstore over a verified {@link BlockSource}, so the exporter
 * only ever sees blocks that match their CIDs. `onBlock` sees each block it reads, in
 * order (path resolution records the blocks that prove a path).
 */
export function blockstoreOver(source: BlockSource, onBlock?: (cid: CID, bytes: Uint8Array) => void): ReadableBlockstore {
  return {
    async *get(cid: CID, options: AbortOptions = {}): AsyncGenerator<Uint8Array> {
      const bytes = await source.getBlock(cid, options.signal === undefined ? {} : { signal: options.signal })
      onBlock?.(cid, bytes)
      yield bytes
    },
  }
}
