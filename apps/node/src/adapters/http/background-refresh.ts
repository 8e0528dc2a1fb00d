import type { CacheEntry } from '../../cdn/store/cache-store.ts'
import { buildValidationHeaders, freshenStoredHeaders, isNotModifiedForOwnRequest } from '../../cdn/policy/index.ts'
import type { CacheContext } from './cache-context.ts'
import { dropUnstorable, storeFreshened } from './freshened-entry.ts'
import { fillRequestHeaders, originHeaderMap, relayAndMaybeStore } from './origin-fill.ts'
import type { FillRequest } from './origin-fill.ts'

/**
 * stale-while-revalidate (RFC 5861 §3): validates the entry in the background, one
 * refresh per stored variant at a time. A 5xx or a failure keeps the stored response.
 */
export function startBackgroundRevalidation(context: CacheContext, request: FillRequest, entry: CacheEntry): void {
  const key = `${request.primaryKey}\n\n${entry.response.secondaryKey}`
  if (context.backgroundFills.has(key)) return
  context.backgroundFills.add(key)
  const background: FillRequest = { ...request, method: 'GET', res: undefined }
  void (async () => {
    const reservation = context.store.reserveFill(request.primaryKey)
    try {
      context.metrics.revalidations.inc()
      const requestTimeMs = context.clock.nowMs()
      const originResponse = await context.origin.request({ method: 'GET', path: background.path, headers: fillRequestHeaders(context, background, buildValidationHeaders(entry.response)) })
      const responseTimeMs = context.clock.nowMs()
      const status = originResponse.statusCode ?? 502
      if (status === 304) {
        originResponse.resume()
        const notModifiedHeaders = originHeaderMap(context, originResponse)
        if (!isNotModifiedForOwnRequest(entry.response, notModifiedHeaders)) return
        const outcome = await storeFreshened(context, request.headers, entry, { ...entry.response, headers: freshenStoredHeaders(entry.response, notModifiedHeaders), requestTimeMs, responseTimeMs })
        await dropUnstorable(context, entry, outcome)
        return
      }
      if (status >= 500) {
        // A 5xx must not replace a good stored response (RFC 5861 §4 spirit).
        originResponse.resume()
        context.metrics.originErrors.inc()
        return
      }
      await relayAndMaybeStore(context, background, originResponse, { requestTimeMs, responseTimeMs, reservation }, 'stale')
    } catch (error) {
      context.metrics.originErrors.inc()
      context.onBackgroundError(error)
    } finally {
      reservation.release()
      context.backgroundFills.delete(key)
    }
  })()
}
