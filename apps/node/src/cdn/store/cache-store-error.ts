import { BaseError } from '@meson/protocol'

/** Stable codes of the errors the disk cache store throws. */
export type CacheStoreErrorCode =
  | 'CACHE_STORE_CONFIG_INVALID'
  | 'CACHE_RANGE_INVALID'
  | 'CACHE_OBJECT_GONE'
  | 'CACHE_BODY_TRUNCATED'
  | 'CACHE_OBJECT_CORRUPT'

/** An error of the disk cache store; callers match on `code`. */
export class CacheStoreError extends BaseError {
  override readonly name = 'CacheStoreError'
  declare readonly code: CacheStoreErrorCode

  constructor(code: CacheStoreErrorCode, shortMessage: string, options: { details?: string; cause?: unknown } = {}) {
    super(code, shortMessage, options)
  }
}
