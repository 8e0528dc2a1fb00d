import type { IncomingMessage, ServerResponse } from 'node:http'
import { handleCacheableRequest } from './cacheable-request-handler.ts'
import { sendErrorResponse } from './error-response.ts'
import { serveFreshMemoryHit } from './fresh-hit-fast-path.ts'
import { countBodyBytes } from './body-byte-counter.ts'
import { admitZoneRequest } from './zone-admission.ts'
import type { ZoneBounceReason, ZoneServing } from './zone-admission.ts'
import { zoneObjectTarget } from '../../cdn/zones/zone-request-target.ts'
import type { ZoneRequestTarget } from '../../cdn/zones/zone-request-target.ts'

/**
 * Answers `GET|HEAD /z/<zone>/<path>?mt=<ticket>` (DESIGN.md §5): a ticket that holds
 * for this node, zone, path and the socket's peer address, within its budget, is served
 * through the cache engine from the origin it names, keyed by zone and path (never
 * `mt`, which is neither stored nor forwarded); anything else is a `302` back to the
 * redirector, with no content, so the client comes back with a fresh ticket. The
 * decision is `admitZoneRequest`, shared with the raw connections (ADR 0006).
 */
export function handleZoneRequest(serving: ZoneServing, req: IncomingMessage, res: ServerResponse, target: ZoneRequestTarget): void {
  const method = req.method
  if (method !== 'GET' && method !== 'HEAD') {
    sendErrorResponse(res, 'METHOD_NOT_ALLOWED', 'Zones are served with GET and HEAD only.', ['allow', 'GET, HEAD'])
    return
  }
  const admission = admitZoneRequest(serving, target, req.socket.remoteAddress ?? '')
  switch (admission.kind) {
    case 'bounce':
      return bounce(serving, res, target, admission.reason)
    case 'no-origin':
      sendErrorResponse(res, 'ORIGIN_UNREACHABLE', 'The ticket names no origin for this zone.')
      return
    case 'gateway': {
      // An IPFS gateway zone (#13): metered like any zone, served from verified blocks.
      if (serving.gateway === undefined) return sendErrorResponse(res, 'NOT_FOUND', 'This node does not run the IPFS gateway.')
      const { ticket, token } = admission
      countBodyBytes(res, method === 'HEAD', (bytes) => serving.onServed(ticket, token, bytes))
      serving.gateway.serve(req, res, zoneObjectTarget(target), admission.upstreams)
      return
    }
    case 'cache': {
      const { ticket, token, context } = admission
      countBodyBytes(res, method === 'HEAD', (bytes) => {
        serving.onServed(ticket, token, bytes)
      })
      // The engine reads the target from the request: from here on it is the object's own.
      const objectTarget = zoneObjectTarget(target)
      req.url = objectTarget
      if (serveFreshMemoryHit(context, req, res, method === 'HEAD', objectTarget)) return
      handleCacheableRequest(context, req, res, method).catch((error: unknown) => {
        serving.onError(error)
        sendErrorResponse(res, 'INTERNAL', 'Internal error.')
      })
    }
  }
}

/** `302` to the redirector for the same object (query kept, `mt` dropped), never cached. */
function bounce(serving: ZoneServing, res: ServerResponse, target: ZoneRequestTarget, reason: ZoneBounceReason): void {
  serving.onBounce?.(reason)
  const base = serving.coordinatorUrl.href.endsWith('/') ? serving.coordinatorUrl.href.slice(0, -1) : serving.coordinatorUrl.href
  res.writeHead(302, ['location', `${base}/z/${target.zone}${zoneObjectTarget(target)}`, 'cache-control', 'no-store', 'content-length', '0'])
  res.end()
}
