import { mkdir, open, rename, rm } from 'node:fs/promises'
import type { FileHandle } from 'node:fs/promises'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import type { StoredResponse } from '../policy/stored-response.ts'
import { BodyReadStream } from './body-read-stream.ts'
import type { CacheLayout } from './cache-layout.ts'
import { allShardNames, newObjectId, resolveCacheLayout } from './cache-layout.ts'
import { CacheStoreError } from './cache-store-error.ts'
import type {
  ByteRange,
  CacheEntry,
  CacheStore,
  CacheStoreStats,
  CacheWriter,
  FillReservation,
  PurgeSelector,
} from './cache-store.ts'
import { fsyncDirectory, writeFileDurably } from './durable-file.ts'
import { FillReservations } from './fill-reservations.ts'
import { KeyedLock } from './keyed-lock.ts'
import type { IndexedObject } from './lru-index.ts'
import { LruIndex } from './lru-index.ts'
import { MemoryTier } from './memory-tier.ts'
import type { ObjectMetadata } from './object-metadata.ts'
import { encodeObjectMetadata } from './object-metadata.ts'
import type { ObjectWriterHost, StagedObject } from './object-writer.ts'
import { ObjectWriter } from './object-writer.ts'
import { hashFile } from './hash-file.ts'
import { scanCacheDir } from './scan-cache-dir.ts'
import type { OpenDiskCacheStoreParameters, StoreLimits } from './store-limits.ts'
import { parseStoreLimits } from './store-limits.ts'
import type { StoreLogger } from './store-logger.ts'
import { silentLogger } from './store-logger.ts'

export type { OpenDiskCacheStoreParameters } from './store-limits.ts'

/**
 * Opens (or creates) the disk cache under `<dataDir>/cache/`: empties `tmp/`, discards
 * torn or corrupt objects, verifies every body's SHA-256 and rebuilds the in-memory
 * index. See README.md for the format and the crash-safety argument.
 */
export async function openDiskCacheStore(parameters: OpenDiskCacheStoreParameters): Promise<CacheStore> {
  const limits = parseStoreLimits(parameters)
  const logger = parameters.logger ?? silentLogger
  const layout = resolveCacheLayout(parameters.dataDir)
  await mkdir(layout.rootDir, { recursive: true })
  const verifyBodiesOnOpen = parameters.verifyBodiesOnOpen ?? false
  const scan = await scanCacheDir(layout, logger, { verifyBodies: verifyBodiesOnOpen })
  await Promise.all(allShardNames().map((name) => mkdir(join(layout.rootDir, name), { recursive: true })))
  await fsyncDirectory(layout.rootDir)
  const store = new DiskCacheStore({
    layout,
    limits,
    logger,
    clock: parameters.clock ?? Date.now,
    discardedOnStart: scan.discarded,
  })
  await store.load(scan.objects, scan.metadataBytes, !verifyBodiesOnOpen)
  return store
}

interface DiskCacheStoreInit {
  readonly layout: CacheLayout
  readonly limits: StoreLimits
  readonly logger: StoreLogger
  readonly clock: () => number
  readonly discardedOnStart: number
}

class DiskCacheStore implements CacheStore {
  readonly #layout: CacheLayout
  readonly #limits: StoreLimits
  readonly #logger: StoreLogger
  readonly #clock: () => number
  readonly #discardedOnStart: number
  readonly #index = new LruIndex()
  readonly #memory: MemoryTier
  readonly #locks = new KeyedLock()
  readonly #writers = new Set<ObjectWriter>()
  /** Fills whose origin request is out and whose writer may not exist yet. */
  readonly #reservations = new FillReservations()
  readonly #background = new Set<Promise<void>>()
  /** Body files being opened, per object id: removal waits for them (see #deleteFiles). */
  readonly #opening = new Map<string, Set<Promise<unknown>>>()
  readonly #writerHost: ObjectWriterHost
  /** Objects found on open whose body has not been hashed yet: verified in the background and on first read. */
  readonly #unverified = new Set<string>()
  readonly #verifying = new Map<string, Promise<boolean>>()
  #isClosing = false
  #evictions = 0
  #closing: Promise<void> | undefined

