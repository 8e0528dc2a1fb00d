import type { FastifyInstance, FastifyReply, FastifyRequest, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify'
import type { Logger } from 'pino'
import type { TicketClaims } from '../../../../tickets/issue-ticket.ts'
import type { ApiErrorCode } from '../../api-error.ts'
import type { CountryLookup } from '../../../../routing/country-lookup.ts'
import { decideRedirect, withoutTicket } from '../../../../routing/decide-redirect.ts'
import { hostName } from '../../../../routing/host-name.ts'
import type { FleetView } from '../../../../routing/fleet-view.ts'
import type { ZoneDirectory } from '../../../../routing/zone-directory.ts'
import { ERROR_STATUS } from '../../error-status.ts'
import { clientAddressOf } from './client-address.ts'
import { fetchFromOrigin } from './fetch-from-origin.ts'
import type { OriginAgents } from './fetch-from-origin.ts'

type App = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, Logger>

export const PAYMENT_REQUIRED_MESSAGE = 'The buyer of this zone has no credit left; top up to resume delivery.'

export interface RedirectRouteDependencies {
  /** The fleet snapshot to decide with (see FleetViewSource): O(1), no I/O. */
  readonly fleetView: () => FleetView
  /** The zone snapshot (`metering.zones.current()`). */
  readonly zones: () => ZoneDirectory
  readonly geo: CountryLookup
  /**
   * Encodes and tags a ticket (tickets/ `issueTicket`, ADR 0016). Nothing is recorded per
   * redirect: usage is checked later from the ticket the node reports.
   */
  readonly signTicket: (claims: TicketClaims) => string
  /** Ms since the epoch. */
  readonly now: () => number
  readonly ticketTtlMs: number
  readonly ticketByteBudget: bigint
  readonly trustProxy: boolean
  readonly originTimeoutMs: number
  readonly originAgents: OriginAgents
  /** Hosts that are the coordinator itself (lowercase, without port): never a custom domain. */
  readonly ownHosts: ReadonlySet<string>
}

/**
 * The redirector's HTTP face (DESIGN.md §5): `GET|HEAD /z/<zone>/<path>`, and any
 * path on a zone's custom domain (`Host: cdn.example.com`). A request is answered from
 * memory: 302 to a node with a fresh ticket, or a refusal (402, 404, 451, 400, 403);
 * only the origin fallback (no eligible node) does I/O, a stream from the zone's origin.
 */
export function registerRedirectRoutes(app: App, dependencies: RedirectRouteDependencies): void {
  app.route({
    method: ['GET', 'HEAD'],
    url: '/z/:zone/*',
    handler: (request, reply) => {
      // The raw request line, not Fastify's decoded params: the ticket binds the path as sent.
      const rest = request.url.slice('/z/'.length)
      const slash = rest.indexOf('/')
      const zone = rest.slice(0, slash)
      return answerZoneRequest(request, reply, zone, rest.slice(slash), dependencies)
    },
  })

  // Custom domains: routing has matched by path already (an API route or 404); a Host
  // that maps to a zone takes the request before any of them runs.
  app.addHook('onRequest', async (request, reply) => {
    const host = request.headers.host
    if (host === undefined) return
    const name = hostName(host)
    if (dependencies.ownHosts.has(name)) return
    const zone = dependencies.zones().findByHost(name)
    if (zone === undefined) return
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      sendError(reply, 'NOT_FOUND', 'a zone serves GET and HEAD only')
      return reply
    }
    await answerZoneRequest(request, reply, zone.name, request.url, dependencies)
    return reply
  })
}

