import type { CID } from 'multiformats/cid'
import type { BlockReadOptions, BlockSource } from './block-source.ts'

/** Blocks requested ahead of the one being written (cold reads overlap upstream round trips). */
export const DEFAULT_PREFETCH_WINDOW = 16

/**
 * Reads `cids` in order while up to `window` reads are in flight, so a DFS walk over a
 * wide node (a UnixFS file's 174 chunks) is not one upstream round trip per block.
 * Reads started but not consumed (the caller stopped early) are left to settle quietly.
 */
export async function* prefetchBlocks(source: BlockSource, cids: readonly CID[], window: number, options: BlockReadOptions = {}): AsyncGenerator<Uint8Array> {
  const pending: Promise<Uint8Array>[] = []
  let next = 0
  const startOne = (): void => {
    const cid = cids[next]
    if (cid === undefined) return
    next += 1
    const read = source.getBlock(cid, options)
    // Observed here so an unconsumed failure is never an unhandled rejection.
    read.catch(() => undefined)
    pending.push(read)
  }
  while (next < cids.length && pending.length < window) startOne()
  while (pending.length > 0) {
    const head = pending.shift()
    if (head === undefined) break
    startOne()
    yield await head
  }
}
