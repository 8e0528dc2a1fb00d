import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http'
import type { CacheStatusEntry, HeaderMap, PartCombination, StoredResponse } from '../../cdn/policy/index.ts'
import { evaluateClientConditional, withoutUnstoredFields, formatHttpDate, isResponseStorable, secondaryKeyFor, selectVaryRequestHeaders, stripHopByHop, isIfRangeSatisfied, parseRange, resolveSurrogateControl, formatPartContentRange, planPartCombination, storablePartOf } from '../../cdn/policy/index.ts'
import { OriginError } from '../origin/origin-error.ts'
import type { CacheEntry, CacheWriter, FillReservation } from '../../cdn/store/cache-store.ts'
import { createLengthCheckedWriter } from './length-checked-writer.ts'
import { createPartCombiningWriter } from './part-combining-writer.ts'
import { selectStoredPart } from './stored-part-response.ts'
import type { CacheContext } from './cache-context.ts'
import { sendErrorResponse } from './error-response.ts'
import { toHeaderMap } from './header-fields.ts'
import { buildOriginRequestHeaders } from './origin-request-headers.ts'
import { relayOriginResponse } from './relay-origin-response.ts'
import type { ClientRange, RelayOutcome } from './relay-origin-response.ts'

/** A GET or HEAD as a fill needs it; `res` is absent for background work. */
export interface FillRequest {
  readonly method: 'GET' | 'HEAD'
  /** Path and query as received. */
  readonly path: string
  readonly headers: HeaderMap
  readonly primaryKey: string
  readonly clientAddress: string | undefined
  readonly httpVersion: string
  readonly res: ServerResponse | undefined
}

/** When an origin exchange happened, for the Age calculation (RFC 9111 §4.2.3), and the fill it may store. */
export interface ExchangeTimes {
  readonly requestTimeMs: number
  readonly responseTimeMs: number
  /** Taken before the origin request went out: an invalidation since then keeps the answer out of the store. */
  readonly reservation?: FillReservation
}

/** Request fields that make the origin's answer depend on the client's own state; a fill sends none of them. */
const CLIENT_CONDITIONAL_FIELDS: ReadonlySet<string> = new Set(['range', 'if-range', 'if-none-match', 'if-modified-since', 'if-match', 'if-unmodified-since'])

/** Header fields for a fill: the client's minus its own conditionals and Range, plus our validators if any. */
export function fillRequestHeaders(context: CacheContext, request: FillRequest, validators: HeaderMap | undefined): OutgoingHttpHeaders {
  const clientHeaders: Record<string, string> = {}
  for (const name in request.headers) {
    const value = request.headers[name]
    if (value !== undefined && !CLIENT_CONDITIONAL_FIELDS.has(name)) clientHeaders[name] = value
  }
  const headers = buildOriginRequestHeaders(clientHeaders, request.clientAddress, request.httpVersion, context.originHost)
  if (validators !== undefined) Object.assign(headers, validators)
  return headers
}

/**
 * Fetches the full response unconditionally and relays it while storing it where
 * RFC 9111 §3 allows. `onNotShareable` learns as soon as the headers show the
 * response will not be stored (collapsed followers stop waiting then).
 * Returns undefined when the origin could not be reached (the client got a 502/504).
 */
export async function fetchAndRelay(
  context: CacheContext,
  request: FillRequest,
  fwd: NonNullable<CacheStatusEntry['fwd']>,
  onNotShareable?: () => void,
): Promise<RelayOutcome | undefined> {
  const requestTimeMs = context.clock.nowMs()
  const reservation = context.store.reserveFill(request.primaryKey)
  try {
    let originResponse: IncomingMessage
    try {
      originResponse = await context.origin.request({ method: 'GET', path: request.path, headers: fillRequestHeaders(context, request, undefined) })
    } catch (error) {
      context.metrics.originErrors.inc()
      onNotShareable?.()
      if (request.res !== undefined) sendOriginError(request.res, error)
      return undefined
    }
    return await relayAndMaybeStore(context, request, originResponse, { requestTimeMs, responseTimeMs: context.clock.nowMs(), reservation }, fwd, onNotShareable)
  } finally {
    reservation.release()
  }
}

