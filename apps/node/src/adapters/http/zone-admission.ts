import type { Ticket } from '@meson/protocol'
import type { CacheContext, Clock } from './cache-context.ts'
import type { NodeGateway } from '../gateway/node-gateway.ts'
import type { ZoneContexts } from './zone-contexts.ts'
import type { TicketBudgetMeter } from '../../cdn/tickets/ticket-budget-meter.ts'
import type { TicketCheckRejection, TicketVerifier } from '../../cdn/tickets/ticket-verifier.ts'
import type { ZoneRequestTarget } from '../../cdn/zones/zone-request-target.ts'

/** Why a zone request went back to the redirector instead of being served. */
export type ZoneBounceReason = TicketCheckRejection | 'missing-ticket' | 'budget-exhausted' | 'draining'

/** What serving zone requests needs (both the node:http path and the raw connections). */
export interface ZoneServing {
  readonly contexts: ZoneContexts
  readonly verifier: TicketVerifier
  readonly budgets: TicketBudgetMeter
  readonly clock: Clock
  /** The coordinator's base URL: bounced clients go to `<coordinator>/z/<zone>/<path>`. */
  readonly coordinatorUrl: URL
  /** True once the node stopped taking new work (drain command, SIGTERM). */
  readonly isDraining: () => boolean
  /** Body bytes sent under a ticket by one response, once; `token` travels in the usage line (ADR 0016). */
  readonly onServed: (ticket: Ticket, token: string, bytes: bigint) => void
  /** Errors of a request past the point where the cache engine answers. */
  readonly onError: (error: unknown) => void
  /** Optional observer of bounces (tests, metrics). */
  readonly onBounce?: (reason: ZoneBounceReason) => void
  /** The IPFS gateway, for tickets of `ipfs` zones (they carry `upstreams`); absent: such tickets are refused. */
  readonly gateway?: NodeGateway
}

/** What a zone request may become once its ticket was checked (see {@link admitZoneRequest}). */
export type ZoneAdmission =
  | { readonly kind: 'bounce'; readonly reason: ZoneBounceReason }
  /** An `ipfs` zone's ticket: served by the gateway from these upstreams. */
  | { readonly kind: 'gateway'; readonly ticket: Ticket; readonly token: string; readonly upstreams: NonNullable<Ticket['upstreams']> }
  /** A ticket without an origin: a coordinator bug, answered with an error rather than a bounce that would loop. */
  | { readonly kind: 'no-origin' }
  | { readonly kind: 'cache'; readonly ticket: Ticket; readonly token: string; readonly context: CacheContext }

/**
 * The one decision both ways of serving a zone request make (node:http's
 * `handleZoneRequest` and the raw connections' `rawZoneHitSource`): not draining, exactly one
 * ticket, valid for this node, zone, path and `clientIp` now (cached MAC check,
 * `TicketVerifier`), budget not spent, and what serves it. No side effect but the
 * verifier's cache and the zone contexts' (one per zone and origin), so a caller may
 * decide, find it cannot serve the request, and leave it to the other path, which
 * decides the same again.
 */
export function admitZoneRequest(serving: ZoneServing, target: ZoneRequestTarget, clientIp: string): ZoneAdmission {
  if (serving.isDraining()) return { kind: 'bounce', reason: 'draining' }
  const token = target.ticket
  if (token === undefined) return { kind: 'bounce', reason: 'missing-ticket' }
  const checked = serving.verifier.verify(token, { nowMs: serving.clock.nowMs(), zone: target.zone, path: target.path, clientIp })
  if (!checked.ok) return { kind: 'bounce', reason: checked.reason }
  const { ticket } = checked
  if (serving.budgets.isBudgetExhausted(ticket)) return { kind: 'bounce', reason: 'budget-exhausted' }
  if (ticket.upstreams !== undefined) return { kind: 'gateway', ticket, token, upstreams: ticket.upstreams }
  if (ticket.origin === undefined) return { kind: 'no-origin' }
  // Keyed by the zone's immutable id when the ticket has one: a zone deleted and created
  // again under the same name by someone else never sees the old zone's objects.
  return { kind: 'cache', ticket, token, context: serving.contexts.contextFor(ticket.zoneId ?? target.zone, ticket.origin) }
}
