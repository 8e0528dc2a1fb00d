import type { AccountId } from '@meson/protocol'
import { LOCAL_REGION } from './fleet-node.ts'
import { hostName } from './host-name.ts'

/** What the redirector needs to know about a pull zone, kept in memory. */
export interface ZoneEntry {
  /** The zone's immutable id (`zon_…`), signed into tickets as the node's cache namespace. */
  readonly id?: string
  /** The zone's name as in `/z/<name>/...` (lowercase DNS label). */
  readonly name: string
  /** The buyer's origin base URL, e.g. "https://origin.example.com". */
  readonly origin: string
  /** Base units per GiB (bigint, 18 decimals); the redirector only carries it along. */
  readonly pricePerGiB: bigint
  readonly accountId: AccountId
  /** False when the buyer's credit is used up: requests get 402 (DESIGN.md §8). */
  readonly hasBalance: boolean
  /** ISO 3166-1 alpha-2 codes whose clients this zone refuses (any case). */
  readonly blockedCountries?: readonly string[]
  /** Host names mapped to this zone (`https://cdn.example.com/<path>`). */
  readonly customDomains?: readonly string[]
  /** Hosts allowed in `Referer` (empty or absent: any); see `isReferrerAllowed`. */
  readonly allowedReferrers?: readonly string[]
  /** `ipfs`: an IPFS gateway zone (#13), served from `upstreams`; default `cdn`. */
  readonly type?: 'cdn' | 'ipfs'
  /** An ipfs zone's upstream trustless gateways, in the order nodes ask them. */
  readonly upstreams?: readonly string[]
}

/**
 * An immutable snapshot of the zones, looked up by name or by custom domain without a
 * database query. The composition root rebuilds it when zones or balances change.
 */
export class ZoneDirectory {
  readonly #byName: ReadonlyMap<string, ZoneEntry>
  readonly #byHost: ReadonlyMap<string, ZoneEntry>
  readonly #blocked: ReadonlyMap<string, ReadonlySet<string>>

  constructor(entries: Iterable<ZoneEntry>) {
    const byName = new Map<string, ZoneEntry>()
    const byHost = new Map<string, ZoneEntry>()
    const blocked = new Map<string, ReadonlySet<string>>()
    for (const entry of entries) {
      const frozen = Object.freeze({ ...entry })
      byName.set(entry.name, frozen)
      for (const domain of entry.customDomains ?? []) byHost.set(hostName(domain), frozen)
      if (entry.blockedCountries !== undefined && entry.blockedCountries.length > 0) {
        blocked.set(entry.name, new Set(entry.blockedCountries.map((code) => code.toUpperCase())))
      }
    }
    this.#byName = byName
    this.#byHost = byHost
    this.#blocked = blocked
    Object.freeze(this)
  }

  /** The zone called `name`, if any (a Map lookup: odd names just miss). */
  findByName(name: string): ZoneEntry | undefined {
    return this.#byName.get(name)
  }

  /** The zone a custom domain maps to, from a Host header ("CDN.example.com:443" works). */
  findByHost(host: string): ZoneEntry | undefined {
    return this.#byHost.get(hostName(host))
  }

  /** True if the zone refuses clients from `country` ('local' is never blocked). */
  isCountryBlocked(zoneName: string, country: string | undefined): boolean {
    // A local client is on the operator's own network; GeoIP blocking is about the internet.
    if (country === undefined || country === LOCAL_REGION) return false
    return this.#blocked.get(zoneName)?.has(country.toUpperCase()) ?? false
  }

  get size(): number {
    return this.#byName.size
  }

  /** Every zone, as given (a snapshot to rebuild an equal directory from, e.g. in a redirect worker). */
  entries(): ZoneEntry[] {
    return [...this.#byName.values()]
  }
}
