import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Ticket } from '@meson/protocol'
import type { Clock } from './cache-context.ts'
import { handleCacheableRequest } from './cacheable-request-handler.ts'
import { sendErrorResponse } from './error-response.ts'
import { serveFreshMemoryHit } from './fresh-hit-fast-path.ts'
import type { TicketBudgetMeter } from '../../cdn/tickets/ticket-budget-meter.ts'
import type { TicketCheckRejection, TicketVerifier } from '../../cdn/tickets/ticket-verifier.ts'
import { countBodyBytes } from './body-byte-counter.ts'
import type { NodeGateway } from '../gateway/node-gateway.ts'
import type { ZoneContexts } from './zone-contexts.ts'
import { zoneObjectTarget } from '../../cdn/zones/zone-request-target.ts'
import type { ZoneRequestTarget } from '../../cdn/zones/zone-request-target.ts'

/** Why a zone request went back to the redirector instead of being served. */
export type ZoneBounceReason = TicketCheckRejection | 'missing-ticket' | 'budget-exhausted' | 'draining'

/** What serving zone requests needs. */
export interface ZoneServing {
  readonly contexts: ZoneContexts
  readonly verifier: TicketVerifier
  readonly budgets: TicketBudgetMeter
  readonly clock: Clock
  /** The coordinator's base URL: bounced clients go to `<coordinator>/z/<zone>/<path>`. */
  readonly coordinatorUrl: URL
  /** True once the node stopped taking new work (drain command, SIGTERM). */
  readonly isDraining: () => boolean
  /** Body bytes sent under `ticket` by one response, when it closed. */
  /** Bytes served under a ticket; `token` travels in the usage line (ADR 0016). */
  readonly onServed: (ticket: Ticket, token: string, bytes: bigint) => void
  /** Errors of a request past the point where the cache engine answers. */
  readonly onError: (error: unknown) => void
  /** Optional observer of bounces (tests, metrics). */
  readonly onBounce?: (reason: ZoneBounceReason) => void
  /** The IPFS gateway, for tickets of `ipfs` zones (they carry `upstreams`); absent: such tickets are refused. */
  readonly gateway?: NodeGateway
}

/**
 * Answers `GET|HEAD /z/<zone>/<path>?mt=<ticket>` (DESIGN.md §5): a ticket that holds
 * for this node, zone, path and the socket's peer address, within its budget, is served
 * through the cache engine from the origin it names, keyed by zone and path (never
 * `mt`, which is neither stored nor forwarded); anything else is a `302` back to the
 * redirector, with no content, so the client comes back with a fresh ticket.
 */
export function handleZoneRequest(serving: ZoneServing, req: IncomingMessage, res: ServerResponse, target: ZoneRequestTarget): void {
  const method = req.method
  if (method !== 'GET' && method !== 'HEAD') {
    sendErrorResponse(res, 'METHOD_NOT_ALLOWED', 'Zones are served with GET and HEAD only.', ['allow', 'GET, HEAD'])
    return
  }
  if (serving.isDraining()) return bounce(serving, res, target, 'draining')
  if (target.ticket === undefined) return bounce(serving, res, target, 'missing-ticket')
  const checked = serving.verifier.verify(target.ticket, {
    nowMs: serving.clock.nowMs(),
    zone: target.zone,
    path: target.path,
    clientIp: req.socket.remoteAddress ?? '',
  })
  if (!checked.ok) return bounce(serving, res, target, checked.reason)
  const { ticket } = checked
  const token = target.ticket
  if (serving.budgets.isBudgetExhausted(ticket)) return bounce(serving, res, target, 'budget-exhausted')
  if (ticket.upstreams !== undefined) {
    // An IPFS gateway zone (#13): metered like any zone, served from verified blocks.
    if (serving.gateway === undefined) return sendErrorResponse(res, 'NOT_FOUND', 'This node does not run the IPFS gateway.')
    countBodyBytes(res, method === 'HEAD', (bytes) => serving.onServed(ticket, token, bytes))
    serving.gateway.serve(req, res, zoneObjectTarget(target), ticket.upstreams)
    return
  }
  if (ticket.origin === undefined) {
    // A ticket without an origin is a coordinator bug; a bounce would only loop.
    sendErrorResponse(res, 'ORIGIN_UNREACHABLE', 'The ticket names no origin for this zone.')
    return
  }
  // Keyed by the zone's immutable id when the ticket has one: a zone deleted and created
  // again under the same name by someone else never sees the old zone's objects.
  const context = serving.contexts.contextFor(ticket.zoneId ?? target.zone, ticket.origin)
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

/** `302` to the redirector for the same object (query kept, `mt` dropped), never cached. */
function bounce(serving: ZoneServing, res: ServerResponse, target: ZoneRequestTarget, reason: ZoneBounceReason): void {
  serving.onBounce?.(reason)
  const base = serving.coordinatorUrl.href.endsWith('/') ? serving.coordinatorUrl.href.slice(0, -1) : serving.coordinatorUrl.href
  res.writeHead(302, ['location', `${base}/z/${target.zone}${zoneObjectTarget(target)}`, 'cache-control', 'no-store', 'content-length', '0'])
  res.end()
}
