import type { FleetRegistry, LiveNode } from '../fleet/fleet-registry.ts'
import type { CountryLookup, GeoLocation } from './country-lookup.ts'
import type { FleetNode } from './fleet-node.ts'
import { buildFleetView } from './fleet-view.ts'
import type { FleetView } from './fleet-view.ts'

/** Default: the view follows the registry at most four times a second. */
export const DEFAULT_MIN_REBUILD_INTERVAL_MS = 250

/**
 * Where a node is when GeoIP does not know its address (a host name that is not an IP
 * and an unknown registration address): "ZZ" is ISO 3166-1's user-assigned code for
 * "unknown". Such a node is still in the worldwide pool, just never a country's pick.
 */
const UNKNOWN_LOCATION: GeoLocation = Object.freeze({ country: 'ZZ', continent: 'ZZ' })

export interface FleetViewSourceOptions {
  readonly registry: FleetRegistry
  readonly geo: CountryLookup
  /** Monotonic ms for the rebuild throttle (default `performance.now`). */
  readonly monotonicNow?: () => number
  readonly minRebuildIntervalMs?: number
}

/**
 * The redirector's {@link FleetView}, kept in step with the fleet registry. `current()`
 * is O(1) per request: it compares the registry's `version` with the one the view was
 * built from, and rebuilds (O(nodes)) only when it moved and the last build is at least
 * `minRebuildIntervalMs` old, so heartbeats of a large fleet cost a few rebuilds a second,
 * never one per request. In between, requests use the previous view: a node that just
 * registered gets work a fraction of a second later; one that just went down may get a
 * redirect or two, which it answers with a bounce back to the redirector.
 */
export class FleetViewSource {
  readonly #registry: FleetRegistry
  readonly #geo: CountryLookup
  readonly #monotonicNow: () => number
  readonly #minRebuildIntervalMs: number
  #view: FleetView | undefined
  #builtVersion = -1
  #builtAtMs = 0

  constructor(options: FleetViewSourceOptions) {
    this.#registry = options.registry
    this.#geo = options.geo
    this.#monotonicNow = options.monotonicNow ?? (() => performance.now())
    this.#minRebuildIntervalMs = options.minRebuildIntervalMs ?? DEFAULT_MIN_REBUILD_INTERVAL_MS
  }

  /** The view to decide with now. */
  current(): FleetView {
    const version = this.#registry.version
    if (this.#view !== undefined && version === this.#builtVersion) return this.#view
    const nowMs = this.#monotonicNow()
    if (this.#view === undefined || nowMs - this.#builtAtMs >= this.#minRebuildIntervalMs) {
      this.#view = buildFleetView(toFleetNodes(this.#registry.list(), this.#geo), this.#view)
      this.#builtVersion = version
      this.#builtAtMs = nowMs
    }
    return this.#view
  }
}

/**
 * The nodes that may get CDN work, as the redirector sees them: `active` (not pending,
 * draining or down), reachable at their public URL (the registration callback succeeded)
 * and offering `cdn`. Pure apart from the GeoIP lookup, which does no I/O.
 */
export function* toFleetNodes(nodes: Iterable<LiveNode>, geo: CountryLookup): Generator<FleetNode> {
  for (const node of nodes) {
    const { record } = node
    if (node.status !== 'active' || !record.isReachable || !record.capabilities.includes('cdn')) continue
    const location = locateNode(record.publicUrl, record.publicIp, geo)
    yield {
      nodeId: record.id,
      publicUrl: record.publicUrl,
      country: location.country,
      continent: location.continent ?? UNKNOWN_LOCATION.country,
      load: node.stats?.load ?? 0,
      healthy: true,
      // Objects are shared out in proportion to the declared uplink (rendezvous weight).
      weight: Math.max(1, record.declaredUplinkMbps),
    }
  }
}

/**
 * Where clients reach the node: the host of its public URL if that is an IP literal
 * (loopback and private ones are 'local'), else the address it registered from.
 */
export function locateNode(publicUrl: string, publicIp: string, geo: CountryLookup): GeoLocation {
  let host = ''
  if (URL.canParse(publicUrl)) host = new URL(publicUrl).hostname
  // WHATWG URL keeps the brackets of an IPv6 literal ("[::1]").
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1)
  return geo.lookupCountry(host) ?? geo.lookupCountry(publicIp) ?? UNKNOWN_LOCATION
}
