import type { IncomingMessage, ServerResponse } from 'node:http'
import { once } from 'node:events'
import type { HeaderMap } from '../../cdn/policy/header-map.ts'
import { appendVia, formatCacheStatus, formatContentRange, formatUnsatisfiedContentRange } from '../../cdn/policy/index.ts'
import type { CacheStatusEntry } from '../../cdn/policy/index.ts'
import type { CacheWriter } from '../../cdn/store/cache-store.ts'
import { appendHeaderFields } from './header-fields.ts'
import type { CacheContext } from './cache-context.ts'
import { sendErrorResponse } from './error-response.ts'
import { OriginError } from '../origin/origin-error.ts'
import { VIA_PSEUDONYM } from './via-pseudonym.ts'

/** How relaying one origin response ended. */
export type RelayOutcome =
  /** Whole body relayed; `stored` tells whether the store committed it. */
  | { readonly kind: 'complete'; readonly isStored: boolean }
  /** The origin dropped or stalled mid-body: the client's response was aborted, nothing stored. */
  | { readonly kind: 'origin-failed' }

export interface RelayParameters {
  /** The client response, or undefined for a background fill (no client). */
  readonly res: ServerResponse | undefined
  /** Status sent to the client; 304/412 when the client's conditional was answered from these headers. */
  readonly clientStatus: number
  /** Response header fields, hop-by-hop already removed. */
  readonly headers: HeaderMap
  /** Writes the body into the store when the response may be stored. */
  readonly writer: CacheWriter | undefined
  readonly maxObjectSizeBytes: number
  /** Why the request went to the origin (RFC 9211 §2.2). */
  readonly fwd: NonNullable<CacheStatusEntry['fwd']>
  /**
   * The client asked for a Range and the fill fetched the whole body (one origin request
   * for both): the client gets a 206 of these bytes, or a 416, while the store gets all.
   */
  readonly clientRange?: ClientRange
}

/** A Range answered from a whole body being filled (RFC 9110 §14). */
export type ClientRange =
  | { readonly kind: 'partial'; readonly start: number; readonly end: number; readonly sizeBytes: number }
  | { readonly kind: 'unsatisfiable'; readonly sizeBytes: number }

/**
 * Streams an origin response to the client while writing it to the store (a tee):
 * the client's backpressure paces the origin; a store that fails or gives up never
 * disturbs the client's stream; an origin that fails mid-body aborts the client's
 * response (so a cut body is never taken for a whole one), or answers 502 when nothing
 * was sent yet, and stores nothing. When the client goes away, a storable body is still
 * read to the end for the store (other requests wait on it); an unstorable one is dropped.
 *
 * While a fill may be stored, the latest chunk (and a bodyless answer's head) is held
 * back until the commit: the client never has the last byte before the object is
 * indexed, so its next request (a hit, or an unsafe method that invalidates) finds it.
 * The head goes with the first chunk written, so `Cache-Status` says `stored` only when
 * the commit is known by then (a body in one chunk); a cut fill never claims it.
 */
