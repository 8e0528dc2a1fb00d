import {
  ageHeaderValue,
  appendVia,
  correctedInitialAgeMs,
  formatCacheStatus,
  freshnessLifetimeMs,
  requiresValidation,
  residentTimeMs,
  responseCacheDirectives,
} from '../../cdn/policy/index.ts'
import type { CacheEntry } from '../../cdn/store/cache-store.ts'
import { appendHeaderFields } from './header-fields.ts'
import { VIA_PSEUDONYM } from './via-pseudonym.ts'

/** Age and remaining freshness (negative when stale) of a stored entry, in ms. */
export interface StoredTiming {
  readonly ageMs: number
  readonly ttlMs: number
}

/**
 * Fields written per response: Age (RFC 9111 §5.1), the body's length, Via and
 * Cache-Status of this hop. A stored Content-Range is part of the stored response and
 * kept (RFC 9111 §3.1 lists no such exception); it is replaced only where this hop
 * answers a Range request itself (`sendStoredEntry`). Surrogate-Control is for
 * surrogates only and never reaches clients (W3C Edge Architecture 1.0 §2.2).
 */
const RECOMPUTED_FIELDS: ReadonlySet<string> = new Set(['age', 'content-length', 'via', 'cache-status', 'surrogate-control'])

/**
 * Everything about answering from one stored entry that does not depend on the request
 * or the time, derived once: the header list, and the inputs of the RFC 9111 §4.2
 * freshness and age arithmetic (so the Cache-Control, Date, Expires and Age of the stored
 * response are parsed once per entry, not once per hit). Entries are immutable (a 304
 * update makes a new one), so the template never goes stale.
 */
export interface EntryResponseTemplate {
  /** Stored fields minus the per-response ones, plus this hop's Via and Accept-Ranges. */
  readonly baseHeaders: readonly string[]
  /**
   * `baseHeaders`, Age, Cache-Status and the whole body's Content-Length (none for a 204), in the order
   * `sendStoredEntry` writes them; the values of Age and Cache-Status are placeholders at
   * `ageValueIndex` and `cacheStatusValueIndex`, filled in per response on a copy.
   */
  readonly wholeBodyHeaders: readonly string[]
  readonly ageValueIndex: number
  readonly cacheStatusValueIndex: number
  /** freshness_lifetime (RFC 9111 §4.2.1), as `decideStoredUse` computes it. */
  readonly lifetimeMs: number
  /** corrected_initial_age (RFC 9111 §4.2.3). */
  readonly correctedInitialAgeMs: number
  readonly responseTimeMs: number
  /**
   * Whether a request without Range, preconditions, Authorization, Cache-Control or
   * Pragma may be answered from this entry, while fresh, without `decideStoredUse`:
   * the response is whole (not a stored 206 part), has no Vary (so it matches every request, RFC 9111 §4.1) and no
   * `no-cache` (which requires validation even when fresh, §5.2.2.4).
   */
  readonly isPlainHitServable: boolean
  /** Memo of the last whole-second Age/ttl pair and their field values (they change once a second). */
  hitFields: HitFields
}

/** Age and Cache-Status values of a plain hit for one whole-second age and ttl. */
export interface HitFields {
  readonly ageSeconds: number
  readonly ttlSeconds: number
  readonly age: string
  readonly cacheStatus: string
}

const templates = new WeakMap<CacheEntry, EntryResponseTemplate>()

/** The template of an entry, built on first use; a WeakMap keyed by the entry is an exact, self-cleaning memo. */
export function responseTemplateOf(entry: CacheEntry): EntryResponseTemplate {
  const cached = templates.get(entry)
  if (cached !== undefined) return cached
  const template = buildTemplate(entry)
  templates.set(entry, template)
  return template
}

/** Current age and remaining freshness at `nowMs` (RFC 9111 §4.2.3, §4.2). */
export function timingAt(template: EntryResponseTemplate, nowMs: number): StoredTiming {
  const ageMs = template.correctedInitialAgeMs + residentTimeMs(template.responseTimeMs, nowMs)
  return { ageMs, ttlMs: template.lifetimeMs - ageMs }
}

/** The Age and `Cache-Status: meson; hit; ttl=N` values of a plain hit, reused while the whole seconds stay the same. */
export function plainHitFields(template: EntryResponseTemplate, ageMs: number, ttlMs: number): HitFields {
  // Whole seconds as `ageHeaderValue` and the Cache-Status ttl (floored, RFC 9211 §2.4) print them.
  const ageSeconds = ageMs > 0 ? Math.floor(ageMs / 1000) : 0
  const ttlSeconds = Math.floor(ttlMs / 1000)
  const last = template.hitFields
  if (last.ageSeconds === ageSeconds && last.ttlSeconds === ttlSeconds) return last
  const fields: HitFields = {
    ageSeconds,
    ttlSeconds,
    age: ageHeaderValue(ageMs),
    cacheStatus: formatCacheStatus({ cache: VIA_PSEUDONYM, hit: true, ttlSeconds }),
  }
  template.hitFields = fields
  return fields
}

/**
 * RFC 9110 §8.6: "A server MUST NOT send a Content-Length header field in any response
 * with a status code of 1xx (Informational) or 204 (No Content)" (node:http does not
 * remove one it is given). 1xx and 304 are never stored; 204 is cacheable by default.
 */
export function mayHaveContentLength(status: number): boolean {
  return status !== 204 && status >= 200
}

function buildTemplate(entry: CacheEntry): EntryResponseTemplate {
  const stored = entry.response
  const headers = stored.headers
  const baseHeaders: string[] = []
  appendHeaderFields(baseHeaders, headers, RECOMPUTED_FIELDS)
  baseHeaders.push('via', appendVia(headers.via, '1.1', VIA_PSEUDONYM))
  if (stored.status === 200 && headers['accept-ranges'] === undefined) baseHeaders.push('accept-ranges', 'bytes')
  const wholeBodyHeaders = [...baseHeaders, 'age', '', 'cache-status', '']
  if (mayHaveContentLength(stored.status)) wholeBodyHeaders.push('content-length', String(stored.sizeBytes))
  return {
    baseHeaders,
    wholeBodyHeaders,
    ageValueIndex: baseHeaders.length + 1,
    cacheStatusValueIndex: baseHeaders.length + 3,
    lifetimeMs: freshnessLifetimeMs(headers, { status: stored.status, responseTimeMs: stored.responseTimeMs }),
    correctedInitialAgeMs: correctedInitialAgeMs(stored),
    responseTimeMs: stored.responseTimeMs,
    // A stored part (206, RFC 9111 §3.4) answers only Range requests it covers, never a plain GET.
    isPlainHitServable: stored.status !== 206 && headers.vary === undefined && !requiresValidation(responseCacheDirectives(headers).cacheControl),
    hitFields: { ageSeconds: Number.NaN, ttlSeconds: Number.NaN, age: '', cacheStatus: '' },
  }
}
