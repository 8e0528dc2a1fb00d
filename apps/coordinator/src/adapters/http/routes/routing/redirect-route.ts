import type { IncomingMessage, ServerResponse } from 'node:http'
import { pipeline } from 'node:stream'
import type { TicketClaims } from '../../../../tickets/issue-ticket.ts'
import type { ApiErrorCode } from '../../api-error.ts'
import { createCachedCountryLookup } from '../../../../routing/country-lookup.ts'
import type { CountryLookup } from '../../../../routing/country-lookup.ts'
import { decideRedirect, withoutTicket } from '../../../../routing/decide-redirect.ts'
import type { DecideRedirectResult } from '../../../../routing/decide-redirect.ts'
import { hostName } from '../../../../routing/host-name.ts'
import type { FleetView } from '../../../../routing/fleet-view.ts'
import type { ZoneDirectory } from '../../../../routing/zone-directory.ts'
import { ERROR_STATUS } from '../../error-status.ts'
import { clientAddressOf } from './client-address.ts'
import { fetchFromOrigin } from './fetch-from-origin.ts'
import type { OriginAgents } from './fetch-from-origin.ts'
import type { CountRedirect } from './redirect-metrics.ts'
import { createPooledTicketNonces } from './pooled-ticket-nonces.ts'
import type { PlainRedirectHead } from './plain-redirect-head.ts'

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
  /** A ticket's budget by its object's known size (metering's `ObjectBudgets`); absent: always `ticketByteBudget`. */
  readonly ticketByteBudgetFor?: (zone: string, path: string) => bigint
  readonly trustProxy: boolean
  readonly originTimeoutMs: number
  readonly originAgents: OriginAgents
  /** Hosts that are the coordinator itself (lowercase, without port): never a custom domain. */
  readonly ownHosts: ReadonlySet<string>
  /** Called once per answered zone request (a cheap counter; no per-request logging). */
  readonly countRedirect: CountRedirect
  /** Ticket nonces; by default a pooled CSPRNG source. Tests pass a deterministic one to compare answers byte for byte. */
  readonly newNonce?: () => string
}

/**
 * Answers a request itself when it is the redirector's, and returns a promise that settles
 * once answered (it rejects on an unexpected throw: the caller's guard answers 500);
 * otherwise returns undefined and the caller hands the request to Fastify (the /v1 API).
 */
export type RedirectHandler = (request: IncomingMessage, response: ServerResponse) => Promise<void> | undefined

/** What a request answered from memory returns: nothing left to wait for. */
const ANSWERED = Promise.resolve()

/**
 * What the raw connection path (`raw-redirect-connections.ts`) asks of the redirector for
 * one plain request head: the Location of the 302 it should send, or undefined when the
 * answer is anything but a redirect (node:http then answers the same request itself).
 * Counts the redirect when it returns a Location.
 */
export type RawRedirect = (head: PlainRedirectHead, peerAddress: string | undefined) => string | undefined

/** The redirector's two faces on one decision: node:http's handler and the raw connection path's. */
export interface Redirector {
  readonly handle: RedirectHandler
  readonly rawRedirect: RawRedirect
}

/** Where a request goes: a zone's path, a zone on a custom domain that refuses the method, or not the redirector's. */
type ZoneTarget = { readonly kind: 'zone'; readonly zone: string; readonly pathAndQuery: string } | { readonly kind: 'method-refused' } | undefined

function zoneTargetOf(url: string, method: string, host: string | undefined, dependencies: RedirectRouteDependencies): ZoneTarget {
  // Custom domains first: a Host that maps to a zone takes every path, as before.
  if (host !== undefined) {
    const name = hostName(host)
    if (!dependencies.ownHosts.has(name)) {
      const zone = dependencies.zones().findByHost(name)
      if (zone !== undefined) return method === 'GET' || method === 'HEAD' ? { kind: 'zone', zone: zone.name, pathAndQuery: url } : { kind: 'method-refused' }
    }
  }
  // `/z/<zone>/<rest>` with a non-empty zone; anything else (other methods, `/z/x`
  // without a slash) falls through to Fastify's 404 as before.
  if (!url.startsWith('/z/') || (method !== 'GET' && method !== 'HEAD')) return undefined
  const slash = url.indexOf('/', 3)
  if (slash <= 3) return undefined
  const zone = url.slice(3, slash)
  if (zone.includes('?') || zone.includes('#')) return undefined
  // The raw request line, not a decoded path: the ticket binds the path as sent.
  return { kind: 'zone', zone, pathAndQuery: url.slice(slash) }
}

