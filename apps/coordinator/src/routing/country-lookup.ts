import { LOCAL_REGION } from './fleet-node.ts'
import { rememberBounded, unmapIpv4 } from '@meson/protocol'
import { classifyAddress } from './classify-address.ts'

/** Where an address is: ISO 3166-1 alpha-2 country and continent code, or 'local'. */
export interface GeoLocation {
  readonly country: string
  /** AF AN AS EU NA OC SA, or 'local'; undefined for a code outside the table. */
  readonly continent: string | undefined
}

/** The location of loopback, private, link-local, CGNAT and ULA addresses. */
export const LOCAL_LOCATION: GeoLocation = Object.freeze({ country: LOCAL_REGION, continent: LOCAL_REGION })

/**
 * The GeoIP port. Contract, shared by every implementation: local addresses (see
 * classify-address.ts) → {@link LOCAL_LOCATION}; a public address → its country, or
 * undefined if unknown; anything that is not an IP → undefined. Never throws, and does
 * no I/O per call (implementations load their data once, at start).
 */
export interface CountryLookup {
  lookupCountry(ip: string): GeoLocation | undefined
}

/**
 * Builds a {@link CountryLookup} from a lookup of public addresses, adding the
 * contract's handling of invalid and local addresses and of IPv4-mapped IPv6 (so
 * `lookupPublic` only ever sees a plain public IPv4 or IPv6 address).
 */
export function createCountryLookup(lookupPublic: (ip: string) => GeoLocation | undefined): CountryLookup {
  return {
    lookupCountry(ip: string): GeoLocation | undefined {
      const kind = classifyAddress(ip)
      if (kind === 'invalid') return undefined
      if (kind === 'local') return LOCAL_LOCATION
      return lookupPublic(unmapIpv4(ip))
    },
  }
}

/** A lookup from a fixed table of exact addresses, for tests and benchmarks. */
export function createStaticCountryLookup(table: Readonly<Record<string, GeoLocation>>): CountryLookup {
  const byAddress = new Map(Object.entries(table))
  return createCountryLookup((ip) => byAddress.get(ip))
}

/** Client addresses a cached lookup remembers before it forgets the oldest. */
export const DEFAULT_COUNTRY_CACHE_ENTRIES = 65_536

/**
 * `lookup` with its answers remembered per address string, for the redirector's hot path
 * (ADR 0016, fourth session): a client asks many times in a row, and each lookup costs an
 * address parse and a BlockList or database search. Safe because a lookup's data is loaded
 * once at start (the port's contract). Bounded: past `maxEntries` the oldest entry is
 * forgotten, so a stream of new addresses costs memory of at most `maxEntries` entries.
 */
export function createCachedCountryLookup(lookup: CountryLookup, maxEntries = DEFAULT_COUNTRY_CACHE_ENTRIES): CountryLookup {
  // null marks "known unknown", so an unknown address is not looked up again.
  const cache = new Map<string, GeoLocation | null>()
  return {
    lookupCountry(ip: string): GeoLocation | undefined {
      const cached = cache.get(ip)
      if (cached !== undefined) return cached ?? undefined
      const found = lookup.lookupCountry(ip)
      rememberBounded(cache, ip, found ?? null, maxEntries)
      return found
    },
  }
}
