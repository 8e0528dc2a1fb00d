import type { IncomingMessage, ServerResponse } from 'node:http'
import { pipeline } from 'node:stream/promises'
import type { HeaderMap } from '../../cdn/policy/header-map.ts'
import {
  ageHeaderValue,
  evaluateClientConditional,
  formatCacheStatus,
  formatContentRange,
  formatUnsatisfiedContentRange,
  isIfRangeSatisfied,
  parseRange,
  parseRangeSet,
  planMultipartByteranges,
} from '../../cdn/policy/index.ts'
import type { MultipartPlan } from '../../cdn/policy/index.ts'
import { randomBytes } from 'node:crypto'
import type { ByteRange, CacheEntry } from '../../cdn/store/cache-store.ts'
import type { CacheContext } from './cache-context.ts'
import { mayHaveContentLength, responseTemplateOf, timingAt } from './entry-response-template.ts'
import type { StoredTiming } from './entry-response-template.ts'
import { VIA_PSEUDONYM } from './via-pseudonym.ts'
import { sendErrorResponse } from './error-response.ts'

/**
 * How a stored response is being served, for `Cache-Status` (RFC 9211 §2): a plain
 * `hit`; a hit after waiting on another request's fill (`collapsed`, §2.6); a stale hit
 * while a background refresh runs (`stale-while-revalidate`, RFC 5861 §3); a stale
 * response because the origin failed (`stale-if-error`, RFC 5861 §4); a response
 * the origin just confirmed with a 304 (`revalidated`).
 */
export type StoredServeKind = 'hit' | 'collapsed' | 'stale-while-revalidate' | 'stale-if-error' | 'revalidated'

function cacheStatusFor(kind: StoredServeKind, ttlMs: number): string {
  const ttlSeconds = ttlMs / 1000
  switch (kind) {
    case 'hit':
      return formatCacheStatus({ cache: VIA_PSEUDONYM, hit: true, ttlSeconds })
    case 'collapsed':
      return formatCacheStatus({ cache: VIA_PSEUDONYM, hit: true, ttlSeconds, collapsed: true })
    case 'stale-while-revalidate':
      return formatCacheStatus({ cache: VIA_PSEUDONYM, hit: true, ttlSeconds, detail: kind })
    case 'stale-if-error':
      return formatCacheStatus({ cache: VIA_PSEUDONYM, fwd: 'stale', ttlSeconds, detail: kind })
    case 'revalidated':
      return formatCacheStatus({ cache: VIA_PSEUDONYM, fwd: 'stale', fwdStatus: 304, ttlSeconds })
  }
}

/**
 * Serves a stored response: answers the client's own conditionals (RFC 9110 §13.2.2:
 * 304; If-Match and If-Unmodified-Since never get here, RFC 9111 §4.3.2) and Range (RFC 9110 §14: 206/416, If-Range), sends HEAD without a body, small
 * hot bodies from memory in one write, others streamed from the store with backpressure.
 */
