import type { ServerResponse } from 'node:http'

/** Writes `chunk` and waits for `drain` when the socket buffer is full; rejects when the client went away. */
export async function writeChunk(res: ServerResponse, chunk: Uint8Array): Promise<void> {
  if (res.destroyed) throw new Error('client closed the connection')
  if (res.write(chunk)) return
  await new Promise<void>((resolve, reject) => {
    const cleanup = (): void => {
      res.off('drain', onDrain)
      res.off('close', onClose)
    }
    const onDrain = (): void => {
      cleanup()
      resolve()
    }
    const onClose = (): void => {
      cleanup()
      reject(new Error('client closed the connection'))
    }
    res.on('drain', onDrain)
    res.on('close', onClose)
  })
}
