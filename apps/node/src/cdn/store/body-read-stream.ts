import type { FileHandle } from 'node:fs/promises'
import { Readable } from 'node:stream'
import { CacheStoreError } from './cache-store-error.ts'

const CHUNK_BYTES = 64 * 1024

export interface BodyReadStreamParameters {
  /** The body file being opened; the store pins the object until this settles. */
  readonly opening: Promise<FileHandle>
  /** First byte to send. */
  readonly start: number
  /** Last byte to send, inclusive (start - 1 for an empty body). */
  readonly end: number
  /** Called with the whole range once it has been read completely (to fill the memory tier). */
  readonly onComplete?: ((body: Buffer) => void) | undefined
}

/**
 * A byte stream over part of an open body file. The file is opened before the stream
 * exists, so an eviction that unlinks it afterwards cannot break the reader: on Linux
 * an unlinked file stays readable through every descriptor open on it (unlink(2)).
 */
export class BodyReadStream extends Readable {
  readonly #opening: Promise<FileHandle>
  readonly #end: number
  readonly #onComplete: ((body: Buffer) => void) | undefined
  readonly #collected: Buffer[] | undefined
  #position: number
  #handle: FileHandle | undefined

  constructor(parameters: BodyReadStreamParameters) {
    super({ highWaterMark: CHUNK_BYTES })
    this.#opening = parameters.opening
    this.#position = parameters.start
    this.#end = parameters.end
    this.#onComplete = parameters.onComplete
    this.#collected = parameters.onComplete === undefined ? undefined : []
  }

  override _construct(callback: (error?: Error | null) => void): void {
    this.#opening.then(
      (handle) => {
        this.#handle = handle
        callback()
      },
      (error: unknown) => {
        callback(
          new CacheStoreError('CACHE_OBJECT_GONE', 'The cached object was removed before it could be read.', {
            cause: error,
          }),
        )
      },
    )
  }

  override _read(size: number): void {
    const handle = this.#handle
    if (handle === undefined) return
    const remaining = this.#end - this.#position + 1
    if (remaining <= 0) {
      this.#finish()
      return
    }
    const buffer = Buffer.allocUnsafe(Math.min(Math.max(size, CHUNK_BYTES), remaining))
    handle.read(buffer, 0, buffer.length, this.#position).then(
      ({ bytesRead }) => {
        if (bytesRead === 0) {
          this.destroy(new CacheStoreError('CACHE_BODY_TRUNCATED', 'The cached body is shorter than its metadata says.'))
          return
        }
        const chunk = buffer.subarray(0, bytesRead)
        this.#position += bytesRead
        this.#collected?.push(chunk)
        this.push(chunk)
      },
      (error: unknown) => {
        this.destroy(error instanceof Error ? error : new Error(String(error)))
      },
    )
  }

  #finish(): void {
    if (this.#collected !== undefined) this.#onComplete?.(Buffer.concat(this.#collected))
    this.push(null)
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    const handle = this.#handle
    this.#handle = undefined
    if (handle === undefined) {
      callback(error)
      return
    }
    handle.close().then(
      () => callback(error),
      () => callback(error),
    )
  }
}