/**
 * The redirector's HTTP face (DESIGN.md §5, ADR 0016 "the raw route"): `GET|HEAD /z/<zone>/<path>`,
 * and any path on a zone's custom domain (`Host: cdn.example.com`), served on node:http
 * before Fastify sees the request: no routing table, hooks, reply object or request id.
 * A request is answered from memory: 302 to a node with a fresh ticket, or a refusal
 * (402, 404, 451, 400, 403, 508); only the origin fallback (no eligible node) does I/O,
 * a stream from the zone's origin.
 */
export function createRedirectHandler(dependencies: RedirectRouteDependencies): RedirectHandler {
  return createRedirector(dependencies).handle
}

/**
 * The handler above and, on the same decision, the raw connection path's question
 * (ADR 0016 "redirector at line rate"): both read the same fleet and zone snapshots, so a
 * zone created or deleted, or a node going down, reaches them at the same moment.
 */
export function createRedirector(dependencies: RedirectRouteDependencies): Redirector {
  const newNonce = dependencies.newNonce ?? createPooledTicketNonces()
  // A client asks many times in a row: its country is looked up once (ADR 0016, fourth session).
  const geo = createCachedCountryLookup(dependencies.geo)
  const handle: RedirectHandler = (request, response) => {
    const url = request.url ?? '/'
    const method = request.method ?? 'GET'
    const target = zoneTargetOf(url, method, request.headers.host, dependencies)
    if (target === undefined) return undefined
    if (target.kind === 'method-refused') {
      sendError(request, response, 'NOT_FOUND', 'a zone serves GET and HEAD only', dependencies)
      return ANSWERED
    }
    return answerZoneRequest(request, response, target.zone, target.pathAndQuery, dependencies, geo, newNonce)
  }
  const rawRedirect: RawRedirect = (head, peerAddress) => {
    const method = head.isHead ? 'HEAD' : 'GET'
    const target = zoneTargetOf(head.target, method, head.host, dependencies)
    if (target?.kind !== 'zone') return undefined
    const { pathAndQuery } = target
    const queryStart = pathAndQuery.indexOf('?')
    const path = queryStart === -1 ? pathAndQuery : pathAndQuery.slice(0, queryStart)
    const query = queryStart === -1 ? '' : pathAndQuery.slice(queryStart + 1)
    const decision = decide(target.zone, path, query, clientAddressOf(peerAddress, head.forwardedFor, dependencies.trustProxy), head.referer, dependencies, geo, newNonce)
    if (decision.kind !== 'redirect') return undefined
    dependencies.countRedirect(method, 302)
    return decision.location
  }
  return { handle, rawRedirect }
}

function splitQuery(pathAndQuery: string): { readonly path: string; readonly query: string } {
  const queryStart = pathAndQuery.indexOf('?')
  return queryStart === -1 ? { path: pathAndQuery, query: '' } : { path: pathAndQuery.slice(0, queryStart), query: pathAndQuery.slice(queryStart + 1) }
}

function decide(zone: string, path: string, query: string, clientIp: string, referer: string | undefined, dependencies: RedirectRouteDependencies, geo: CountryLookup, newNonce: () => string): DecideRedirectResult {
  return decideRedirect({
    zone,
    path,
    query,
    clientIp,
    referer,
    now: dependencies.now(),
    fleet: dependencies.fleetView(),
    zones: dependencies.zones(),
    geo,
    ticketTtlMs: dependencies.ticketTtlMs,
    byteBudget: dependencies.ticketByteBudget,
    byteBudgetFor: dependencies.ticketByteBudgetFor,
    sign: dependencies.signTicket,
    newNonce,
  })
}