export async function sendStoredEntry(
  context: CacheContext,
  req: IncomingMessage,
  res: ServerResponse,
  entry: CacheEntry,
  requestHeaders: HeaderMap,
  kind: StoredServeKind,
  timing?: StoredTiming,
): Promise<void> {
  const stored = entry.response
  const template = responseTemplateOf(entry)
  const { ageMs, ttlMs } = timing ?? timingAt(template, context.clock.nowMs())
  const headers = template.baseHeaders.slice()
  headers.push('age', ageHeaderValue(ageMs), 'cache-status', cacheStatusFor(kind, ttlMs))

  // RFC 9110 §13.2.1: "A server MUST ignore all received preconditions if its response to
  // the same request without those conditions ... would have been a status code other
  // than a 2xx (Successful) or 412": a stored 404 or 301 is served as it is.
  const conditional = isSuccessful(stored.status) ? evaluateClientConditional({ method: req.method ?? 'GET', requestHeaders, storedHeaders: stored.headers, nowMs: context.clock.nowMs() }) : 'none'
  if (conditional === 'not-modified') {
    res.writeHead(304, headers)
    res.end()
    return
  }
  if (conditional === 'precondition-failed') {
    sendErrorResponse(res, 'PRECONDITION_FAILED', 'A precondition of the request does not hold for the stored response.')
    return
  }

  const sizeBytes = stored.sizeBytes
  let status = stored.status
  let range: ByteRange | undefined
  // RFC 9110 §14.2: "GET is the only method for which range handling is defined"; a
  // server "MUST ignore a Range header field received with a request method ... for which
  // range handling is not defined": a HEAD gets the whole 200's fields.
  const rangeHeader = req.method === 'GET' ? requestHeaders.range : undefined
  if (rangeHeader !== undefined && stored.status === 200 && isIfRangeSatisfied(requestHeaders['if-range'], stored.headers)) {
    const parsed = parseRange(rangeHeader, sizeBytes)
    // This hop answers the range itself: its own Content-Range replaces any stored one.
    if (parsed.kind !== 'full') removeField(headers, 'content-range')
    if (parsed.kind === 'unsatisfiable') {
      // RFC 9110 §15.5.17: 416 carries `Content-Range: bytes */<length>`.
      headers.push('content-range', formatUnsatisfiedContentRange(sizeBytes))
      res.writeHead(416, headers)
      res.end()
      return
    }
    if (parsed.kind === 'partial') {
      range = { start: parsed.start, end: parsed.end }
      status = 206
      headers.push('content-range', formatContentRange(range.start, range.end, sizeBytes))
    }
    const set = parsed.kind === 'full' ? parseRangeSet(rangeHeader, sizeBytes) : undefined
    const plan = set?.kind === 'ranges' && set.specCount > 1 ? planMultipartByteranges(set.ranges, sizeBytes, stored.headers['content-type'], randomBytes(12).toString('hex')) : undefined
    if (plan !== undefined) return sendMultipart(context, req, res, entry, headers, plan)
  }
  const bodyBytes = range === undefined ? sizeBytes : range.end - range.start + 1
  if (mayHaveContentLength(status)) headers.push('content-length', String(bodyBytes))
  res.writeHead(status, headers)
  if (req.method === 'HEAD') {
    res.end()
    return
  }
  context.metrics.bytesServed.inc(bodyBytes)
  const memoryBody = context.store.readFromMemory(entry)
  if (memoryBody !== undefined) {
    res.end(range === undefined ? memoryBody : memoryBody.subarray(range.start, range.end + 1))
    return
  }
  try {
    await pipeline(context.store.createReadStream(entry, range), res)
  } catch {
    // The object vanished or the client went away mid-body: the response is cut, never padded.
    res.destroy()
  }
}

function isSuccessful(status: number): boolean {
  return status >= 200 && status <= 299
}

/** Removes every instance of a (lower-case) field from a flat `[name, value, ...]` list. */
function removeField(headers: string[], name: string): void {
  for (let index = headers.length - 2; index >= 0; index -= 2) {
    if (headers[index] === name) headers.splice(index, 2)
  }
}

/** A 206 `multipart/byteranges` (RFC 9110 §14.6): each part's head, then its bytes, then the close delimiter. */
async function sendMultipart(context: CacheContext, req: IncomingMessage, res: ServerResponse, entry: CacheEntry, headers: string[], plan: MultipartPlan): Promise<void> {
  removeField(headers, 'content-range')
  removeField(headers, 'content-type')
  headers.push('content-type', plan.contentType, 'content-length', String(plan.contentLength))
  res.writeHead(206, headers)
  if (req.method === 'HEAD') {
    res.end()
    return
  }
  context.metrics.bytesServed.inc(plan.contentLength)
  const memoryBody = context.store.readFromMemory(entry)
  if (memoryBody !== undefined) {
    const pieces: Uint8Array[] = []
    for (const part of plan.parts) pieces.push(Buffer.from(part.head), memoryBody.subarray(part.start, part.end + 1))
    pieces.push(Buffer.from(plan.tail))
    res.end(Buffer.concat(pieces))
    return
  }
  try {
    for (const part of plan.parts) {
      res.write(part.head)
      await pipeline(context.store.createReadStream(entry, { start: part.start, end: part.end }), res, { end: false })
    }
    res.end(plan.tail)
  } catch {
    res.destroy()
  }
}
