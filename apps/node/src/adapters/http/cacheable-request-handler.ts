import type { IncomingMessage, ServerResponse } from 'node:http'
import type { StoredResponse } from '../../cdn/policy/index.ts'
import {
  buildValidationHeaders,
  decideRangeMiss,
  decideStoredUse,
  freshenStoredHeaders,
  isNotModifiedForOwnRequest,
  isOnlyIfCached,
  stripHopByHop,
  varyMatches,
} from '../../cdn/policy/index.ts'
import type { CacheEntry, FillReservation } from '../../cdn/store/cache-store.ts'
import { startBackgroundRevalidation } from './background-refresh.ts'
import type { CacheContext } from './cache-context.ts'
import { sendErrorResponse } from './error-response.ts'
import { dropUnstorable, storeFreshened } from './freshened-entry.ts'
import { toHeaderMap } from './header-fields.ts'
import { fetchAndRelay, fetchRangeAndRelay, fillRequestHeaders, originHeaderMap, relayAndMaybeStore, sendOriginError } from './origin-fill.ts'
import { selectStoredPart, sendStoredPartIfCovered } from './stored-part-response.ts'
import type { FillRequest } from './origin-fill.ts'
import { primaryKeyForPath } from './origin-cache-key.ts'
import { buildOriginRequestHeaders } from './origin-request-headers.ts'
import { relayOriginResponse } from './relay-origin-response.ts'
import type { RelayOutcome } from './relay-origin-response.ts'
import { sendStoredEntry } from './stored-entry-response.ts'
import type { StoredServeKind } from './stored-entry-response.ts'

/** A GET/HEAD with its client. */
interface ClientRequest extends FillRequest {
  readonly req: IncomingMessage
  readonly res: ServerResponse
}

/**
 * Answers a GET or HEAD: a usable stored response is served (fresh, or stale while a
 * background refresh runs), a stale one is revalidated first, a miss is fetched once
 * for all concurrent requests (collapsed) and streamed to the client while stored.
 */
export async function handleCacheableRequest(context: CacheContext, req: IncomingMessage, res: ServerResponse, method: 'GET' | 'HEAD'): Promise<void> {
  const path = req.url ?? '/'
  const headers = toHeaderMap(req.headers)
  const request: ClientRequest = {
    req,
    res,
    method,
    path,
    headers,
    // Standalone mode has one origin, so the key is the URL the origin is asked for.
    primaryKey: primaryKeyForPath(context.originUrl, path),
    clientAddress: req.socket.remoteAddress,
    httpVersion: req.httpVersion,
  }
  // RFC 9111 §4.3.2: "the If-Match and If-Unmodified-Since conditional header fields are
  // not applicable to a cache", and "A cache MUST NOT evaluate conditional header fields
  // that only apply to an origin server". Such a request goes to the origin as it is,
  // which evaluates them against the current representation; its answer is relayed.
  if (headers['if-match'] !== undefined || headers['if-unmodified-since'] !== undefined) {
    context.metrics.misses.inc()
    return forwardWithoutStoring(context, request, 'request')
  }
  const variants = context.store.lookup(request.primaryKey)
  const entry = selectVariant(variants, request)
  if (entry !== undefined) return serveEntry(context, request, entry, 'hit')
  const rangeHeader = method === 'GET' ? headers.range : undefined
  const stored = rangeHeader === undefined ? undefined : selectStoredPart(variants, headers)
  if (stored !== undefined && (await sendStoredPartIfCovered(context, req, res, stored, headers))) return
  // RFC 9111 §5.2.1.7: only-if-cached with nothing stored is a 504.
  if (isOnlyIfCached(headers)) return sendErrorResponse(res, 'NOT_CACHED', 'The response is not in the cache (only-if-cached).')
  context.metrics.misses.inc()
  if (method === 'HEAD') return forwardWithoutStoring(context, request, 'uri-miss')
  if (rangeHeader !== undefined && decideRangeMiss({ rangeHeader, ifRange: headers['if-range'], storedPart: stored?.part }) === 'forward-range') {
    await fetchRangeAndRelay(context, request, rangeHeader)
    return
  }
  // Otherwise a miss is one origin request for the whole object, collapsed: a Range
  // client gets its range as the bytes arrive while the store gets the whole body.
  return fillCollapsed(context, request, variants.length === 0 ? 'uri-miss' : 'vary-miss')
}

/** The newest whole stored response matching the request's Vary; stored parts (206) are `selectStoredPart`'s. */
function selectVariant(variants: readonly CacheEntry[], request: FillRequest): CacheEntry | undefined {
  for (const candidate of variants) {
    if (candidate.response.status !== 206 && varyMatches(candidate.response, request.headers)) return candidate
  }
  return undefined
}

async function serveEntry(context: CacheContext, request: ClientRequest, entry: CacheEntry, hitKind: 'hit' | 'collapsed'): Promise<void> {
  const decision = decideStoredUse({ requestHeaders: request.headers, stored: entry.response, nowMs: context.clock.nowMs() })
  if (decision.kind === 'fresh') {
    context.metrics.hits.inc()
    return sendStoredEntry(context, request.req, request.res, entry, request.headers, hitKind, decision)
  }
  if (decision.kind === 'stale-while-revalidate') {
    context.metrics.staleServed.inc()
    startBackgroundRevalidation(context, request, entry)
    return sendStoredEntry(context, request.req, request.res, entry, request.headers, 'stale-while-revalidate', decision)
  }
  if (isOnlyIfCached(request.headers)) return sendErrorResponse(request.res, 'NOT_CACHED', 'The stored response is stale (only-if-cached).')
  return revalidate(context, request, entry, decision.fwd, decision.mayServeStaleOnError)
}