/**
 * A Range miss sent on as it is (`decideRangeMiss`): the origin's 206 is relayed and
 * stored as a part (RFC 9111 §3.4); a 200 (the origin ignored Range) is stored whole
 * while the client gets its range cut from it, as a whole fill does. Not collapsed:
 * concurrent misses for other ranges would not be answered by this one's part.
 */
export async function fetchRangeAndRelay(context: CacheContext, request: FillRequest, rangeHeader: string): Promise<RelayOutcome | undefined> {
  const requestTimeMs = context.clock.nowMs()
  const reservation = context.store.reserveFill(request.primaryKey)
  try {
    let originResponse: IncomingMessage
    try {
      originResponse = await context.origin.request({ method: 'GET', path: request.path, headers: { ...fillRequestHeaders(context, request, undefined), range: rangeHeader } })
    } catch (error) {
      context.metrics.originErrors.inc()
      if (request.res !== undefined) sendOriginError(request.res, error)
      return undefined
    }
    return await relayAndMaybeStore(context, request, originResponse, { requestTimeMs, responseTimeMs: context.clock.nowMs(), reservation }, 'uri-miss')
  } finally {
    reservation.release()
  }
}

/**
 * Relays a full (unconditional) origin response to the client, if any, and into the
 * store when it may be stored. The client's own conditionals (RFC 9110 §13.2.2) are
 * answered from the fresh response's header fields: a 304 or 412 to the client while
 * the body still goes to the store.
 */
export async function relayAndMaybeStore(
  context: CacheContext,
  request: FillRequest,
  originResponse: IncomingMessage,
  times: ExchangeTimes,
  fwd: NonNullable<CacheStatusEntry['fwd']>,
  onNotShareable?: () => void,
): Promise<RelayOutcome> {
  const status = originResponse.statusCode ?? 502
  const headers = originHeaderMap(context, originResponse)
  const writer = beginStoreWrite(context, request, status, headers, times)
  if (writer === undefined) onNotShareable?.()
  let res = request.res
  let clientStatus = status
  if (res !== undefined && status === 200) {
    const conditional = evaluateClientConditional({ method: request.method, requestHeaders: request.headers, storedHeaders: headers, nowMs: context.clock.nowMs() })
    if (conditional === 'not-modified') clientStatus = 304
    if (conditional === 'precondition-failed') {
      sendErrorResponse(res, 'PRECONDITION_FAILED', 'A precondition of the request does not hold.')
      res = undefined
    }
  }
  const clientRange = res !== undefined && clientStatus === 200 ? clientRangeOf(request, headers) : undefined
  const outcome = await relayOriginResponse(context, originResponse, {
    res,
    clientStatus,
    headers,
    writer,
    maxObjectSizeBytes: context.maxObjectSizeBytes,
    fwd,
    ...(clientRange === undefined ? {} : { clientRange }),
  })
  if (outcome.kind === 'origin-failed') context.metrics.originErrors.inc()
  return outcome
}

/**
 * The client's Range (RFC 9110 §14.2), answered from the whole 200 the fill fetched, so
 * a Range miss costs the origin one request. Needs the body's length up front (for
 * `Content-Range` and suffix ranges); without it, or when If-Range fails or the ranges
 * are several, the client gets the whole 200, which §14.2 allows ("MAY ignore").
 */
function clientRangeOf(request: FillRequest, headers: HeaderMap): ClientRange | undefined {
  const rangeHeader = request.headers.range
  if (rangeHeader === undefined || request.method !== 'GET') return undefined
  if (!isIfRangeSatisfied(request.headers['if-range'], headers)) return undefined
  const lengthText = headers['content-length']
  if (lengthText === undefined || !/^\d{1,15}$/.test(lengthText.trim())) return undefined
  const sizeBytes = Number(lengthText.trim())
  const decision = parseRange(rangeHeader, sizeBytes)
  if (decision.kind === 'partial') return { kind: 'partial', start: decision.start, end: decision.end, sizeBytes }
  if (decision.kind === 'unsatisfiable') return { kind: 'unsatisfiable', sizeBytes }
  return undefined
}

