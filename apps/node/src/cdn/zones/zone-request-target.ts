/** Where zone requests live on a node: `/z/<zone>/<path>` (DESIGN.md §5). */
export const ZONE_PATH_PREFIX = '/z/'
/** The query parameter a ticket travels in (DESIGN.md §5). */
export const TICKET_PARAMETER = 'mt'

/** Zone names as in URLs (protocol's zoneRefSchema pattern, checked without zod on the hot path). */
const ZONE_REF = /^[a-z0-9](?:[a-z0-9_-]{0,61}[a-z0-9])?$/

/** A `/z/<zone>/<path>?<query>` request target, split. */
export interface ZoneRequestTarget {
  readonly zone: string
  /** The object's path below the zone, as on the request line, starting with "/". */
  readonly path: string
  /** The query without any `mt` parameter ('' for none); order and bytes kept, they are part of the key. */
  readonly query: string
  /** The `mt` value when exactly one was given; two tickets in one URL are ambiguous, so none. */
  readonly ticket: string | undefined
}

/**
 * Splits an origin-form target `/z/<zone>/<path>[?<query>]`; undefined if it is not one
 * (no zone segment, a zone name that cannot exist, or nothing after the zone).
 */
export function parseZoneRequestTarget(target: string): ZoneRequestTarget | undefined {
  if (!target.startsWith(ZONE_PATH_PREFIX)) return undefined
  const queryStart = target.indexOf('?')
  const pathPart = queryStart === -1 ? target : target.slice(0, queryStart)
  const zoneEnd = pathPart.indexOf('/', ZONE_PATH_PREFIX.length)
  if (zoneEnd === -1) return undefined
  const zone = pathPart.slice(ZONE_PATH_PREFIX.length, zoneEnd)
  if (!ZONE_REF.test(zone)) return undefined
  const rawQuery = queryStart === -1 ? '' : target.slice(queryStart + 1)
  const { query, tickets } = splitTicketParameter(rawQuery)
  return { zone, path: pathPart.slice(zoneEnd), query, ticket: tickets.length === 1 ? tickets[0] : undefined }
}

/** The object's target as the origin and the cache key see it: path and query, never `mt`. */
export function zoneObjectTarget(target: Pick<ZoneRequestTarget, 'path' | 'query'>): string {
  return target.query === '' ? target.path : `${target.path}?${target.query}`
}

function splitTicketParameter(rawQuery: string): { query: string; tickets: string[] } {
  if (!rawQuery.includes(TICKET_PARAMETER)) return { query: rawQuery, tickets: [] }
  const kept: string[] = []
  const tickets: string[] = []
  for (const pair of rawQuery.split('&')) {
    if (pair === TICKET_PARAMETER) tickets.push('')
    else if (pair.startsWith(`${TICKET_PARAMETER}=`)) tickets.push(decodeTicketValue(pair.slice(TICKET_PARAMETER.length + 1)))
    else kept.push(pair)
  }
  return { query: kept.join('&'), tickets }
}

/** Tickets are URL-safe as issued; a client that percent-encoded one anyway still gets it read. */
function decodeTicketValue(value: string): string {
  if (!value.includes('%')) return value
  try {
    return decodeURIComponent(value)
  } catch {
    return value
  }
}
