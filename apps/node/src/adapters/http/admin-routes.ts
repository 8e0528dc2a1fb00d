import type { IncomingMessage, ServerResponse } from 'node:http'
import type { CacheStore } from '../../cdn/store/cache-store.ts'
import { isBearerTokenValid } from '../../cdn/purge/bearer-token.ts'
import { parsePurgeRequest } from '../../cdn/purge/purge-request.ts'
import { sendErrorResponse } from './error-response.ts'
import { readRequestBody } from './read-request-body.ts'
import type { ServerMetrics } from './server-metrics.ts'

/** Everything under this path is the node's own API, not the origin's. */
export const ADMIN_PATH_PREFIX = '/_meson/'

const MAX_PURGE_BODY_BYTES = 1024 * 1024

export interface AdminRoutesContext {
  readonly store: CacheStore
  readonly metrics: ServerMetrics
  readonly originUrl: URL
  readonly adminToken: string | undefined
}

/** Serves `GET /_meson/healthz`, `GET /_meson/metrics` and `POST /_meson/purge`. */
export async function handleAdminRequest(context: AdminRoutesContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = (req.url ?? '').split('?', 1)[0] ?? ''
  const method = req.method ?? ''
  if (path === '/_meson/healthz') {
    if (method !== 'GET' && method !== 'HEAD') return sendErrorResponse(res, 'METHOD_NOT_ALLOWED', 'Use GET.', ['allow', 'GET, HEAD'])
    const stats = context.store.stats()
    return sendJson(res, 200, { status: 'ok', objects: stats.objects, storedBytes: stats.storedBytes })
  }
  if (path === '/_meson/metrics') {
    if (method !== 'GET' && method !== 'HEAD') return sendErrorResponse(res, 'METHOD_NOT_ALLOWED', 'Use GET.', ['allow', 'GET, HEAD'])
    const text = await context.metrics.registry.metrics()
    res.writeHead(200, ['content-type', context.metrics.registry.contentType, 'cache-control', 'no-store'])
    res.end(method === 'HEAD' ? undefined : text)
    return
  }
  if (path === '/_meson/purge') {
    if (method !== 'POST') return sendErrorResponse(res, 'METHOD_NOT_ALLOWED', 'Use POST.', ['allow', 'POST'])
    return handlePurge(context, req, res)
  }
  sendErrorResponse(res, 'NOT_FOUND', 'No such admin endpoint.')
}

async function handlePurge(context: AdminRoutesContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (context.adminToken === undefined) {
    return sendErrorResponse(res, 'UNAUTHORIZED', 'Purge is disabled: start the node with --admin-token.', ['www-authenticate', 'Bearer'])
  }
  if (!isBearerTokenValid(req.headers.authorization, context.adminToken)) {
    return sendErrorResponse(res, 'UNAUTHORIZED', 'Send Authorization: Bearer <admin token>.', ['www-authenticate', 'Bearer'])
  }
  const body = await readRequestBody(req, MAX_PURGE_BODY_BYTES)
  if (body === undefined) return sendErrorResponse(res, 'INVALID_PURGE', `The purge body is larger than ${MAX_PURGE_BODY_BYTES} bytes.`)
  const parsed = parsePurgeRequest(body, context.originUrl)
  if (!parsed.ok) return sendErrorResponse(res, 'INVALID_PURGE', parsed.message)
  const purged = await context.store.purge(parsed.request)
  context.metrics.purgedObjects.inc(purged)
  sendJson(res, 200, { purged })
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value)
  res.writeHead(status, ['content-type', 'application/json; charset=utf-8', 'content-length', String(Buffer.byteLength(body)), 'cache-control', 'no-store'])
  res.end(res.req.method === 'HEAD' ? undefined : body)
}
