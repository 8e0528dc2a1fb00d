import { CacheStoreError } from './cache-store-error.ts'
import type { StoreLogger } from './store-logger.ts'

/** Default cap on a body kept in the memory tier. */
export const DEFAULT_MEMORY_MAX_OBJECT_BYTES = 256 * 1024

export interface OpenDiskCacheStoreParameters {
  /** The node's data dir; the store owns `<dataDir>/cache/`. */
  readonly dataDir: string
  /** Quota of the disk tier: the sum of stored body sizes (metadata files not counted). */
  readonly maxBytes: number
  /** Budget of the memory tier. */
  readonly memoryMaxBytes: number
  /** Bodies up to this size are kept in memory when hot (default 256 KiB). */
  readonly memoryMaxObjectBytes?: number
  /** Bodies larger than this are given up while they are written. */
  readonly maxObjectBytes: number
  /** Local clock in ms (a fixed clock in tests). */
  readonly clock?: () => number
  readonly logger?: StoreLogger
  /**
   * Hash every body before the store opens (the old behaviour: about 3 s per GiB).
   * Default false: the store serves at once and verifies each body in the background
   * and on its first read; a body that fails is removed, never served.
   */
  readonly verifyBodiesOnOpen?: boolean
}

/** The byte limits of a store, checked. */
export interface StoreLimits {
  readonly maxBytes: number
  readonly maxObjectBytes: number
  readonly memoryMaxBytes: number
  readonly memoryMaxObjectBytes: number
}

/** Checks the limits of the store's parameters (whole, non-negative byte counts). */
export function parseStoreLimits(parameters: OpenDiskCacheStoreParameters): StoreLimits {
  const limits: StoreLimits = {
    maxBytes: parameters.maxBytes,
    maxObjectBytes: parameters.maxObjectBytes,
    memoryMaxBytes: parameters.memoryMaxBytes,
    memoryMaxObjectBytes: parameters.memoryMaxObjectBytes ?? DEFAULT_MEMORY_MAX_OBJECT_BYTES,
  }
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new CacheStoreError('CACHE_STORE_CONFIG_INVALID', `The cache store's ${name} must be a whole number of bytes.`, {
        details: `got ${String(value)}`,
      })
    }
  }
  return limits
}
