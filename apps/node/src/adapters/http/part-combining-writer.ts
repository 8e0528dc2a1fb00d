import type { Readable } from 'node:stream'
import type { PartCombination } from '../../cdn/policy/index.ts'
import type { CacheEntry, CacheStore, CacheWriter } from '../../cdn/store/cache-store.ts'

/**
 * A writer that stores the union of a stored part and a new one (RFC 9111 §3.4): the
 * stored bytes before the new body are written first, the new body as it streams,
 * the stored bytes after it just before the commit. A stored part that can no longer
 * be read (evicted, purged), or a new body that is not exactly its range, gives the
 * combined object up; the client's response is
 * the new body alone and never depends on it.
 */
export function createPartCombiningWriter(store: CacheStore, inner: CacheWriter, stored: CacheEntry, plan: PartCombination, newBodyBytes: number): CacheWriter {
  let failed = false
  let newBytes = 0
  const copy = async (range: { readonly start: number; readonly end: number }): Promise<void> => {
    if (failed) return
    try {
      await copyInto(store.createReadStream(stored, range), inner)
    } catch {
      failed = true
    }
  }
  let queue: Promise<void> = plan.prefix === undefined ? Promise.resolve() : copy(plan.prefix)
  return {
    write(chunk) {
      newBytes += chunk.byteLength
      queue = queue.then(() => inner.write(chunk))
      return queue
    },
    async commit() {
      await queue
      if (plan.suffix !== undefined) await copy(plan.suffix)
      if (failed || newBytes !== newBodyBytes) {
        await inner.abort()
        return undefined
      }
      return inner.commit()
    },
    async abort() {
      await queue.catch(() => undefined)
      await inner.abort()
    },
  }
}

async function copyInto(source: Readable, writer: CacheWriter): Promise<void> {
  for await (const chunk of source) {
    if (!(chunk instanceof Uint8Array)) throw new TypeError('a body stream yields bytes')
    await writer.write(chunk)
  }
}
