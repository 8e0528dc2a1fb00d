import type { CacheWriter } from '../../cdn/store/cache-store.ts'

/**
 * A writer that commits only if exactly `expectedBytes` were written: a stored part's
 * body must be the bytes its `Content-Range` names (RFC 9110 §14.4), also when the
 * origin sent no `Content-Length` to check it against up front. A mismatch gives the
 * object up; the client's response is relayed as the origin sent it either way.
 */
export function createLengthCheckedWriter(inner: CacheWriter, expectedBytes: number): CacheWriter {
  let writtenBytes = 0
  return {
    write(chunk) {
      writtenBytes += chunk.byteLength
      return inner.write(chunk)
    },
    async commit() {
      if (writtenBytes !== expectedBytes) {
        await inner.abort()
        return undefined
      }
      return inner.commit()
    },
    abort: () => inner.abort(),
  }
}
