import type { IncomingMessage, ServerResponse } from 'node:http'
import { pipeline } from 'node:stream/promises'
import type { CoveredRange, HeaderMap, StoredPart } from '../../cdn/policy/index.ts'
import { ageHeaderValue, coveredRangeOf, decideStoredUse, evaluateClientConditional, formatCacheStatus, formatPartContentRange, isIfRangeSatisfied, parseContentRange, varyMatches } from '../../cdn/policy/index.ts'
import type { CacheEntry } from '../../cdn/store/cache-store.ts'
import type { CacheContext } from './cache-context.ts'
import { responseTemplateOf } from './entry-response-template.ts'
import type { StoredTiming } from './entry-response-template.ts'
import { sendErrorResponse } from './error-response.ts'
import { VIA_PSEUDONYM } from './via-pseudonym.ts'

/** A stored 206 (RFC 9111 §3.4) matching a request's Vary, and the bytes its body holds. */
export interface StoredPartEntry {
  readonly entry: CacheEntry
  readonly part: StoredPart
}

/** The newest stored part whose Vary matches the request (RFC 9111 §4.1); parts never answer requests without Range. */
export function selectStoredPart(variants: readonly CacheEntry[], requestHeaders: HeaderMap): StoredPartEntry | undefined {
  for (const entry of variants) {
    if (entry.response.status !== 206 || !varyMatches(entry.response, requestHeaders)) continue
    const part = parseContentRange(entry.response.headers['content-range'])
    if (part !== undefined) return { entry, part }
  }
  return undefined
}

/**
 * Answers a GET's Range from a stored part when the part is fresh (RFC 9111 §4.2) and
 * holds every requested byte (RFC 9111 §3.4: a stored incomplete response is used for a
 * request it satisfies); returns false, having sent nothing, when it cannot (the
 * caller then asks the origin). The client's If-Range must hold for the part's
 * validators (RFC 9110 §13.1.5), its other conditionals are answered as for any hit.
 */
export async function sendStoredPartIfCovered(context: CacheContext, req: IncomingMessage, res: ServerResponse, stored: StoredPartEntry, requestHeaders: HeaderMap): Promise<boolean> {
  const { entry, part } = stored
  const covered = coveredRangeOf(requestHeaders.range, part)
  if (covered === undefined) return false
  if (!isIfRangeSatisfied(requestHeaders['if-range'], entry.response.headers)) return false
  const decision = decideStoredUse({ requestHeaders, stored: entry.response, nowMs: context.clock.nowMs() })
  if (decision.kind !== 'fresh') return false
  context.metrics.hits.inc()
  await sendPart(context, req, res, entry, covered, requestHeaders, decision)
  return true
}

async function sendPart(context: CacheContext, req: IncomingMessage, res: ServerResponse, entry: CacheEntry, covered: CoveredRange, requestHeaders: HeaderMap, timing: StoredTiming): Promise<void> {
  const template = responseTemplateOf(entry)
  const { ageMs, ttlMs } = timing
  const nowMs = context.clock.nowMs()
  const headers: string[] = []
  for (let index = 0; index < template.baseHeaders.length; index += 2) {
    const name = template.baseHeaders[index] ?? ''
    // This hop answers the range: its own Content-Range replaces the stored one.
    if (name !== 'content-range') headers.push(name, template.baseHeaders[index + 1] ?? '')
  }
  headers.push('age', ageHeaderValue(ageMs), 'cache-status', formatCacheStatus({ cache: VIA_PSEUDONYM, hit: true, ttlSeconds: ttlMs / 1000, detail: 'partial' }))
  const conditional = evaluateClientConditional({ method: req.method ?? 'GET', requestHeaders, storedHeaders: entry.response.headers, nowMs })
  if (conditional === 'not-modified') {
    res.writeHead(304, headers)
    res.end()
    return
  }
  if (conditional === 'precondition-failed') {
    sendErrorResponse(res, 'PRECONDITION_FAILED', 'A precondition of the request does not hold for the stored response.')
    return
  }
  const bodyBytes = covered.end - covered.start + 1
  headers.push('content-range', formatPartContentRange(covered.start, covered.end, covered.completeLength), 'content-length', String(bodyBytes))
  res.writeHead(206, headers)
  context.metrics.bytesServed.inc(bodyBytes)
  const range = { start: covered.bodyOffset, end: covered.bodyOffset + bodyBytes - 1 }
  const memoryBody = context.store.readFromMemory(entry)
  if (memoryBody !== undefined) {
    res.end(memoryBody.subarray(range.start, range.end + 1))
    return
  }
  try {
    await pipeline(context.store.createReadStream(entry, range), res)
  } catch {
    // The object vanished or the client went away mid-body: the response is cut, never padded.
    res.destroy()
  }
}
