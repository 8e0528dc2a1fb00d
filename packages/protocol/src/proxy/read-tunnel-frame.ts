import type { Readable } from 'node:stream'
import type { DataFrameParse } from './tunnel-data-protocol.ts'

/**
 * Reads one small framed message from the start of a stream (the tunnel's magic, data
 * hello, request or reply): bounded to `maxBytes` and `timeoutMs` (none: an idle
 * data connection waits for its request as long as it stays open). On success the stream
 * is paused with the bytes after the message put back, so whoever reads next (a pipe,
 * an HTTP/2 session) sees them. Undefined when the bytes are not such a message, the
 * stream ends first or time runs out; the caller closes it.
 */
export function readTunnelFrame<T>(stream: Readable, parse: (bytes: Buffer) => DataFrameParse<T>, options: { readonly maxBytes: number; readonly timeoutMs?: number }): Promise<T | undefined> {
  return new Promise((resolve) => {
    let buffer: Buffer = Buffer.alloc(0)
    const finish = (value: T | undefined, rest?: Buffer): void => {
      clearTimeout(timer)
      stream.off('data', onData)
      stream.off('end', onEnd)
      stream.off('close', onEnd)
      stream.pause()
      if (rest !== undefined && rest.length > 0) stream.unshift(rest)
      resolve(value)
    }
    const onData = (chunk: Buffer): void => {
      buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk])
      const parsed = parse(buffer)
      if (parsed.status === 'ok') return finish(parsed.value, buffer.subarray(parsed.consumed))
      if (parsed.status === 'invalid' || buffer.length >= options.maxBytes) finish(undefined)
    }
    const onEnd = (): void => finish(undefined)
    const timer = options.timeoutMs === undefined ? undefined : setTimeout(onEnd, options.timeoutMs)
    stream.on('data', onData)
    stream.once('end', onEnd)
    stream.once('close', onEnd)
    // A stream paused before (by an earlier frame) does not flow again on a new listener alone.
    stream.resume()
  })
}
