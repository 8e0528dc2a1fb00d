import type { IncomingMessage, ServerResponse } from 'node:http'
import { residentTimeMs } from '../../cdn/policy/index.ts'
import type { CacheContext } from './cache-context.ts'
import { plainHitFields, responseTemplateOf } from './entry-response-template.ts'
import type { EntryResponseTemplate, HitFields } from './entry-response-template.ts'
import type { CacheEntry } from '../../cdn/store/cache-store.ts'
import { primaryKeyForPath } from './origin-cache-key.ts'

/**
 * Request fields that can change how a stored response is used (RFC 9111 §4, §5.2.1,
 * §3.5; RFC 9110 §13, §14): with any of them the general path decides. `if-*` (every
 * precondition, RFC 9110 §13.1) is matched by prefix.
 */
const CACHE_RELEVANT_FIELDS: ReadonlySet<string> = new Set(['authorization', 'cache-control', 'pragma', 'range'])

/**
 * The cache-hit fast path: answers a plain GET or HEAD from a fresh entry whose body is
 * in the memory tier, synchronously, with one `writeHead` of a header list prebuilt per
 * entry (only Age and Cache-Status vary) and one `end` of the body. It decides exactly
 * what the general path would for such a request:
 * - no Range, no preconditions, no Authorization, no request Cache-Control or Pragma,
 *   so `decideStoredUse` reduces to "fresh unless the response says no-cache" and there
 *   is no 304/412/206/416 to consider;
 * - the newest variant has no Vary, so it is the one `varyMatches` would select
 *   (RFC 9111 §4.1);
 * - the entry is fresh (RFC 9111 §4.2: freshness_lifetime > current_age).
 * Anything else returns false having written nothing, and the general path answers.
 *
 * It exists because small hot objects measure per-request overhead: building a
 * HeaderMap, re-parsing the stored Cache-Control/Date/Age, promises and per-request
 * closures cost more than the whole of node:http's own work on a 4 KiB hit.
 */
export function serveFreshMemoryHit(context: CacheContext, req: IncomingMessage, res: ServerResponse, isHead: boolean, path: string): boolean {
  if (hasCacheRelevantField(req.rawHeaders)) return false
  const hit = findFreshMemoryHit(context, path, isHead)
  if (hit === undefined) return false
  const { entry, template, fields, body } = hit
  const headers = template.wholeBodyHeaders.slice()
  headers[template.ageValueIndex] = fields.age
  headers[template.cacheStatusValueIndex] = fields.cacheStatus
  context.metrics.hits.inc()
  res.writeHead(entry.response.status, headers)
  if (body === undefined) {
    res.end()
  } else {
    context.metrics.bytesServed.inc(entry.response.sizeBytes)
    res.end(body)
  }
  return true
}

/** A stored response the fast paths may serve as it is, with its per-request fields. */
export interface FreshMemoryHit {
  readonly entry: CacheEntry
  readonly template: EntryResponseTemplate
  readonly fields: HitFields
  /** The body from the memory tier; undefined for HEAD. */
  readonly body: Uint8Array | undefined
}

/**
 * The one decision both fast paths (node:http's and the raw connections') make: the
 * newest variant for `path` is plain-hit servable (no Vary, no no-cache), fresh, and —
 * for GET — its body is in the memory tier. Anything else is the general path's call.
 */
export function findFreshMemoryHit(context: CacheContext, path: string, isHead: boolean): FreshMemoryHit | undefined {
  const entry = context.store.lookup(primaryKeyForPath(context.originUrl, path))[0]
  if (entry === undefined) return undefined
  const template = responseTemplateOf(entry)
  if (!template.isPlainHitServable) return undefined
  // RFC 9111 §4.2.3: current_age = corrected_initial_age + resident_time.
  const ageMs = template.correctedInitialAgeMs + residentTimeMs(template.responseTimeMs, context.clock.nowMs())
  const ttlMs = template.lifetimeMs - ageMs
  if (!(ttlMs > 0)) return undefined
  const body = isHead ? undefined : context.store.readFromMemory(entry)
  if (!isHead && body === undefined) return undefined
  return { entry, template, fields: plainHitFields(template, ageMs, ttlMs), body }
}

/** Whether the request has a field that only the general path handles (see CACHE_RELEVANT_FIELDS). */
export function hasCacheRelevantField(rawHeaders: readonly string[]): boolean {
  for (let index = 0; index < rawHeaders.length; index += 2) {
    const name = rawHeaders[index] ?? ''
    // Only names starting with a, c, i, p or r can match; lowercase the rest never.
    switch (name.charCodeAt(0) | 0x20) {
      case 0x61:
      case 0x63:
      case 0x69:
      case 0x70:
      case 0x72: {
        const lower = name.toLowerCase()
        if (lower.startsWith('if-') || CACHE_RELEVANT_FIELDS.has(lower)) return true
      }
    }
  }
  return false
}