/** Opens a store write when the response may be stored (RFC 9111 §3) and fits the size limit. */
function beginStoreWrite(context: CacheContext, request: FillRequest, status: number, headers: HeaderMap, times: ExchangeTimes): CacheWriter | undefined {
  if (request.method !== 'GET') return undefined
  if (!isResponseStorable({ method: 'GET', requestHeaders: request.headers, status, responseHeaders: headers }).storable) return undefined
  const declaredLength = headers['content-length']
  if (declaredLength !== undefined && Number(declaredLength) > context.maxObjectSizeBytes) return undefined
  const secondaryKey = secondaryKeyFor(headers, request.headers)
  if (secondaryKey === null) return undefined
  const response: Omit<StoredResponse, 'sizeBytes' | 'sha256'> = {
    primaryKey: request.primaryKey,
    secondaryKey,
    status,
    // RFC 9111 §5.2.2.4/§5.2.2.7: fields a qualified no-cache or private names are not stored.
    headers: withoutUnstoredFields(headers),
    varyRequestHeaders: selectVaryRequestHeaders(headers, request.headers),
    requestTimeMs: times.requestTimeMs,
    responseTimeMs: times.responseTimeMs,
  }
  const incoming = status === 206 ? storablePartOf(headers) : undefined
  if (incoming === undefined) return context.store.beginWrite(response, surrogateKeysOf(headers), times.reservation)
  const combination = planCombinationWithStored(context, request, response)
  if (combination === undefined) {
    return createLengthCheckedWriter(context.store.beginWrite(response, surrogateKeysOf(headers), times.reservation), incoming.end - incoming.start + 1)
  }
  const { union } = combination.plan
  // RFC 9111 §3.4: the combined response takes the new response's fields, with the
  // Content-Range (and length) of the union.
  const combinedHeaders = { ...response.headers, 'content-range': formatPartContentRange(union.start, union.end, union.completeLength), 'content-length': String(union.end - union.start + 1) }
  const inner = context.store.beginWrite({ ...response, headers: combinedHeaders }, surrogateKeysOf(headers), times.reservation)
  // The new body must be exactly its range, or the union would hold misplaced bytes.
  return createPartCombiningWriter(context.store, inner, combination.stored, combination.plan, incoming.end - incoming.start + 1)
}

/** A stored part of the same variant that the new 206 may be combined with (`planPartCombination`). */
function planCombinationWithStored(context: CacheContext, request: FillRequest, response: Pick<StoredResponse, 'secondaryKey' | 'headers'>): { readonly stored: CacheEntry; readonly plan: PartCombination } | undefined {
  const incoming = storablePartOf(response.headers)
  const stored = selectStoredPart(context.store.lookup(request.primaryKey), request.headers)
  if (incoming === undefined || stored === undefined || stored.entry.response.secondaryKey !== response.secondaryKey) return undefined
  const plan = planPartCombination({ part: stored.part, headers: stored.entry.response.headers }, { part: incoming, headers: response.headers })
  return plan === undefined ? undefined : { stored: stored.entry, plan }
}

/** Surrogate keys for purges, from `Surrogate-Key` (space-separated) and `Cache-Tag` (comma-separated). */
function surrogateKeysOf(headers: HeaderMap): readonly string[] {
  const surrogate = headers['surrogate-key']
  const tags = headers['cache-tag']
  if (surrogate === undefined && tags === undefined) return []
  return `${surrogate ?? ''} ${(tags ?? '').replaceAll(',', ' ')}`.split(/\s+/).filter((key) => key !== '')
}

/**
 * The origin response's end-to-end fields, with Surrogate-Control resolved for this node
 * (surrogate-control.ts) and a Date when the origin sent none: RFC 9110 §6.6.1 "A
 * recipient with a clock that receives a response message without a Date header field
 * MUST record the time it was received and append a corresponding Date header field to
 * the message's header section if it is cached or forwarded downstream". Without it a
 * hit would carry node:http's Date of the moment it is served, a Date that changes on
 * every hit of one stored response.
 */
export function originHeaderMap(context: CacheContext, originResponse: IncomingMessage): HeaderMap {
  const headers = resolveSurrogateControl(stripHopByHop(toHeaderMap(originResponse.headers)), context.surrogateTarget)
  return headers.date === undefined ? { ...headers, date: formatHttpDate(context.clock.nowMs()) } : headers
}

/** Answers an origin failure: 502 or 504 by its code (error-response.ts). */
export function sendOriginError(res: ServerResponse, error: unknown): void {
  if (error instanceof OriginError) return sendErrorResponse(res, error.code, error.shortMessage)
  sendErrorResponse(res, 'INTERNAL', 'Internal error.')
}
