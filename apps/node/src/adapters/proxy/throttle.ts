import { Transform } from 'node:stream'
import type { TokenBucket } from '../../proxy/token-bucket.ts'

/** A pass-through that holds each chunk until the shared bucket allows it (the exit's bandwidth cap). */
export function createThrottle(bucket: TokenBucket): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      const waitMs = bucket.take(chunk.length)
      if (waitMs === 0) callback(null, chunk)
      else setTimeout(() => callback(null, chunk), waitMs)
    },
  })
}
