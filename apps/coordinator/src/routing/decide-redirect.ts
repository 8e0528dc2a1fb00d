import { clientFieldFor, newTicketNonce } from '@meson/protocol'
import type { Ticket } from '@meson/protocol'
import { isRedirectablePath } from './is-redirectable-path.ts'
import { ipfsAffinityKey } from '../gateway/ipfs-affinity-key.ts'
import type { CountryLookup } from './country-lookup.ts'
import type { FleetView } from './fleet-view.ts'
import { DEFAULT_REPLICAS, selectNode } from './select-node.ts'
import type { SelectionScope } from './select-node.ts'
import type { ZoneDirectory, ZoneEntry } from './zone-directory.ts'
import { isReferrerAllowed } from './is-referrer-allowed.ts'

type Mutable<T> = { -readonly [K in keyof T]: T[K] }

/** Zone names as in URLs (the protocol's zoneRefSchema pattern, checked without zod). */
const ZONE_REF = /^[a-z0-9](?:[a-z0-9_-]{0,61}[a-z0-9])?$/
/** A query string as sent: printable ASCII without "#" (RFC 3986 §3.4). */
const QUERY = /^[\x21-\x22\x24-\x7e]*$/
const MAX_QUERY_LENGTH = 2048
/** The query parameter the ticket travels in (DESIGN.md §5). */
export const TICKET_PARAMETER = 'mt'

export interface DecideRedirectParameters {
  /** The `<zone>` of `/z/<zone>/<path>` (or the zone a custom domain maps to). */
  readonly zone: string
  /** The object's path below the zone, as on the request line, starting with "/". */
  readonly path: string
  /** The raw query without "?", if any; an old `mt` parameter in it is dropped. */
  readonly query?: string
  /** The connecting client's address as the socket reports it. */
  readonly clientIp: string
  /** The request's `Referer`, if any (hot-link protection, checked before a ticket is signed). */
  readonly referer?: string | undefined
  /** Current time, ms since the epoch. */
  readonly now: number
  readonly fleet: FleetView
  readonly zones: ZoneDirectory
  readonly geo: CountryLookup
  readonly ticketTtlMs: number
  /** Bytes the node may serve on this ticket. */
  readonly byteBudget: bigint
  /**
   * The budget of a ticket for one object of a pull zone, by the object's known size
   * (issue #11; `byteBudget` when unknown). Not asked for IPFS zones or with a query
   * (another representation of the path may be larger).
   */
  readonly byteBudgetFor?: ((zone: string, path: string) => bigint) | undefined
  /** Encodes and tags a ticket (the real one: tickets/ `issueTicket(keys, claims)`, ADR 0016). */
  readonly sign: (claims: Omit<Ticket, 'v' | 'kid'>) => string
  /** Top-ranked nodes per object (see selectNode); default 2. */
  readonly replicas?: number
  /** Ticket bound to the client's address (default) or its /24 (IPv4) or /48 (IPv6). */
  readonly clientScope?: 'address' | 'network'
  /** Fresh ticket nonce; default `newTicketNonce` (100 random bits). */
  readonly newNonce?: () => string
}

export type DecideRedirectResult =
  | {
      readonly kind: 'redirect'
      /** Absolute URL for the 302 `Location` header. */
      readonly location: string
      readonly ticketNonce: string
      readonly nodeId: string
      readonly expiresAt: number
      readonly scope: SelectionScope
    }
  /** No node can take it: serve from the origin so the buyer's URL never breaks. */
  | { readonly kind: 'origin-fallback'; readonly origin: string; readonly zone: ZoneEntry }
  | { readonly kind: 'zone-unknown' }
  /** The zone allows links only from other sites than the `Referer` (HTTP 403). */
  | { readonly kind: 'referrer-refused' }
  /** The buyer's credit is used up (HTTP 402). */
  | { readonly kind: 'payment-required'; readonly zone: ZoneEntry }
  /** The zone refuses clients from this country (HTTP 403 or 451). */
  | { readonly kind: 'country-blocked'; readonly country: string }
  /** A path a node would refuse, or a client address that is not an IP (HTTP 400). */
  | { readonly kind: 'invalid-request'; readonly reason: 'path' | 'query' | 'client-ip' }

/**
 * Decides what the redirector answers for `/z/<zone>/<path>`: a 302 to a node with a
 * fresh ticket, or why not. Everything comes from in-memory snapshots (zones, fleet,
 * GeoIP), so a decision never waits on I/O; the checks run cheapest first.
 */