async function answerZoneRequest(request: FastifyRequest, reply: FastifyReply, zoneName: string, pathAndQuery: string, dependencies: RedirectRouteDependencies): Promise<FastifyReply> {
  const queryStart = pathAndQuery.indexOf('?')
  const path = queryStart === -1 ? pathAndQuery : pathAndQuery.slice(0, queryStart)
  const query = queryStart === -1 ? '' : pathAndQuery.slice(queryStart + 1)
  // A request that already went through this network (the origin fallback or a node adds
  // `Via: 1.1 meson`) came back through an origin that points at the network: a loop.
  if (hasPassedThroughMeson(request.headers.via)) return sendError(reply, 'LOOP_DETECTED', "this request already passed through the network: the zone's origin points back at it")
  const zones = dependencies.zones()
  const clientIp = clientAddressOf(request.socket.remoteAddress, request.headers['x-forwarded-for'], dependencies.trustProxy)
  const decision = decideRedirect({
    zone: zoneName,
    path,
    query,
    clientIp,
    referer: firstValue(request.headers.referer),
    now: dependencies.now(),
    fleet: dependencies.fleetView(),
    zones,
    geo: dependencies.geo,
    ticketTtlMs: dependencies.ticketTtlMs,
    byteBudget: dependencies.ticketByteBudget,
    sign: dependencies.signTicket,
  })
  switch (decision.kind) {
    case 'redirect':
      // no-store: a cached 302 would hand one ticket (bound to one client) to others.
      return reply.code(302).header('location', decision.location).header('cache-control', 'no-store').send()
    case 'zone-unknown':
      return sendError(reply, 'ZONE_NOT_FOUND', `no zone named "${zoneName.slice(0, 63)}"`)
    case 'referrer-refused':
      return sendError(reply, 'FORBIDDEN', 'this zone does not allow links from that referring site')
    case 'payment-required':
      return sendError(reply, 'PAYMENT_REQUIRED', PAYMENT_REQUIRED_MESSAGE)
    case 'country-blocked':
      return sendError(reply, 'COUNTRY_BLOCKED', "this zone's owner does not serve clients in your country")
    case 'invalid-request':
      return sendError(reply, 'INVALID_REQUEST', INVALID_REASONS[decision.reason])
    case 'origin-fallback':
      return sendFromOrigin(request, reply, { origin: decision.origin, path, query: withoutTicket(query), clientIp }, dependencies)
  }
}

const INVALID_REASONS = {
  path: 'the path has dot segments, a backslash or characters that must be percent-encoded',
  query: 'the query string is too long or has characters that must be percent-encoded',
  'client-ip': 'the client address is not an IP address',
} as const

async function sendFromOrigin(
  request: FastifyRequest,
  reply: FastifyReply,
  target: { readonly origin: string; readonly path: string; readonly query: string; readonly clientIp: string },
  dependencies: RedirectRouteDependencies,
): Promise<FastifyReply> {
  const method = request.method === 'HEAD' ? 'HEAD' : 'GET'
  const fetched = await fetchFromOrigin({ ...target, method, requestHeaders: request.headers, timeoutMs: dependencies.originTimeoutMs }, dependencies.originAgents)
  if (!fetched.ok) return sendError(reply, fetched.code, fetched.message)
  void reply.code(fetched.status).headers(fetched.headers)
  if (method === 'HEAD') {
    fetched.body.resume()
    return reply.send()
  }
  return reply.send(fetched.body)
}

function sendError(reply: FastifyReply, code: ApiErrorCode, message: string): FastifyReply {
  // no-store: a 402 must not outlive the buyer's top-up in some cache.
  return reply.code(ERROR_STATUS[code]).header('cache-control', 'no-store').type('application/json; charset=utf-8').send({ error: { code, message } })
}

/** The zone's allowed referrers: metering's entries carry them beside the redirector's fields. */

function firstValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value
}

/** True if a `Via` field (RFC 9110 §7.6.3) names the network's pseudonym `meson` as a recipient. */
export function hasPassedThroughMeson(via: string | string[] | undefined): boolean {
  if (via === undefined) return false
  const entries = (Array.isArray(via) ? via.join(',') : via).split(',')
  return entries.some((entry) => entry.trim().split(/\s+/)[1]?.toLowerCase() === 'meson')
}

