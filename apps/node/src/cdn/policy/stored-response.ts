import type { HeaderMap } from './header-map.ts'

/**
 * What the cache keeps about one stored response (RFC 9111 §3), apart from its body.
 * Times are the local clock in ms, as RFC 9111 §4.2.3 needs them for the Age
 * calculation.
 */
export interface StoredResponse {
  /** Primary cache key: normalised absolute URL (see `primaryCacheKey`). */
  readonly primaryKey: string
  /**
   * Secondary key from the request fields named by `Vary` (RFC 9111 §4.1), or ''
   * when the response has no Vary. A response with `Vary: *` is never matched.
   */
  readonly secondaryKey: string
  readonly status: number
  /** Stored response header fields, hop-by-hop fields already removed. */
  readonly headers: HeaderMap
  /** The request fields that `Vary` names, as they were on the request that filled it. */
  readonly varyRequestHeaders: HeaderMap
  /** Local time the origin request was sent (request_time). */
  readonly requestTimeMs: number
  /** Local time the origin response headers arrived (response_time). */
  readonly responseTimeMs: number
  readonly sizeBytes: number
  /** SHA-256 of the body, hex. */
  readonly sha256: string
}