export function decideRedirect(parameters: DecideRedirectParameters): DecideRedirectResult {
  const { zone: zoneName, path, clientIp, now } = parameters
  const zone = ZONE_REF.test(zoneName) ? parameters.zones.findByName(zoneName) : undefined
  if (zone === undefined) return { kind: 'zone-unknown' }
  if (!isReferrerAllowed(zone.allowedReferrers ?? [], parameters.referer)) return { kind: 'referrer-refused' }
  // A node refuses a ticket for a path with dot segments or a backslash (isPathCovered);
  // refusing it here keeps the client out of a redirect loop.
  // (isRedirectablePath is `ticketPathSchema` and `isPathCovered` in one pass, tested equal.)
  if (!isRedirectablePath(path)) return { kind: 'invalid-request', reason: 'path' }
  const query = withoutTicketParameter(parameters.query ?? '')
  if (query === undefined) return { kind: 'invalid-request', reason: 'query' }
  if (!zone.hasBalance) return { kind: 'payment-required', zone }
  const client = clientFieldFor(clientIp, parameters.clientScope ?? 'address')
  if (client === undefined) return { kind: 'invalid-request', reason: 'client-ip' }

  const location = parameters.geo.lookupCountry(clientIp)
  if (parameters.zones.isCountryBlocked(zone.name, location?.country)) {
    return { kind: 'country-blocked', country: location?.country ?? '' }
  }
  // An ipfs zone's affinity is its root CID (#13); a path without one is not servable.
  const ipfsKey = zone.type === 'ipfs' ? ipfsAffinityKey(path) : undefined
  if (zone.type === 'ipfs' && ipfsKey === undefined) return { kind: 'invalid-request', reason: 'path' }
  const objectKey = ipfsKey ?? (query === '' ? `${zone.name}\n${path}` : `${zone.name}\n${path}?${query}`)
  const selection = selectNode({
    fleet: parameters.fleet,
    objectKey,
    clientCountry: location?.country,
    clientContinent: location?.continent,
    replicas: parameters.replicas ?? DEFAULT_REPLICAS,
  })
  if (!selection.ok) return { kind: 'origin-fallback', origin: zone.origin, zone }

  const { node } = selection
  const nonce = (parameters.newNonce ?? newTicketNonce)()
  const expiresAt = now + parameters.ticketTtlMs
  // Written field by field (no spreads): this runs once per redirect.
  const claims: Mutable<Omit<Ticket, 'v' | 'kid'>> = {
    zone: zone.name,
    path,
    prefix: false,
    nodeId: node.nodeId,
    client,
    issuedAt: now,
    expiresAt,
    byteBudget: parameters.byteBudgetFor === undefined || query !== '' || zone.type === 'ipfs' ? parameters.byteBudget : parameters.byteBudgetFor(zone.name, path),
    nonce,
    origin: zone.origin,
  }
  if (zone.id !== undefined) claims.zoneId = zone.id
  if (zone.type === 'ipfs' && zone.upstreams !== undefined) claims.upstreams = [...zone.upstreams]
  const token = parameters.sign(claims)
  const base = node.publicUrl.endsWith('/') ? node.publicUrl.slice(0, -1) : node.publicUrl
  const ticketQuery = `${TICKET_PARAMETER}=${token}`
  return {
    kind: 'redirect',
    location: `${base}/z/${zone.name}${path}?${query === '' ? ticketQuery : `${query}&${ticketQuery}`}`,
    ticketNonce: nonce,
    nodeId: node.nodeId,
    expiresAt,
    scope: selection.scope,
  }
}

/**
 * The query minus any `mt` parameter (a client bounced back by a node brings its old
 * ticket along; two tickets in one URL would be ambiguous), or undefined if the query
 * is not printable ASCII or too long. Parameter order is kept: it is part of the key.
 */
function withoutTicketParameter(query: string): string | undefined {
  if (query === '') return query
  if (query.length > MAX_QUERY_LENGTH || !QUERY.test(query)) return undefined
  return withoutTicket(query)
}

/** The query without `mt` parameters (a client bounced back by a node brings its old ticket along). */
export function withoutTicket(query: string): string {
  if (!query.includes(TICKET_PARAMETER)) return query
  return query
    .split('&')
    .filter((pair) => pair !== TICKET_PARAMETER && !pair.startsWith(`${TICKET_PARAMETER}=`))
    .join('&')
}
