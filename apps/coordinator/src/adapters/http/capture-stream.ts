import { Writable } from 'node:stream'

/** Test support: a stream that keeps everything written to it, for asserting on logs. */
export interface CaptureStream {
  readonly stream: Writable
  text(): string
}

export function createCaptureStream(): CaptureStream {
  const chunks: string[] = []
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      chunks.push(typeof chunk === 'string' ? chunk : chunk.toString('utf8'))
      callback()
    },
  })
  return { stream, text: () => chunks.join('') }
}
