import { createHash } from 'node:crypto'
import { mkdir, open, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import type { FileHandle } from 'node:fs/promises'
import { join } from 'node:path'
import { silentLogger } from '../cdn/engine/logger.ts'
import type { Logger } from '../cdn/engine/logger.ts'
import { fsyncDirectory, writeFileDurably } from '../cdn/store/durable-file.ts'

/** Where a segment is: written but not yet confirmed to the coordinator, or confirmed. */
export type SegmentState = 'pending' | 'held'

export interface SegmentInfo {
  readonly segment: number
  readonly size: number
  readonly state: SegmentState
  /** Lowercase hex SHA-256 of the whole segment (known for pending segments, to confirm them again). */
  readonly sha256: string | undefined
}

export type SegmentWriteResult =
  | { readonly ok: true; readonly size: number; readonly sha256: string }
  | { readonly ok: false; readonly reason: 'too-long' | 'duplicate' }

/** What reading a challenge's range came to. */
export type RangeRead = { readonly ok: true; readonly bytes: Uint8Array } | { readonly ok: false; readonly reason: 'unknown-segment' | 'out-of-range' }

/** What the challenge route reads segments through (the cheating harness wraps it). */
export interface SegmentReader {
  readRange(segment: number, offset: number, length: number): Promise<RangeRead>
}

/** The coordinator key the fill was taken under: fill is keyed by the coordinator's key, so another key means it can never be proved again. */
const FILL_KEY_FILE = 'coordinator-key'
const PENDING_NAME = /^(\d{1,16})-(\d{1,16})-([0-9a-f]{64})\.pending$/
const HELD_NAME = /^(\d{1,16})-(\d{1,16})\.seg$/
const RELEASE_NAME = /^(\d{1,16})\.released$/

/**
 * The fill segments this node holds for the coordinator's storage proofs (ADR 0012,
 * "Verified disk"), one file per segment under `<dataDir>/storage-proof/`:
 *
 * - `<index>.tmp` while written (never counted; deleted on open),
 * - `<index>-<size>-<sha256>.pending` once complete and fsynced, until the coordinator confirms it,
 * - `<index>-<size>.seg` once confirmed,
 * - `<index>.released` (empty): the segment is released, not yet acknowledged (its file stays until then),
 * - `coordinator-key`: the coordinator key (base64url) the segments were filled under.
 *
 * The name carries the size, so a file whose size differs after a crash is dropped
 * (and released) without re-hashing anything: the coordinator's challenges check the bytes.
 */
export class StorageFillStore implements SegmentReader {
  readonly dir: string
  readonly #segments = new Map<number, SegmentInfo>()
  readonly #releases = new Set<number>()
  readonly #logger: Logger
  #fillKey: string | undefined

  private constructor(dir: string, logger: Logger) {
    this.dir = dir
    this.#logger = logger
  }

  /** Opens (creating) `<dataDir>/storage-proof/`: deletes temp files, keeps complete segments. */
  static async open(dataDir: string, logger: Logger = silentLogger): Promise<StorageFillStore> {
    const store = new StorageFillStore(join(dataDir, 'storage-proof'), logger)
    await mkdir(store.dir, { recursive: true, mode: 0o700 })
    await store.#scan()
    store.#fillKey = await readFile(join(store.dir, FILL_KEY_FILE), 'utf8').then(
      (text) => text.trim(),
      () => undefined,
    )
    return store
  }

  /** The coordinator key (base64url) the segments were filled under; undefined before the first fill. */
  fillKey(): string | undefined {
    return this.#fillKey
  }

  /** Records the coordinator key the segments are filled under from now on (durably). */
  async setFillKey(key: string): Promise<void> {
    const tmp = join(this.dir, `${FILL_KEY_FILE}.tmp`)
    await rm(tmp, { force: true })
    await writeFileDurably(tmp, new TextEncoder().encode(`${key}\n`))
    await rename(tmp, join(this.dir, FILL_KEY_FILE))
    await fsyncDirectory(this.dir)
    this.#fillKey = key
  }

  /** Bytes of every segment on disk, pending or confirmed. */
  get heldBytes(): number {
    let total = 0
    for (const info of this.#segments.values()) total += info.size
    return total
  }

  /** Every segment, lowest index first. */
  segments(): readonly SegmentInfo[] {
    return [...this.#segments.values()].sort((a, b) => a.segment - b.segment)
  }

  get(segment: number): SegmentInfo | undefined {
    return this.#segments.get(segment)
  }

  /** Segments marked for release that the coordinator has not acknowledged yet (their files may still be there). */
  pendingReleases(): readonly number[] {
    return [...this.#releases].sort((a, b) => a - b)
  }

  /** The file that holds `segment` now (undefined if none). */
  pathOf(segment: number): string | undefined {
    const info = this.#segments.get(segment)
    return info === undefined ? undefined : join(this.dir, fileName(info))
  }

  /**
   * Streams `body` to `<index>.tmp` while hashing it, fsyncs, and publishes it as a
   * pending segment. A body longer than `maxBytes` is given up (`too-long`) as soon as
   * it passes the bound; a body that fails midway is deleted and the error rethrown.
   */
  async write(segment: number, body: AsyncIterable<Uint8Array>, maxBytes: number): Promise<SegmentWriteResult> {
    if (this.#segments.has(segment)) return { ok: false, reason: 'duplicate' }
    const tmp = join(this.dir, `${segment}.tmp`)
    const handle = await open(tmp, 'w', 0o600)
    const hash = createHash('sha256')
    let size = 0
    let complete = false
    try {
      for await (const chunk of body) {
        size += chunk.byteLength
        if (size > maxBytes) return { ok: false, reason: 'too-long' }
        hash.update(chunk)
        await writeAll(handle, chunk, size - chunk.byteLength)
      }
      await handle.sync()
      complete = true
    } finally {
      await handle.close()
      if (!complete) await rm(tmp, { force: true })
    }
    const info: SegmentInfo = { segment, size, state: 'pending', sha256: hash.digest('hex') }
    await rename(tmp, join(this.dir, fileName(info)))
    await fsyncDirectory(this.dir)
    this.#segments.set(segment, info)
    return { ok: true, size, sha256: info.sha256 ?? '' }
  }

  /** The coordinator confirmed `segment`: it is held from now on. */
  async markHeld(segment: number): Promise<void> {
    const info = this.#segments.get(segment)
    if (info?.state !== 'pending') return
    const held: SegmentInfo = { segment, size: info.size, state: 'held', sha256: undefined }
    await rename(join(this.dir, fileName(info)), join(this.dir, fileName(held)))
    await fsyncDirectory(this.dir)
    this.#segments.set(segment, held)
  }

  async readRange(segment: number, offset: number, length: number): Promise<RangeRead> {
    const info = this.#segments.get(segment)
    if (info === undefined) return { ok: false, reason: 'unknown-segment' }
    if (offset + length > info.size) return { ok: false, reason: 'out-of-range' }
    let handle: FileHandle
    try {
      handle = await open(join(this.dir, fileName(info)), 'r')
    } catch {
      this.#logger.warn({ segment }, 'a storage-proof segment file is missing')
      return { ok: false, reason: 'unknown-segment' }
    }
    try {
      const bytes = new Uint8Array(length)
      let read = 0
      while (read < length) {
        const { bytesRead } = await handle.read(bytes, read, length - read, offset + read)
        if (bytesRead === 0) return { ok: false, reason: 'out-of-range' }
        read += bytesRead
      }
      return { ok: true, bytes }
    } finally {
      await handle.close()
    }
  }

  /** Deletes `segment` now, with nothing to release (the coordinator never counted it). */
  async delete(segment: number): Promise<void> {
    const info = this.#segments.get(segment)
    if (info === undefined) return
    await rm(join(this.dir, fileName(info)), { force: true })
    this.#segments.delete(segment)
    await fsyncDirectory(this.dir)
  }

  /**
   * Marks `segment` for release: an empty `<index>.released` marker is written and the
   * file is **kept** (its bytes still count) until the coordinator acknowledges the release
   * ({@link forgetReleases}), so a challenge planned before the release still finds the
   * bytes, and a release not yet acknowledged survives a crash.
   */
  async release(segment: number): Promise<void> {
    if (this.#releases.has(segment)) return
    await writeFile(join(this.dir, `${segment}.released`), '', { mode: 0o600 })
    await fsyncDirectory(this.dir)
    this.#releases.add(segment)
  }

  /** True once `segment` is marked for release. */
  isReleasing(segment: number): boolean {
    return this.#releases.has(segment)
  }

  /** The coordinator acknowledged the release of `segments`: their files and markers go. */
  async forgetReleases(segments: readonly number[]): Promise<void> {
    for (const segment of segments) {
      const info = this.#segments.get(segment)
      if (info !== undefined) await rm(join(this.dir, fileName(info)), { force: true })
      this.#segments.delete(segment)
      await rm(join(this.dir, `${segment}.released`), { force: true })
      this.#releases.delete(segment)
    }
    await fsyncDirectory(this.dir)
  }

  async #scan(): Promise<void> {
    const dropped: number[] = []
    for (const name of await readdir(this.dir)) {
      const path = join(this.dir, name)
      if (name.endsWith('.tmp')) {
        await rm(path, { force: true })
        continue
      }
      const release = RELEASE_NAME.exec(name)
      if (release !== null) {
        this.#releases.add(Number(release[1]))
        continue
      }
      const pending = PENDING_NAME.exec(name)
      const held = HELD_NAME.exec(name)
      const match = pending ?? held
      if (match === null) continue
      const info: SegmentInfo = { segment: Number(match[1]), size: Number(match[2]), state: pending === null ? 'held' : 'pending', sha256: pending?.[3] }
      const actual = (await stat(path)).size
      if (actual !== info.size) {
        // Truncated: never served again, so let the coordinator stop counting it.
        await rm(path, { force: true })
        dropped.push(info.segment)
        continue
      }
      this.#segments.set(info.segment, info)
    }
    for (const segment of dropped) await this.release(segment)
    if (dropped.length > 0) this.#logger.warn({ segments: dropped.length }, 'dropped storage-proof segments whose size changed on disk')
  }
}

function fileName(info: SegmentInfo): string {
  return info.state === 'held' ? `${info.segment}-${info.size}.seg` : `${info.segment}-${info.size}-${info.sha256 ?? ''}.pending`
}

async function writeAll(handle: FileHandle, chunk: Uint8Array, position: number): Promise<void> {
  let written = 0
  while (written < chunk.byteLength) {
    const { bytesWritten } = await handle.write(chunk, written, chunk.byteLength - written, position + written)
    written += bytesWritten
  }
}