/** Validates a stale entry with the origin (RFC 9111 §4.3) and serves the outcome. */
async function revalidate(context: CacheContext, request: ClientRequest, entry: CacheEntry, fwd: 'request' | 'stale', mayServeStaleOnError: boolean): Promise<void> {
  context.metrics.revalidations.inc()
  const reservation = context.store.reserveFill(request.primaryKey)
  try {
    await revalidateReserved(context, request, entry, fwd, mayServeStaleOnError, reservation)
  } finally {
    reservation.release()
  }
}

async function revalidateReserved(context: CacheContext, request: ClientRequest, entry: CacheEntry, fwd: 'request' | 'stale', mayServeStaleOnError: boolean, reservation: FillReservation): Promise<void> {
  const requestTimeMs = context.clock.nowMs()
  let originResponse: IncomingMessage
  try {
    originResponse = await context.origin.request({ method: 'GET', path: request.path, headers: fillRequestHeaders(context, request, buildValidationHeaders(entry.response)) })
  } catch (error) {
    context.metrics.originErrors.inc()
    // RFC 9111 §4.3.3 / RFC 5861 §4: stale-if-error.
    if (mayServeStaleOnError) return serveStale(context, request, entry)
    return sendOriginError(request.res, error)
  }
  const responseTimeMs = context.clock.nowMs()
  const status = originResponse.statusCode ?? 502
  if (status === 304) {
    originResponse.resume()
    const notModifiedHeaders = originHeaderMap(context, originResponse)
    // RFC 9111 §4.3.4: a 304 whose validators name another response freshens nothing;
    // the request is then repeated without conditions (§4.3.3).
    if (!isNotModifiedForOwnRequest(entry.response, notModifiedHeaders)) {
      await fetchAndRelay(context, request, fwd)
      return
    }
    const freshened: StoredResponse = { ...entry.response, headers: freshenStoredHeaders(entry.response, notModifiedHeaders), requestTimeMs, responseTimeMs }
    const outcome = await storeFreshened(context, request.headers, entry, freshened)
    await sendStoredEntry(context, request.req, request.res, outcome.entry, request.headers, 'revalidated')
    return dropUnstorable(context, entry, outcome)
  }
  // RFC 9111 §4.3.3: a 5xx may be answered with the stale response where allowed.
  if (status >= 500 && mayServeStaleOnError) {
    originResponse.resume()
    context.metrics.originErrors.inc()
    return serveStale(context, request, entry)
  }
  await relayAndMaybeStore(context, request, originResponse, { requestTimeMs, responseTimeMs, reservation }, fwd)
}

function serveStale(context: CacheContext, request: ClientRequest, entry: CacheEntry): Promise<void> {
  context.metrics.staleServed.inc()
  const kind: StoredServeKind = 'stale-if-error'
  return sendStoredEntry(context, request.req, request.res, entry, request.headers, kind)
}

/**
 * One origin fetch for N concurrent misses. The leader streams to its client while
 * storing; followers wait (bounded) until the leader's object is committed and are then
 * served from the store. When the response turns out not shareable, or the leader
 * fails, or the wait times out, each follower asks the origin itself.
 */
async function fillCollapsed(context: CacheContext, request: ClientRequest, fwd: 'uri-miss' | 'vary-miss'): Promise<void> {
  const ticket = context.collapser.join(request.primaryKey)
  if (ticket.role === 'follower') {
    const outcome = await ticket.outcome
    if (outcome === 'stored') {
      const entry = selectVariant(context.store.lookup(request.primaryKey), request)
      if (entry !== undefined) return serveEntry(context, request, entry, 'collapsed')
    }
    await fetchAndRelay(context, request, fwd)
    return
  }
  let outcome: RelayOutcome | undefined
  try {
    outcome = await fetchAndRelay(context, request, fwd, () => ticket.settle('not-shared'))
  } finally {
    ticket.settle(outcome?.kind === 'complete' && outcome.isStored ? 'stored' : 'failed')
  }
}

/** Forwards the request as it is (a HEAD miss, origin-only preconditions) and relays the answer without storing it. */
async function forwardWithoutStoring(context: CacheContext, request: ClientRequest, fwd: 'uri-miss' | 'request'): Promise<void> {
  let originResponse: IncomingMessage
  try {
    originResponse = await context.origin.request({
      method: request.method,
      path: request.path,
      headers: buildOriginRequestHeaders(request.headers, request.clientAddress, request.httpVersion, context.originHost),
    })
  } catch (error) {
    context.metrics.originErrors.inc()
    return sendOriginError(request.res, error)
  }
  const outcome = await relayOriginResponse(context, originResponse, {
    res: request.res,
    clientStatus: originResponse.statusCode ?? 502,
    headers: stripHopByHop(toHeaderMap(originResponse.headers)),
    writer: undefined,
    maxObjectSizeBytes: context.maxObjectSizeBytes,
    fwd,
  })
  if (outcome.kind === 'origin-failed') context.metrics.originErrors.inc()
}
