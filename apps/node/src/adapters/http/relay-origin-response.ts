import type { IncomingMessage, ServerResponse } from 'node:http'
import { once } from 'node:events'
import type { HeaderMap } from '../../cache-policy/header-map.ts'
import { appendVia, formatCacheStatus } from '../../cache-policy/index.ts'
import type { CacheStatusEntry } from '../../cache-policy/index.ts'
import type { CacheWriter } from '../../store/cache-store.ts'
import { appendHeaderFields } from './header-fields.ts'
import type { CacheContext } from './cache-context.ts'
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
}

/**
 * Streams an origin response to the client while writing it to the store (a tee):
 * the client's backpressure paces the origin; a store that fails or gives up never
 * disturbs the client's stream; an origin that fails mid-body aborts the client's
 * response (so a cut body is never taken for a whole one) and stores nothing. When the
 * client goes away, a storable body is still read to the end for the store (other
 * requests wait on it); an unstorable one is dropped.
 */
export async function relayOriginResponse(context: CacheContext, originResponse: IncomingMessage, parameters: RelayParameters): Promise<RelayOutcome> {
  let { res, writer } = parameters
  const hasClientBody = res !== undefined && parameters.clientStatus !== 304 && res.req.method !== 'HEAD' && hasBody(parameters.clientStatus)
  if (res !== undefined) {
    const list: string[] = []
    appendHeaderFields(list, parameters.headers, RECOMPUTED_FIELDS)
    list.push('via', appendVia(parameters.headers.via, originResponse.httpVersion, VIA_PSEUDONYM), 'cache-status', formatCacheStatus({ cache: VIA_PSEUDONYM, fwd: parameters.fwd, fwdStatus: originResponse.statusCode ?? 502, stored: writer !== undefined }))
    res.writeHead(parameters.clientStatus, list)
    if (!hasClientBody) {
      res.end()
      res = undefined
    } else if (writer !== undefined) {
      // The first chunk may be held back until the commit (below): the head goes now.
      res.flushHeaders()
    }
  }
  if (res === undefined && writer === undefined) {
    originResponse.resume()
    return { kind: 'complete', isStored: false }
  }
  let storedBytes = 0
  let clientBytes = 0
  // While a fill may still be stored, the latest chunk is held back and released only
  // after the commit: the client never has the last byte before the object is indexed,
  // so its next request (a hit, or an unsafe method that invalidates) finds it.
  let heldChunk: Uint8Array | undefined
  try {
    for await (const chunk of originResponse) {
      if (!(chunk instanceof Uint8Array)) continue
      if (res !== undefined) {
        if (res.destroyed) {
          res = undefined
          heldChunk = undefined
          if (writer === undefined) break
        } else {
          clientBytes += chunk.length
          const previous = heldChunk
          heldChunk = writer === undefined ? undefined : chunk
          let isFlowing = previous === undefined || res.write(previous)
          if (heldChunk === undefined) isFlowing = res.write(chunk) && isFlowing
          if (!isFlowing) await waitForDrain(res)
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
  } catch {
    await writer?.abort()
    res?.destroy()
    context.metrics.bytesServed.inc(clientBytes)
    return { kind: 'origin-failed' }
  }
  context.metrics.bytesServed.inc(clientBytes)
  if (!originResponse.complete) {
    // Left the loop early (client gone, nothing to store): drop the origin connection.
    originResponse.destroy()
    await writer?.abort()
    return { kind: 'complete', isStored: false }
  }
  // Commit before the client's last byte (held back above) and the response's end, so
  // the client's next request finds the object (a miss then a hit, deterministically;
  // an unsafe method then invalidates it); it costs a miss one fsync.
  const entry = writer === undefined ? undefined : await writer.commit().catch(() => undefined)
  if (res !== undefined && !res.destroyed && heldChunk !== undefined) res.end(heldChunk)
  else res?.end()
  return { kind: 'complete', isStored: entry !== undefined }
}

/** Fields this hop writes itself. */
const RECOMPUTED_FIELDS: ReadonlySet<string> = new Set(['via', 'cache-status'])

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