export async function relayOriginResponse(context: CacheContext, originResponse: IncomingMessage, parameters: RelayParameters): Promise<RelayOutcome> {
  let { res, writer } = parameters
  const { clientRange } = parameters
  const clientStatus = clientRange === undefined ? parameters.clientStatus : clientRange.kind === 'partial' ? 206 : 416
  const hasClientBody = res !== undefined && clientStatus !== 304 && clientStatus !== 416 && res.req.method !== 'HEAD' && hasBody(clientStatus)
  const head: string[] = []
  if (res !== undefined) {
    appendHeaderFields(head, parameters.headers, clientRange === undefined ? RECOMPUTED_FIELDS : RANGE_RECOMPUTED_FIELDS)
    head.push('via', appendVia(parameters.headers.via, originResponse.httpVersion, VIA_PSEUDONYM))
    if (clientRange?.kind === 'partial') {
      head.push('content-range', formatContentRange(clientRange.start, clientRange.end, clientRange.sizeBytes), 'content-length', String(clientRange.end - clientRange.start + 1))
    } else if (clientRange?.kind === 'unsatisfiable') {
      head.push('content-range', formatUnsatisfiedContentRange(clientRange.sizeBytes), 'content-length', '0')
    }
  }
  const sendHead = (target: ServerResponse, isStored: boolean): void => {
    if (target.headersSent) return
    head.push('cache-status', formatCacheStatus({ cache: VIA_PSEUDONYM, fwd: parameters.fwd, fwdStatus: originResponse.statusCode ?? 502, stored: isStored }))
    target.writeHead(clientStatus, head)
  }
  if (res !== undefined && writer === undefined && !hasClientBody) {
    sendHead(res, false)
    res.end()
    res = undefined
  }
  if (res === undefined && writer === undefined) {
    originResponse.resume()
    return { kind: 'complete', isStored: false }
  }
  let storedBytes = 0
  let clientBytes = 0
  let heldChunk: Uint8Array | undefined
  // Offset of the next chunk in the whole body, for a client Range.
  let bodyOffset = 0
  const writeToClient = async (target: ServerResponse, chunk: Uint8Array): Promise<void> => {
    if (chunk.length === 0 || target.destroyed) return
    sendHead(target, false)
    if (!target.write(chunk)) await waitForDrain(target)
  }
  try {
    for await (const chunk of originResponse) {
      if (!(chunk instanceof Uint8Array)) continue
      if (res !== undefined && hasClientBody) {
        if (res.destroyed) {
          res = undefined
          heldChunk = undefined
          if (writer === undefined) break
        } else if (clientRange?.kind === 'partial') {
          const part = chunk.subarray(Math.max(0, clientRange.start - bodyOffset), Math.max(0, clientRange.end + 1 - bodyOffset))
          bodyOffset += chunk.length
          clientBytes += part.length
          const isRangeDone = bodyOffset > clientRange.end
          // The range's end waits for the commit like a whole body's, unless much of the
          // body is still to come: a small range of a big file is not held.
          const mayHoldEnd = writer !== undefined && clientRange.sizeBytes - bodyOffset <= MAX_HELD_RANGE_REST_BYTES
          if (isRangeDone && mayHoldEnd) {
            heldChunk = heldChunk === undefined ? part : Buffer.concat([heldChunk, part])
          } else {
            if (heldChunk !== undefined) await writeToClient(res, heldChunk)
            heldChunk = undefined
            await writeToClient(res, part)
          }
          if (isRangeDone && !mayHoldEnd) {
            // The client has its range; the rest of the body is for the store only.
            res.end()
            res = undefined
            if (writer === undefined) break
          }
        } else {
          clientBytes += chunk.length
          const previous = heldChunk
          heldChunk = writer === undefined ? undefined : chunk
          if (previous !== undefined) await writeToClient(res, previous)
          if (heldChunk === undefined) await writeToClient(res, chunk)
        }
      }
      if (writer !== undefined) {
        storedBytes += chunk.length
        if (storedBytes > parameters.maxObjectSizeBytes) {
          await writer.abort()
          writer = undefined
          if (res === undefined) break
          continue
        }
        try {
          await writer.write(chunk)
        } catch {
          await writer.abort()
          writer = undefined
        }
      }
    }
  } catch (error) {
    await writer?.abort()
    context.metrics.bytesServed.inc(clientBytes - (heldChunk?.length ?? 0))
    // Nothing sent yet (a body broken at its start): the client gets a clean 502.
    if (res !== undefined && !res.headersSent && !res.destroyed) sendErrorResponse(res, 'ORIGIN_BAD_RESPONSE', originFailureMessage(error))
    else res?.destroy()
    return { kind: 'origin-failed' }
  }
  context.metrics.bytesServed.inc(clientBytes)
  if (!originResponse.complete) {
    // Left the loop early (client gone, nothing to store): drop the origin connection.
    originResponse.destroy()
    await writer?.abort()
    res?.destroy()
    return { kind: 'complete', isStored: false }
  }
  // Commit before the client's last byte and the response's end, so the client's next
  // request finds the object (a miss then a hit, deterministically; an unsafe method
  // then invalidates it); it costs a miss one fsync.
  const entry = writer === undefined ? undefined : await writer.commit().catch(() => undefined)
  if (res !== undefined && !res.destroyed) {
    sendHead(res, entry !== undefined)
    res.end(heldChunk)
  }
  return { kind: 'complete', isStored: entry !== undefined }
}

function originFailureMessage(error: unknown): string {
  return error instanceof OriginError ? error.shortMessage : 'The origin sent a malformed response body.'
}

/** Fields this hop writes itself, and Surrogate-Control, which is for surrogates only (W3C Edge Architecture 1.0). */
const RECOMPUTED_FIELDS: ReadonlySet<string> = new Set(['via', 'cache-status', 'surrogate-control'])
/** A client Range's end is held for the commit only when at most this much body follows it. */
const MAX_HELD_RANGE_REST_BYTES = 1024 * 1024

/** Fields this hop writes itself when it answers a Range from a whole body. */
const RANGE_RECOMPUTED_FIELDS: ReadonlySet<string> = new Set(['via', 'cache-status', 'surrogate-control', 'content-length', 'content-range'])

function hasBody(status: number): boolean {
  // RFC 9110 §6.4.1: 1xx, 204 and 304 responses have no content.
  return status >= 200 && status !== 204 && status !== 304
}

async function waitForDrain(res: ServerResponse): Promise<void> {
  if (res.destroyed) return
  // Resolves on 'drain', or on 'close' when the client goes away while we wait.
  const controller = new AbortController()
  await Promise.race([once(res, 'drain', { signal: controller.signal }), once(res, 'close', { signal: controller.signal })]).catch(() => undefined)
  controller.abort()
}
