import type { Readable, Writable } from 'node:stream'

/**
 * `source.pipe(destination)` with a deeper queue and batched writes, for bulk relays:
 * - pipe pauses the source whenever `write` returns false, i.e. as soon as the
 *   destination holds one highWaterMark (64 KiB; node:http2 streams take no option to
 *   raise it), so a relay moves one socket read per round trip through the event loop.
 *   Here the source pauses only once `maxQueuedBytes` wait in the destination, and
 *   resumes on 'drain': still end-to-end backpressure, memory bounded per stream.
 * - The destination is corked until the end of the tick whenever data arrives: nghttp2
 *   hands DATA frames over at most 16 KiB each whatever SETTINGS_MAX_FRAME_SIZE says,
 *   so into a TCP socket a plain pipe costs one write syscall per 16 KiB; corked, the
 *   frames of one socket read leave in one writev.
 * The source's end ends the destination (as pipe does); errors and close are the caller's.
 */
export function pipeDeep(source: Readable, destination: Writable, maxQueuedBytes: number): void {
  const uncork = (): void => destination.uncork()
  const resume = (): void => void source.resume()
  source.on('data', (chunk: Buffer) => {
    if (destination.writableCorked === 0) {
      destination.cork()
      process.nextTick(uncork)
    }
    if (!destination.write(chunk) && destination.writableLength >= maxQueuedBytes) {
      source.pause()
      destination.once('drain', resume)
    }
  })
  source.once('end', () => destination.end())
}
