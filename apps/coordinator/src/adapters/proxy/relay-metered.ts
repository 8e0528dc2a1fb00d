import type { Socket } from 'node:net'
import type { Duplex } from 'node:stream'
import type { MeteredConnection } from '../../proxy/proxy-meter.ts'

/**
 * Relays bytes between the buyer's socket and the tunnel stream (a data connection or
 * an HTTP/2 stream), counting both ways at the buyer's socket. Backpressure is end to
 * end: `pipe` pauses the buyer's socket while the stream cannot take more (its TCP
 * buffers or HTTP/2 window are full), and pauses the stream while the buyer reads
 * slowly, so one slow reader holds at most a window of memory and never stalls others. Charges are
 * flushed every `flushBytes`, every `flushIntervalMs` and at the end; a buyer out of
 * balance has the connection closed.
 */
export function relayMetered(client: Socket, stream: Duplex, meter: MeteredConnection, options: { readonly flushIntervalMs: number; readonly onError: (error: unknown) => void }): Promise<void> {
  return new Promise((resolve) => {
    let closed = false
    const flush = (): void => {
      meter.flush().then(
        (exhausted) => {
          if (exhausted) close()
        },
        options.onError,
      )
    }
    const close = (): void => {
      if (closed) return
      closed = true
      clearInterval(timer)
      client.destroy()
      stream.destroy()
      meter.close().then(() => resolve(), (error: unknown) => {
        options.onError(error)
        resolve()
      })
    }
    const timer = setInterval(flush, options.flushIntervalMs)
    timer.unref()
    client.on('data', (chunk: Buffer) => {
      if (meter.add('up', chunk.length)) flush()
    })
    stream.on('data', (chunk: Buffer) => {
      if (meter.add('down', chunk.length)) flush()
    })
    client.on('error', close)
    stream.on('error', close)
    client.once('close', close)
    stream.once('close', close)
    client.pipe(stream)
    stream.pipe(client)
  })
}
