import { createHash } from 'node:crypto'
import type { FileHandle } from 'node:fs/promises'
import { open } from 'node:fs/promises'
import type { StoredResponse } from '../policy/stored-response.ts'
import type { CacheEntry, CacheWriter } from './cache-store.ts'
import { removeFileIfExists } from './durable-file.ts'
import type { StoreLogger } from './store-logger.ts'

/** A body fully written to its temp file and fsynced, ready to be published. */
export interface StagedObject {
  readonly id: string
  readonly tmpBodyPath: string
  readonly response: StoredResponse
  readonly surrogateKeys: readonly string[]
  /** The whole body when it is small enough for the memory tier. */
  readonly memoryBody: Buffer | undefined
  /**
   * True once an invalidation or purge named this object while it was being written:
   * it must then never become visible (the unsafe request's answer wins the race).
   */
  readonly isInvalidated: () => boolean
}

/** What a writer needs from its store. */
export interface ObjectWriterHost {
  /** Bodies larger than this are given up while they are written. */
  readonly maxObjectBytes: number
  /** Bodies up to this size are kept in memory while written (for the memory tier). */
  readonly memoryMaxObjectBytes: number
  readonly logger: StoreLogger
  /** Publishes a staged object (renames it into place, indexes it); undefined if it could not. */
  publish(staged: StagedObject): Promise<CacheEntry | undefined>
  /** Called once the writer is done (committed, given up or aborted). */
  release(writer: ObjectWriter): void
}

export interface ObjectWriterParameters {
  readonly id: string
  readonly tmpBodyPath: string
  readonly response: Omit<StoredResponse, 'sizeBytes' | 'sha256'>
  readonly surrogateKeys: readonly string[]
  /** Invalidated before the writer existed (its fill was reserved before the origin request). */
  readonly isInvalidatedSinceReservation?: () => boolean
}

type WriterState = 'open' | 'committing' | 'done'

/**
 * Streams one body into `tmp/<id>.body`, hashing it on the way (SHA-256), and hands it
 * to the store on commit. Failures while writing (too large, disk full) give the object
 * up quietly: the response being served must not fail because the cache could not
 * keep it.
 */
export class ObjectWriter implements CacheWriter {
  readonly id: string
  readonly #host: ObjectWriterHost
  readonly #parameters: ObjectWriterParameters
  readonly #hash = createHash('sha256')
  #state: WriterState = 'open'
  #sizeBytes = 0
  #memoryChunks: Buffer[] | undefined = []
  #handle: Promise<FileHandle> | undefined
  #queue: Promise<void> = Promise.resolve()
  #commitResult: Promise<CacheEntry | undefined> | undefined
  #isInvalidated = false

  constructor(host: ObjectWriterHost, parameters: ObjectWriterParameters) {
    this.#host = host
    this.#parameters = parameters
    this.id = parameters.id
  }

  /** Whether the writer still takes chunks (not committing, given up or aborted). */
  get isOpen(): boolean {
    return this.#state === 'open'
  }

  /** The primary key the object is written under. */
  get primaryKey(): string {
    return this.#parameters.response.primaryKey
  }

  get surrogateKeys(): readonly string[] {
    return this.#parameters.surrogateKeys
  }

  /**
   * Marks the object as invalidated (RFC 9111 §4.4, or a purge) while it is still being
   * filled or committed: its commit then gives it up instead of publishing it.
   */
  invalidate(): void {
    this.#isInvalidated = true
  }

  get #isDoomed(): boolean {
    return this.#isInvalidated || this.#parameters.isInvalidatedSinceReservation?.() === true
  }

  write(chunk: Uint8Array): Promise<void> {
    // Chunks are applied strictly in order even if a caller does not await each write.
    this.#queue = this.#queue.then(() => this.#writeChunk(chunk))
    return this.#queue
  }

  commit(): Promise<CacheEntry | undefined> {
    this.#commitResult ??= this.#commit()
    return this.#commitResult
  }

  async abort(): Promise<void> {
    if (this.#state === 'committing') {
      await this.#commitResult
      return
    }
    await this.#giveUp('aborted')
  }

  async #writeChunk(chunk: Uint8Array): Promise<void> {
    if (this.#state !== 'open') return
    this.#sizeBytes += chunk.byteLength
    if (this.#sizeBytes > this.#host.maxObjectBytes) {
      await this.#giveUp('too-large')
      return
    }
    this.#hash.update(chunk)
    if (this.#memoryChunks !== undefined) {
      // Copied: the caller may reuse its buffer once the write resolves.
      if (this.#sizeBytes <= this.#host.memoryMaxObjectBytes) this.#memoryChunks.push(Buffer.from(chunk))
      else this.#memoryChunks = undefined
    }
    try {
      const handle = await this.#openTmp()
      let offset = 0
      while (offset < chunk.byteLength) {
        const { bytesWritten } = await handle.write(chunk, offset, chunk.byteLength - offset)
        offset += bytesWritten
      }
    } catch (error) {
      // After an abort the handle is closed under a pending write: that is not a failure.
      if (!this.isOpen) return
      this.#host.logger.warn({ err: error, objectId: this.id }, 'cache write failed; object given up')
      await this.#giveUp('io-error')
    }
  }

  async #commit(): Promise<CacheEntry | undefined> {
    await this.#queue
    if (this.#state !== 'open') return undefined
    if (this.#isDoomed) {
      await this.#giveUp('aborted')
      return undefined
    }
    this.#state = 'committing'
    try {
      const handle = await this.#openTmp()
      await handle.sync()
      await handle.close()
    } catch (error) {
      this.#host.logger.warn({ err: error, objectId: this.id }, 'cache commit failed; object given up')
      this.#state = 'open'
      await this.#giveUp('io-error')
      return undefined
    }
    const response: StoredResponse = {
      ...this.#parameters.response,
      sizeBytes: this.#sizeBytes,
      sha256: this.#hash.digest('hex'),
    }
    try {
      return await this.#host.publish({
        id: this.id,
        tmpBodyPath: this.#parameters.tmpBodyPath,
        response,
        surrogateKeys: this.#parameters.surrogateKeys,
        memoryBody: this.#memoryChunks === undefined ? undefined : Buffer.concat(this.#memoryChunks),
        isInvalidated: () => this.#isDoomed,
      })
    } finally {
      this.#memoryChunks = undefined
      this.#state = 'done'
      this.#host.release(this)
    }
  }

  #openTmp(): Promise<FileHandle> {
    // 'wx': the id is fresh, so an existing file would be a bug, never something to overwrite.
    this.#handle ??= open(this.#parameters.tmpBodyPath, 'wx')
    return this.#handle
  }

  async #giveUp(reason: 'too-large' | 'io-error' | 'aborted'): Promise<void> {
    if (this.#state !== 'open') return
    this.#state = 'done'
    this.#memoryChunks = undefined
    if (reason === 'too-large') this.#host.logger.info({ objectId: this.id }, 'cache object over the size limit; given up')
    const handle = this.#handle
    if (handle !== undefined) {
      try {
        await (await handle).close()
      } catch {
        // Already closed, or never opened: either way nothing is left to close.
      }
    }
    await removeFileIfExists(this.#parameters.tmpBodyPath)
    this.#host.release(this)
  }
}
