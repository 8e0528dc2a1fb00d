import { lstat, mkdir, readdir, readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import type { CacheLayout } from './cache-layout.ts'
import { isObjectId, isShardName } from './cache-layout.ts'
import { hashFile } from './hash-file.ts'
import type { ObjectMetadata } from './object-metadata.ts'
import { MAX_METADATA_BYTES, METADATA_HEADER_BYTES, decodeObjectMetadata } from './object-metadata.ts'
import type { StoreLogger } from './store-logger.ts'

export interface ScanCacheDirResult {
  /** Every object whose metadata parses and whose body has the recorded size (and SHA-256, when verified). */
  readonly objects: readonly ObjectMetadata[]
  /** Size of each object's metadata file, which counts toward the quota too. */
  readonly metadataBytes: ReadonlyMap<string, number>
  /** Objects (or stray files) deleted because they were torn, corrupt or foreign. */
  readonly discarded: number
}

/** How many objects are verified at once: enough to overlap disk reads with hashing. */
const VERIFY_CONCURRENCY = 4
const OBJECT_FILE_PATTERN = /^([0-9a-f]{32})\.(body|meta)$/

interface ObjectFiles {
  hasBody: boolean
  hasMeta: boolean
}

type Verdict = { readonly ok: true; readonly metadata: ObjectMetadata; readonly metadataBytes: number } | { readonly ok: false; readonly reason: string }

/**
 * Rebuilds what the cache holds from its directory: empties `tmp/` (writes that never
 * committed), deletes anything that is not a well-formed object, and checks every
 * object's body against the size in its metadata and, with `verifyBodies`, its SHA-256
 * (streaming); otherwise the store verifies bodies after it opened.
 */
export async function scanCacheDir(layout: CacheLayout, logger: StoreLogger, options: { readonly verifyBodies: boolean } = { verifyBodies: true }): Promise<ScanCacheDirResult> {
  await mkdir(layout.tmpDir, { recursive: true })
  for (const name of await readdir(layout.tmpDir)) await rm(join(layout.tmpDir, name), { recursive: true, force: true })

  let discarded = 0
  const groups = new Map<string, ObjectFiles>()
  for (const dirent of await readdir(layout.rootDir, { withFileTypes: true })) {
    const path = join(layout.rootDir, dirent.name)
    if (dirent.name === 'tmp' && dirent.isDirectory()) continue
    if (!isShardName(dirent.name) || !dirent.isDirectory()) {
      logger.warn({ file: dirent.name }, 'stray entry in the cache dir removed')
      await rm(path, { recursive: true, force: true })
      discarded += 1
      continue
    }
    for (const file of await readdir(path, { withFileTypes: true })) {
      const match = OBJECT_FILE_PATTERN.exec(file.name)
      const id = match?.[1]
      // Symlinks, directories and names of another shard are never ours: a symlink could
      // point anywhere, so it is removed, not followed.
      if (id === undefined || !file.isFile() || !id.startsWith(dirent.name)) {
        logger.warn({ file: `${dirent.name}/${file.name}` }, 'stray entry in the cache dir removed')
        await rm(join(path, file.name), { recursive: true, force: true })
        discarded += 1
        continue
      }
      const group = groups.get(id) ?? { hasBody: false, hasMeta: false }
      if (match?.[2] === 'body') group.hasBody = true
      else group.hasMeta = true
      groups.set(id, group)
    }
  }

  const objects: ObjectMetadata[] = []
  const metadataBytes = new Map<string, number>()
  const pending = [...groups.entries()]
  const verifyNext = async (): Promise<void> => {
    for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
      const [id, files] = next
      const verdict = await verifyObject(layout, id, files, options.verifyBodies).catch(
        (error: unknown): Verdict => ({ ok: false, reason: `unreadable: ${String(error)}` }),
      )
      if (verdict.ok) {
        objects.push(verdict.metadata)
        metadataBytes.set(id, verdict.metadataBytes)
        continue
      }
      logger.warn({ objectId: id, reason: verdict.reason }, 'torn or corrupt cache object discarded')
      await rm(layout.metaPath(id), { force: true })
      await rm(layout.bodyPath(id), { force: true })
      discarded += 1
    }
  }
  await Promise.all(Array.from({ length: VERIFY_CONCURRENCY }, verifyNext))
  return { objects, metadataBytes, discarded }
}

async function verifyObject(layout: CacheLayout, id: string, files: ObjectFiles, verifyBody: boolean): Promise<Verdict> {
  // The metadata file is the commit point: a body without one never committed.
  if (!files.hasMeta) return { ok: false, reason: 'body without metadata' }
  if (!files.hasBody) return { ok: false, reason: 'metadata without body' }
  const metaPath = layout.metaPath(id)
  const metaStat = await lstat(metaPath)
  if (metaStat.size > METADATA_HEADER_BYTES + MAX_METADATA_BYTES) return { ok: false, reason: 'metadata too large' }
  const decoded = decodeObjectMetadata(await readFile(metaPath))
  if (!decoded.ok) return { ok: false, reason: `metadata ${decoded.defect}` }
  const { metadata } = decoded
  if (!isObjectId(metadata.id) || metadata.id !== id) return { ok: false, reason: 'metadata names another object' }
  const bodyPath = layout.bodyPath(id)
  // A size check first spares hashing a body that is already known to be torn.
  if ((await lstat(bodyPath)).size !== metadata.response.sizeBytes) return { ok: false, reason: 'body size mismatch' }
  if (!verifyBody) return { ok: true, metadata, metadataBytes: metaStat.size }
  const digest = await hashFile(bodyPath, metadata.response.sizeBytes)
  if (digest.sizeBytes !== metadata.response.sizeBytes) return { ok: false, reason: 'body size mismatch' }
  if (digest.sha256 !== metadata.response.sha256) return { ok: false, reason: 'body sha256 mismatch' }
  return { ok: true, metadata, metadataBytes: metaStat.size }
}
