import type { Readable } from 'node:stream'
import type { CID } from 'multiformats/cid'
import { base32 } from 'multiformats/bases/base32'
import type { BlockCache } from '../../gateway/block-source.ts'
import type { CacheStore } from '../../cdn/store/cache-store.ts'

/**
 * Primary-key prefix of IPFS blocks in the node's store. Not a URL any zone can produce
 * (zone keys are `http://<zone>.zone.invalid/...`), so blocks and CDN objects never mix,
 * and one block serves every gateway zone (a CID names immutable bytes).
 */
export const BLOCK_KEY_PREFIX = 'ipfs-block:'

/**
 * Verified IPFS blocks in the node's disk store (with its quota, LRU eviction, memory
 * tier and crash-safe writes), keyed by the CIDv1 base32 of the block, so a CIDv0 and
 * its CIDv1 share one entry when their codec and multihash agree.
 */
export function createCacheStoreBlockCache(store: CacheStore, nowMs: () => number): BlockCache {
  return {
    async get(cid: CID): Promise<Uint8Array | undefined> {
      const entry = store.lookup(blockKey(cid))[0]
      if (entry === undefined) return undefined
      const inMemory = store.readFromMemory(entry)
      if (inMemory !== undefined) return inMemory
      try {
        return await readAll(store.createReadStream(entry))
      } catch {
        // Evicted between lookup and read: a miss, the fetcher goes upstream.
        return undefined
      }
    },
    async put(cid: CID, bytes: Uint8Array): Promise<void> {
      const now = nowMs()
      const writer = store.beginWrite(
        { primaryKey: blockKey(cid), secondaryKey: '', status: 200, headers: {}, varyRequestHeaders: {}, requestTimeMs: now, responseTimeMs: now },
        [],
      )
      try {
        await writer.write(bytes)
        await writer.commit()
      } catch {
        // A full or failing disk only costs a later refetch; the verified block is still served.
        await writer.abort()
      }
    },
  }
}

function blockKey(cid: CID): string {
  return `${BLOCK_KEY_PREFIX}${cid.toV1().toString(base32)}`
}

async function readAll(stream: Readable): Promise<Uint8Array> {
  const chunks: Buffer[] = []
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)))
  return chunks.length === 1 && chunks[0] !== undefined ? chunks[0] : Buffer.concat(chunks)
}
