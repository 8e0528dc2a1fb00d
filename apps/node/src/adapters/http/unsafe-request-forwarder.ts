import type { IncomingMessage, ServerResponse } from 'node:http'
import { invalidationTargets, stripHopByHop } from '../../cdn/policy/index.ts'
import { OriginError } from '../origin/origin-error.ts'
import type { CacheContext } from './cache-context.ts'
import { sendErrorResponse } from './error-response.ts'
import { toHeaderMap } from './header-fields.ts'
import { buildOriginRequestHeaders } from './origin-request-headers.ts'
import { relayOriginResponse } from './relay-origin-response.ts'

/**
 * Forwards a request with an unsafe (or unknown) method to the origin, body streamed,
 * and on a non-error answer invalidates what RFC 9111 §4.4 names: the target URI and
 * the Location / Content-Location URIs on the same origin.
 */
export async function forwardUnsafeRequest(context: CacheContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const method = req.method ?? 'POST'
  const path = req.url ?? '/'
  const requestHeaders = toHeaderMap(req.headers)
  context.metrics.misses.inc()
  let originResponse: IncomingMessage
  try {
    originResponse = await context.origin.request({
      method,
      path,
      headers: buildOriginRequestHeaders(requestHeaders, req.socket.remoteAddress, req.httpVersion, context.originHost),
      body: req,
    })
  } catch (error) {
    context.metrics.originErrors.inc()
    if (error instanceof OriginError) return sendErrorResponse(res, error.code, error.shortMessage)
    return sendErrorResponse(res, 'INTERNAL', 'Internal error.')
  }
  const status = originResponse.statusCode ?? 502
  const headers = stripHopByHop(toHeaderMap(originResponse.headers))
  const targets = invalidationTargets({ method, status, requestUrl: context.originUrl.origin + path, responseHeaders: headers })
  for (const primaryKey of targets) await context.store.removeByPrimaryKey(primaryKey)
  const outcome = await relayOriginResponse(context, originResponse, {
    res,
    clientStatus: status,
    headers,
    writer: undefined,
    maxObjectSizeBytes: context.maxObjectSizeBytes,
    fwd: 'bypass',
  })
  if (outcome.kind === 'origin-failed') context.metrics.originErrors.inc()
}