function answerZoneRequest(request: IncomingMessage, response: ServerResponse, zoneName: string, pathAndQuery: string, dependencies: RedirectRouteDependencies, geo: CountryLookup, newNonce: () => string): Promise<void> {
  const { path, query } = splitQuery(pathAndQuery)
  // A request that already went through this network (the origin fallback or a node adds
  // `Via: 1.1 meson`) came back through an origin that points at the network: a loop.
  if (hasPassedThroughMeson(request.headers.via)) {
    sendError(request, response, 'LOOP_DETECTED', "this request already passed through the network: the zone's origin points back at it", dependencies)
    return ANSWERED
  }
  const clientIp = clientAddressOf(request.socket.remoteAddress, request.headers['x-forwarded-for'], dependencies.trustProxy)
  const decision = decide(zoneName, path, query, clientIp, request.headers.referer, dependencies, geo, newNonce)
  switch (decision.kind) {
    case 'redirect':
      // no-store: a cached 302 would hand one ticket (bound to one client) to others.
      response.writeHead(302, { location: decision.location, 'cache-control': 'no-store', 'content-length': '0' })
      response.end()
      dependencies.countRedirect(methodLabel(request), 302)
      return ANSWERED
    case 'zone-unknown':
      sendError(request, response, 'ZONE_NOT_FOUND', `no zone named "${zoneName.slice(0, 63)}"`, dependencies)
      return ANSWERED
    case 'referrer-refused':
      sendError(request, response, 'FORBIDDEN', 'this zone does not allow links from that referring site', dependencies)
      return ANSWERED
    case 'payment-required':
      sendError(request, response, 'PAYMENT_REQUIRED', PAYMENT_REQUIRED_MESSAGE, dependencies)
      return ANSWERED
    case 'country-blocked':
      sendError(request, response, 'COUNTRY_BLOCKED', "this zone's owner does not serve clients in your country", dependencies)
      return ANSWERED
    case 'invalid-request':
      sendError(request, response, 'INVALID_REQUEST', INVALID_REASONS[decision.reason], dependencies)
      return ANSWERED
    case 'origin-fallback':
      return sendFromOrigin(request, response, { origin: decision.origin, path, query: withoutTicket(query), clientIp }, dependencies)
  }
}

const INVALID_REASONS = {
  path: 'the path has dot segments, a backslash or characters that must be percent-encoded',
  query: 'the query string is too long or has characters that must be percent-encoded',
  'client-ip': 'the client address is not an IP address',
} as const

async function sendFromOrigin(
  request: IncomingMessage,
  response: ServerResponse,
  target: { readonly origin: string; readonly path: string; readonly query: string; readonly clientIp: string },
  dependencies: RedirectRouteDependencies,
): Promise<void> {
  const method = request.method === 'HEAD' ? 'HEAD' : 'GET'
  const fetched = await fetchFromOrigin({ ...target, method, requestHeaders: request.headers, timeoutMs: dependencies.originTimeoutMs }, dependencies.originAgents)
  if (!fetched.ok) return sendError(request, response, fetched.code, fetched.message, dependencies)
  dependencies.countRedirect(methodLabel(request), fetched.status)
  if (response.destroyed) {
    fetched.body.destroy()
    return
  }
  response.writeHead(fetched.status, fetched.headers)
  if (method === 'HEAD') {
    fetched.body.resume()
    response.end()
    return
  }
  // A failure on either side ends both streams; the client sees a cut body, as with any proxy.
  pipeline(fetched.body, response, () => undefined)
}

function sendError(request: IncomingMessage, response: ServerResponse, code: ApiErrorCode, message: string, dependencies: RedirectRouteDependencies): void {
  const status = ERROR_STATUS[code]
  const body = JSON.stringify({ error: { code, message } })
  // no-store: a 402 must not outlive the buyer's top-up in some cache.
  response.writeHead(status, { 'cache-control': 'no-store', 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(body)) })
  // node:http sends no body on HEAD by itself.
  response.end(body)
  dependencies.countRedirect(methodLabel(request), status)
}

function methodLabel(request: IncomingMessage): string {
  return request.method === 'GET' || request.method === 'HEAD' ? request.method : 'OTHER'
}

/** True if a `Via` field (RFC 9110 §7.6.3) names the network's pseudonym `meson` as a recipient. */
export function hasPassedThroughMeson(via: string | string[] | undefined): boolean {
  if (via === undefined) return false
  const entries = (Array.isArray(via) ? via.join(',') : via).split(',')
  return entries.some((entry) => entry.trim().split(/\s+/)[1]?.toLowerCase() === 'meson')
}
