import { randomBytes } from 'node:crypto'
import { join } from 'node:path'

/**
 * Object ids are 128 random bits in lowercase hex. They are the only thing that ever
 * becomes a file name: cache keys (URLs) live inside the metadata, so no key, however
 * hostile (`../`, `%2e%2e`, NUL, 100 KiB long), can steer a path.
 */
const OBJECT_ID_PATTERN = /^[0-9a-f]{32}$/
const SHARD_PATTERN = /^[0-9a-f]{2}$/

/** A new random object id (32 hex characters). */
export function newObjectId(): string {
  return randomBytes(16).toString('hex')
}

/** Whether a string has the shape of an object id (and so is safe as a file name). */
export function isObjectId(value: string): boolean {
  return OBJECT_ID_PATTERN.test(value)
}

/** Whether a directory name is one of the 256 two-hex-character shards. */
export function isShardName(value: string): boolean {
  return SHARD_PATTERN.test(value)
}

/** The 256 shard names `00` … `ff`. */
export function allShardNames(): string[] {
  return Array.from({ length: 256 }, (_, index) => index.toString(16).padStart(2, '0'))
}

/** Where every file of the store lives under `<dataDir>/cache/`. */
export interface CacheLayout {
  readonly rootDir: string
  readonly tmpDir: string
  shardDir(id: string): string
  bodyPath(id: string): string
  metaPath(id: string): string
  tmpBodyPath(id: string): string
  tmpMetaPath(id: string, purpose: 'commit' | 'update'): string
}

/** The file layout of the cache under a node's data dir. */
export function resolveCacheLayout(dataDir: string): CacheLayout {
  const rootDir = join(dataDir, 'cache')
  const tmpDir = join(rootDir, 'tmp')
  // Sharding by the first two characters keeps directories small (a million objects
  // is about 8k files per shard) so lookups by name stay fast on every filesystem.
  const shardDir = (id: string): string => join(rootDir, id.slice(0, 2))
  return {
    rootDir,
    tmpDir,
    shardDir,
    bodyPath: (id) => join(shardDir(id), `${id}.body`),
    metaPath: (id) => join(shardDir(id), `${id}.meta`),
    tmpBodyPath: (id) => join(tmpDir, `${id}.body`),
    tmpMetaPath: (id, purpose) => join(tmpDir, `${id}.${purpose}.meta`),
  }
}