  constructor(init: DiskCacheStoreInit) {
    this.#layout = init.layout
    this.#limits = init.limits
    this.#logger = init.logger
    this.#clock = init.clock
    this.#discardedOnStart = init.discardedOnStart
    this.#memory = new MemoryTier({ maxBytes: init.limits.memoryMaxBytes, maxObjectBytes: init.limits.memoryMaxObjectBytes })
    this.#writerHost = {
      maxObjectBytes: Math.min(init.limits.maxObjectBytes, init.limits.maxBytes),
      memoryMaxObjectBytes: Math.min(init.limits.memoryMaxObjectBytes, init.limits.memoryMaxBytes),
      logger: init.logger,
      publish: (staged) => this.#publish(staged),
      release: (writer) => this.#writers.delete(writer),
    }
  }

  /** Indexes the objects found on disk, oldest first, so the LRU order starts as commit order. */
  async load(objects: readonly ObjectMetadata[], metadataBytes: ReadonlyMap<string, number>, isUnverified: boolean): Promise<void> {
    const ordered = [...objects].sort((a, b) => a.storedAtMs - b.storedAtMs || a.id.localeCompare(b.id))
    for (const metadata of ordered) {
      if (isUnverified) this.#unverified.add(metadata.id)
      const replaced = this.#index.add(toIndexedObject(metadata, metadataBytes.get(metadata.id)))
      // Two objects for one key: a crash hit between a replacing commit and the removal
      // of the object it replaced. The later commit wins, as it did before the crash.
      if (replaced !== undefined) await this.#deleteFiles(replaced.entry.id)
    }
    this.#evictOverQuota()
    if (this.#unverified.size > 0) this.#track(this.#verifyInBackground())
  }

  /** Hashes the unverified bodies one at a time (serving goes on meanwhile); stops at close. */
  async #verifyInBackground(): Promise<void> {
    for (const id of [...this.#unverified]) {
      if (this.#isClosing) return
      await this.#verify(id)
    }
  }

  /**
   * True when the body matches its recorded SHA-256 (at once for a verified object);
   * a body that does not is removed, so it is never served.
   */
  #verify(id: string): Promise<boolean> {
    if (!this.#unverified.has(id)) return Promise.resolve(this.#index.get(id) !== undefined)
    let verifying = this.#verifying.get(id)
    if (verifying === undefined) {
      verifying = this.#hashAndSettle(id).finally(() => this.#verifying.delete(id))
      this.#verifying.set(id, verifying)
    }
    return verifying
  }

  async #hashAndSettle(id: string): Promise<boolean> {
    const indexed = this.#index.get(id)
    if (indexed === undefined) {
      this.#unverified.delete(id)
      return false
    }
    const { sizeBytes, sha256 } = indexed.entry.response
    const digest = await hashFile(this.#layout.bodyPath(id), sizeBytes).catch(() => undefined)
    this.#unverified.delete(id)
    if (digest !== undefined && digest.sizeBytes === sizeBytes && digest.sha256 === sha256) return true
    this.#logger.warn({ objectId: id, reason: digest === undefined ? 'unreadable' : 'body sha256 mismatch' }, 'corrupt cache object discarded')
    await this.#removeDurably([id])
    return false
  }

  lookup(primaryKey: string): readonly CacheEntry[] {
    const variants = this.#index.variants(primaryKey)
    for (const variant of variants) this.#index.touch(variant.entry.id)
    return variants.map((variant) => variant.entry)
  }

  readFromMemory(entry: CacheEntry): Uint8Array | undefined {
    return this.#memory.get(entry.id)
  }

  createReadStream(entry: CacheEntry, range?: ByteRange): Readable {
    const { id } = entry
    const sizeBytes = entry.response.sizeBytes
    const start = range?.start ?? 0
    const end = range?.end ?? sizeBytes - 1
    if (range !== undefined && !isRangeWithin(range, sizeBytes)) {
      throw new CacheStoreError('CACHE_RANGE_INVALID', 'The byte range lies outside the cached body.', {
        details: `range ${range.start}-${range.end} of ${sizeBytes} bytes`,
      })
    }
    const body = this.#memory.get(id)
    if (body !== undefined) return Readable.from(end < start ? [] : [body.subarray(start, end + 1)], { objectMode: false })
    // An object not verified yet is hashed first (once); a body that fails is never opened.
    // Only the open(2) itself is pinned: a removal (of a corrupt body too) waits for it.
    const openBody = (): Promise<FileHandle> => {
      const handle = open(this.#layout.bodyPath(id), 'r')
      this.#pin(id, handle)
      return handle
    }
    const opening = this.#unverified.has(id)
      ? this.#verify(id).then((isIntact) => {
          if (!isIntact) throw new CacheStoreError('CACHE_OBJECT_CORRUPT', 'The cached body does not match its SHA-256; it was removed.')
          return openBody()
        })
      : openBody()
    const isWholeSmallBody = start === 0 && end === sizeBytes - 1 && this.#memory.accepts(sizeBytes)
    return new BodyReadStream({
      opening,
      start,
      end,
      onComplete: isWholeSmallBody
        ? (whole) => {
            // Only a body that is still indexed, and read in full, may enter the memory tier.
            if (this.#index.get(id) !== undefined && whole.length === sizeBytes) this.#memory.set(id, whole)
          }
        : undefined,
    })
  }

  reserveFill(primaryKey: string): FillReservation {
    return this.#reservations.reserve(primaryKey)
  }

  beginWrite(response: Omit<StoredResponse, 'sizeBytes' | 'sha256'>, surrogateKeys: readonly string[], reservation?: FillReservation): CacheWriter {
    const id = newObjectId()
    const writer = new ObjectWriter(this.#writerHost, {
      id,
      tmpBodyPath: this.#layout.tmpBodyPath(id),
      response,
      surrogateKeys: [...surrogateKeys],
      ...(reservation === undefined ? {} : { isInvalidatedSinceReservation: () => reservation.isInvalidated }),
    })
    if (this.#closing !== undefined) void writer.abort()
    else this.#writers.add(writer)
    return writer
  }

  async updateResponse(entry: CacheEntry, response: StoredResponse): Promise<CacheEntry | undefined> {
    return this.#locks.run(idLockKey(entry.id), async () => {
      const current = this.#index.get(entry.id)
      if (current === undefined) return undefined
      const stored = current.entry.response
      // The body is unchanged by a 304 (RFC 9111 §4.3.4), so are its size, hash and keys.
      const updated: StoredResponse = {
        ...response,
        primaryKey: stored.primaryKey,
        secondaryKey: stored.secondaryKey,
        sizeBytes: stored.sizeBytes,
        sha256: stored.sha256,
      }
      const metadata: ObjectMetadata = {
        id: entry.id,
        storedAtMs: current.storedAtMs,
        surrogateKeys: current.entry.surrogateKeys,
        response: updated,
      }
      const tmpMetaPath = this.#layout.tmpMetaPath(entry.id, 'update')
      try {
        await rm(tmpMetaPath, { force: true })
        await writeFileDurably(tmpMetaPath, encodeObjectMetadata(metadata))
        // rename(2) replaces the old metadata atomically; the body file is not touched.
        await rename(tmpMetaPath, this.#layout.metaPath(entry.id))
        await fsyncDirectory(this.#layout.shardDir(entry.id))
      } catch (error) {
        this.#logger.warn({ err: error, objectId: entry.id }, 'cache metadata update failed')
        await rm(tmpMetaPath, { force: true })
        return undefined
      }
      // An eviction may have dropped it meanwhile; its files go once this lock is released.
      if (this.#index.get(entry.id) !== current) return undefined
      const next = toIndexedObject(metadata)
      this.#index.update(next)
      return next.entry
    })
  }

  async remove(entry: CacheEntry): Promise<void> {
    await this.#removeDurably([entry.id])
  }

  async removeByPrimaryKey(primaryKey: string): Promise<number> {
    // Objects still being filled for this key are doomed too: a fill that started before
    // the invalidation must not publish after it (see docs/adr/0009).
    for (const writer of this.#writers) if (writer.primaryKey === primaryKey) writer.invalidate()
    this.#reservations.invalidateWhere((reserved) => reserved === primaryKey)
    return this.#removeDurably(this.#index.variants(primaryKey).map((variant) => variant.entry.id))
  }

  async purge(selector: PurgeSelector): Promise<number> {
    const urls = new Set(selector.urls ?? [])
    const prefixes = selector.prefixes ?? []
    const surrogateKeys = new Set(selector.surrogateKeys ?? [])
    const scopePrefix = selector.scopePrefix ?? ''
    const ids: string[] = []
    for (const writer of this.#writers) {
      if (matchesPurge(writer.primaryKey, writer.surrogateKeys, { urls, prefixes, surrogateKeys, scopePrefix })) writer.invalidate()
    }
    // A reserved fill's surrogate keys come with the origin's headers, not known yet: a
    // purge by key dooms every reserved fill in its scope (purges are rare; a lost fill is a miss).
    this.#reservations.invalidateWhere(
      (reserved) => (surrogateKeys.size > 0 && reserved.startsWith(scopePrefix)) || matchesPurge(reserved, [], { urls, prefixes, surrogateKeys, scopePrefix }),
    )
    // A full scan: purges are rare and the index is in memory, so no extra indexes to keep.
    for (const { entry } of this.#index.values()) {
      if (matchesPurge(entry.response.primaryKey, entry.surrogateKeys, { urls, prefixes, surrogateKeys, scopePrefix })) ids.push(entry.id)
    }
    return this.#removeDurably(ids)
  }

  stats(): CacheStoreStats {
    return {
      objects: this.#index.size,
      storedBytes: this.#index.totalBytes,
      memoryObjects: this.#memory.count,
      memoryBytes: this.#memory.bytes,
      evictions: this.#evictions,
      discardedOnStart: this.#discardedOnStart,
    }
  }

  close(): Promise<void> {
    this.#closing ??= this.#close()
    return this.#closing
  }

  async #close(): Promise<void> {
    this.#isClosing = true
    // Writers still taking chunks are aborted; commits already under way are finished.
    await Promise.all([...this.#writers].map((writer) => (writer.isOpen ? writer.abort() : writer.commit())))
    while (this.#background.size > 0) await Promise.allSettled([...this.#background])
  }

  async #publish(staged: StagedObject): Promise<CacheEntry | undefined> {
    const { primaryKey, secondaryKey } = staged.response
    // One commit per cache key at a time, so the index order and storedAtMs order agree.
    return this.#locks.run(JSON.stringify(['key', primaryKey, secondaryKey]), async () => {
      const previous = this.#index.variants(primaryKey).find((variant) => variant.entry.response.secondaryKey === secondaryKey)
      const metadata: ObjectMetadata = {
        id: staged.id,
        // Strictly after the object it replaces, so a restart picks the same winner.
        storedAtMs: Math.max(this.#clock(), (previous?.storedAtMs ?? Number.NEGATIVE_INFINITY) + 1),
        surrogateKeys: staged.surrogateKeys,
        response: staged.response,
      }
      const tmpMetaPath = this.#layout.tmpMetaPath(staged.id, 'commit')
      const encoded = encodeObjectMetadata(metadata)
      // Body and metadata together must fit the quota, or committing would evict everything.
      if (staged.response.sizeBytes + encoded.byteLength > this.#limits.maxBytes) {
        await rm(staged.tmpBodyPath, { force: true })
        return undefined
      }
      try {
        await writeFileDurably(tmpMetaPath, encoded)
        // Body first, metadata last: the metadata file appearing is the commit point.
        await rename(staged.tmpBodyPath, this.#layout.bodyPath(staged.id))
        await rename(tmpMetaPath, this.#layout.metaPath(staged.id))
        await fsyncDirectory(this.#layout.shardDir(staged.id))
      } catch (error) {
        this.#logger.warn({ err: error, objectId: staged.id }, 'cache commit failed; object given up')
        await Promise.all(
          [tmpMetaPath, staged.tmpBodyPath, this.#layout.metaPath(staged.id), this.#layout.bodyPath(staged.id)].map(
            (path) => rm(path, { force: true }),
          ),
        )
        return undefined
      }
      // Checked after the last await and before indexing, with nothing in between: an
      // invalidation either marked this object already or will find it in the index.
      if (staged.isInvalidated()) {
        this.#track(this.#deleteFiles(staged.id))
        return undefined
      }
      const indexed = toIndexedObject(metadata, encoded.byteLength)
      const replaced = this.#index.add(indexed)
      if (replaced !== undefined) {
        this.#memory.delete(replaced.entry.id)
        this.#track(this.#deleteFiles(replaced.entry.id))
      }
      if (staged.memoryBody !== undefined) this.#memory.set(staged.id, staged.memoryBody)
      this.#evictOverQuota()
      return indexed.entry
    })
  }

  /** Evicts least recently used objects until the disk tier is within its quota. */
  #evictOverQuota(): void {
    while (this.#index.totalBytes > this.#limits.maxBytes) {
      const oldest = this.#index.leastRecentlyUsed()
      if (oldest === undefined) return
      this.#index.delete(oldest.entry.id)
      this.#memory.delete(oldest.entry.id)
      this.#evictions += 1
      this.#track(this.#deleteFiles(oldest.entry.id))
    }
  }

  /** Drops objects from the index now and from disk durably; returns how many were indexed. */
  async #removeDurably(ids: readonly string[]): Promise<number> {
    let removed = 0
    for (const id of ids) {
      if (this.#index.delete(id) !== undefined) removed += 1
      this.#memory.delete(id)
    }
    await Promise.all(ids.map((id) => this.#deleteFiles(id)))
    // Without this a purge could come back after a power cut.
    const shards = new Set(ids.map((id) => this.#layout.shardDir(id)))
    await Promise.all([...shards].map((shard) => fsyncDirectory(shard)))
    return removed
  }

  /**
   * Unlinks an object's files once every open of its body already started has finished:
   * a reader that got a descriptor keeps reading the unlinked inode (unlink(2)).
   */
  #deleteFiles(id: string): Promise<void> {
    return this.#locks.run(idLockKey(id), async () => {
      await Promise.allSettled([...(this.#opening.get(id) ?? [])])
      // Metadata first: a crash in between leaves a body without metadata, which the next
      // open deletes, never metadata pointing at a missing body that could be served.
      await rm(this.#layout.metaPath(id), { force: true })
      await rm(this.#layout.bodyPath(id), { force: true })
    })
  }

  #pin(id: string, opening: Promise<unknown>): void {
    const pins = this.#opening.get(id) ?? new Set<Promise<unknown>>()
    pins.add(opening)
    this.#opening.set(id, pins)
    const unpin = (): void => {
      pins.delete(opening)
      if (pins.size === 0 && this.#opening.get(id) === pins) this.#opening.delete(id)
    }
    opening.then(unpin, unpin)
  }

  #track(task: Promise<void>): void {
    const tracked = task
      .catch((error: unknown) => this.#logger.warn({ err: error }, 'cache background removal failed'))
      .finally(() => this.#background.delete(tracked))
    this.#background.add(tracked)
  }
}

interface PurgeMatcher {
  readonly urls: ReadonlySet<string>
  readonly prefixes: readonly string[]
  readonly surrogateKeys: ReadonlySet<string>
  readonly scopePrefix: string
}

function matchesPurge(primaryKey: string, objectSurrogateKeys: readonly string[], matcher: PurgeMatcher): boolean {
  if (!primaryKey.startsWith(matcher.scopePrefix)) return false
  return (
    matcher.urls.has(primaryKey) ||
    matcher.prefixes.some((prefix) => primaryKey.startsWith(prefix)) ||
    objectSurrogateKeys.some((key) => matcher.surrogateKeys.has(key))
  )
}

function idLockKey(id: string): string {
  return `id:${id}`
}

/** An object as the index holds it; its size for the quota is its body plus its metadata file. */
function toIndexedObject(metadata: ObjectMetadata, metadataBytes: number = encodeObjectMetadata(metadata).byteLength): IndexedObject {
  return {
    entry: { id: metadata.id, response: metadata.response, surrogateKeys: metadata.surrogateKeys },
    sizeBytes: metadata.response.sizeBytes + metadataBytes,
    storedAtMs: metadata.storedAtMs,
  }
}

function isRangeWithin(range: ByteRange, sizeBytes: number): boolean {
  return (
    Number.isSafeInteger(range.start) &&
    Number.isSafeInteger(range.end) &&
    range.start >= 0 &&
    range.start <= range.end &&
    range.end < sizeBytes
  )
}

